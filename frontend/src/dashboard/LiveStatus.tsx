import type { StreamStatus } from "../events/taskEventStream";

/** Whether a dashboard section's event stream is live, as a status badge. */
export function LiveStatus({ status }: { status: StreamStatus }) {
  return (
    <span className={`live live-${status}`} role="status" title="Live updates">
      <span className="live-dot" aria-hidden="true" />
      {status === "live" ? "Live" : status === "stopped" ? "Offline" : "Connecting…"}
    </span>
  );
}
