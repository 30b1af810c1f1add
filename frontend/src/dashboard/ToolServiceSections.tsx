import { useEffect, useMemo, useState } from "react";
import { ToolServicesApi, type FetchLike, type ToolServiceInfo } from "../api/toolServices";
import { recordView } from "./records";
import { useRecords } from "./useRecords";
import { LiveStatus } from "./LiveStatus";
import { LoadError } from "./LoadError";

/** One section per configured tool service with a records tool, from the gateway's description. */
export function ToolServiceSections({ fetch }: { fetch: FetchLike }) {
  const api = useMemo(() => new ToolServicesApi(fetch), [fetch]);
  const [services, setServices] = useState<ToolServiceInfo[]>([]);

  useEffect(() => {
    const controller = new AbortController();
    api.list(controller.signal).then(setServices, () => setServices([]));
    return () => controller.abort();
  }, [api]);

  return (
    <>
      {services
        .filter((service) => service.records_tool !== null)
        .map((service) => (
          <RecordSection key={service.name} api={api} fetch={fetch} service={service} />
        ))}
    </>
  );
}

export function RecordSection({ api, fetch, service }: { api: ToolServicesApi; fetch: FetchLike; service: ToolServiceInfo }) {
  const view = useRecords(api, fetch, service.name, service.events);
  const headingId = `service-${service.name}-heading`;

  return (
    <section className="dashboard service-section" aria-labelledby={headingId} data-service={service.name}>
      <div className="dashboard-head">
        <h2 id={headingId}>{service.title}</h2>
        {service.events && <LiveStatus status={view.live} />}
      </div>
      {view.error ? (
        <LoadError message={view.error} onRetry={view.reload} />
      ) : view.records.length === 0 && !view.loading ? (
        <div className="state">
          <p className="state-title">No {service.title.toLowerCase()} yet.</p>
          <p className="state-hint">Ask the assistant to add one.</p>
        </div>
      ) : (
        <ul className="task-list record-list" aria-label={`${service.title} list`} aria-busy={view.loading}>
          {view.records.map((record) => {
            const shown = recordView(record, service);
            return (
              <li key={shown.id} className="task record" data-record-id={shown.id}>
                <div className="task-body">
                  <p className="task-title">{shown.title}</p>
                  {shown.details.map((detail) => (
                    <p key={detail.name} className="task-desc">
                      <span className="visually-hidden">{detail.name}: </span>
                      {detail.text}
                    </p>
                  ))}
                  {(shown.flags.length > 0 || shown.tags.length > 0) && (
                    <div className="task-meta">
                      {shown.flags.map((flag) => (
                        <span key={flag} className="badge tone-info">
                          {flag}
                        </span>
                      ))}
                      {shown.tags.map((tag) => (
                        <span key={tag} className="tag">
                          #{tag}
                        </span>
                      ))}
                    </div>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
