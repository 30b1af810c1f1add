import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError } from "../api/problem";
import { TasksApi, compareTasks, matchesFilters, type FetchLike, type TaskFilters } from "../api/tasks";
import type { Task, TaskEvent } from "../api/types";
import { publishTaskEvent } from "../chat/liveTaskWidgets";
import { TaskEventStream, type StreamStatus } from "../events/taskEventStream";

export interface TasksView {
  tasks: Task[];
  loading: boolean;
  error: string | null;
  live: StreamStatus;
  reload(): void;
  /** Puts a task the page itself changed into the list at once (the event confirms it later). */
  upsert(task: Task): void;
}

function withTask(tasks: Task[], task: Task, filters: TaskFilters): Task[] {
  const rest = tasks.filter((existing) => existing.id !== task.id);
  const current = tasks.find((existing) => existing.id === task.id);
  if (current && current.updated_at > task.updated_at) return tasks;
  return matchesFilters(task, filters) ? [...rest, task].sort(compareTasks) : rest;
}

/** The filtered task list, kept current by the live event stream (no polling). */
export function useTasks(api: TasksApi, fetch: FetchLike, filters: TaskFilters): TasksView {
  const [tasks, setTasks] = useState<Task[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState<StreamStatus>("connecting");
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const loadSeq = useRef(0);

  const reload = useCallback(() => {
    const seq = ++loadSeq.current;
    setLoading(true);
    api
      .list(filtersRef.current)
      .then((list) => {
        if (seq !== loadSeq.current) return;
        setTasks(list);
        setError(null);
      })
      .catch((reason: unknown) => {
        if (seq !== loadSeq.current) return;
        setError(
          reason instanceof ApiError && reason.status < 500
            ? reason.detail || reason.title
            : "Couldn't load your tasks. Check your connection and try again.",
        );
      })
      .finally(() => {
        if (seq === loadSeq.current) setLoading(false);
      });
  }, [api]);

  const upsert = useCallback((task: Task) => setTasks((list) => withTask(list, task, filtersRef.current)), []);

  useEffect(() => {
    reload();
  }, [reload, filters.status, filters.due, filters.tag, filters.query]);

  useEffect(() => {
    const stream = new TaskEventStream({
      url: "/api/v1/events",
      fetch,
      onEvent: (event: TaskEvent) => {
        publishTaskEvent(event);
        if (event.task) upsert(event.task);
        else if (event.type === "task.deleted") setTasks((list) => list.filter((task) => task.id !== event.task_id));
        else reload();
      },
      onReload: () => reload(),
      onStatus: setLive,
      isFatal: (reason) => reason instanceof ApiError && (reason.status === 401 || reason.status === 403),
    });
    stream.start();
    return () => stream.stop();
  }, [fetch, reload, upsert]);

  return { tasks, loading, error, live, reload, upsert };
}
