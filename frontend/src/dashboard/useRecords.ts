import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError } from "../api/problem";
import { ToolServicesApi, eventsUrl, type FetchLike, type RecordEvent, type ServiceRecord } from "../api/toolServices";
import { TaskEventStream, type StreamStatus } from "../events/taskEventStream";

export interface RecordsView {
  records: ServiceRecord[];
  loading: boolean;
  error: string | null;
  live: StreamStatus;
  reload(): void;
}

/** How long a burst of events waits before the one reload it causes. */
const RELOAD_DELAY_MS = 150;

/**
 * A tool service's records, reloaded when its event stream reports a change. The records tool
 * decides which records belong in the list (an archived note leaves it), so the page asks again
 * rather than guessing from the event.
 */
export function useRecords(api: ToolServicesApi, fetch: FetchLike, service: string, events: boolean): RecordsView {
  const [records, setRecords] = useState<ServiceRecord[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState<StreamStatus>(events ? "connecting" : "stopped");
  const loadSeq = useRef(0);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);

  const reload = useCallback(() => {
    const seq = ++loadSeq.current;
    setLoading(true);
    api
      .records(service)
      .then((list) => {
        if (seq !== loadSeq.current) return;
        setRecords(list);
        setError(null);
      })
      .catch((reason: unknown) => {
        if (seq !== loadSeq.current) return;
        setError(reason instanceof ApiError && reason.status < 500 ? reason.detail || reason.title : `Couldn't load ${service}. Try again in a moment.`);
      })
      .finally(() => {
        if (seq === loadSeq.current) setLoading(false);
      });
  }, [api, service]);

  useEffect(() => {
    reload();
  }, [reload]);

  useEffect(() => {
    if (!events) return;
    const soon = () => {
      if (pending.current !== null) clearTimeout(pending.current);
      pending.current = setTimeout(() => {
        pending.current = null;
        reload();
      }, RELOAD_DELAY_MS);
    };
    const stream = new TaskEventStream<RecordEvent>({
      url: eventsUrl(service),
      fetch,
      onEvent: soon,
      onReload: soon,
      onStatus: setLive,
      isFatal: (reason) => reason instanceof ApiError && (reason.status === 401 || reason.status === 403 || reason.status === 404),
    });
    stream.start();
    return () => {
      stream.stop();
      if (pending.current !== null) clearTimeout(pending.current);
    };
  }, [fetch, reload, service, events]);

  return { records, loading, error, live, reload };
}
