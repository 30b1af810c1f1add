import type { AppInfo } from "../config";

/** The app's mark (its logo, or a tick) and name. */
export function Brand({ app, nameClass }: { app: AppInfo; nameClass?: string }) {
  return (
    <div className="brand" data-app={app.id}>
      {app.logo ? (
        <img className="brand-logo" src={app.logo} alt="" width={28} height={28} />
      ) : (
        <span className="brand-mark" aria-hidden="true">
          ✓
        </span>
      )}
      <span className={nameClass}>{app.name}</span>
    </div>
  );
}
