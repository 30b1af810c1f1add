import { apiErrorFrom } from "./problem";
import type { Priority, Task, TaskPage } from "./types";

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export type StatusFilter = "pending" | "completed" | "all";
export type DueFilter = "any" | "overdue" | "today" | "week";

export interface TaskFilters {
  status: StatusFilter;
  due: DueFilter;
  tag: string;
  query: string;
}

export interface TaskDraft {
  title: string;
  description: string;
  due_date: string | null;
  priority: Priority;
  tags: string[];
}

export type TaskPatch = Partial<TaskDraft> & { completed?: boolean };

/** POST /api/v1/tasks/parse: the task a quick-add line describes, and what was not kept. */
export interface QuickAddParse {
  title: string;
  description?: string;
  due_date: string | null;
  priority: Priority;
  tags: string[];
  notes: string[];
}

/** Today's date in the browser's time zone as YYYY-MM-DD. */
export function localDate(offsetDays = 0, now: Date = new Date()): string {
  const date = new Date(now.getFullYear(), now.getMonth(), now.getDate() + offsetDays);
  const month = String(date.getMonth() + 1).padStart(2, "0");
  const day = String(date.getDate()).padStart(2, "0");
  return `${date.getFullYear()}-${month}-${day}`;
}

/** Query string for GET /api/v1/tasks from the dashboard filters. */
export function taskQuery(filters: TaskFilters, cursor: string | null = null): string {
  const params = new URLSearchParams({ status: filters.status, limit: "200" });
  if (filters.due === "overdue") params.set("overdue", "true");
  if (filters.due === "today") params.set("due_on", localDate());
  if (filters.due === "week") params.set("due_before", localDate(6));
  if (filters.tag.trim()) params.set("tag", filters.tag.trim().toLowerCase());
  if (filters.query.trim()) params.set("query", filters.query.trim());
  if (cursor) params.set("cursor", cursor);
  return params.toString();
}

/** Whether a task belongs in the list shown for `filters` (used to apply live events locally). */
export function matchesFilters(task: Task, filters: TaskFilters, today: string = localDate()): boolean {
  if (task.deleted_at) return false;
  if (filters.status === "pending" && task.completed) return false;
  if (filters.status === "completed" && !task.completed) return false;
  if (filters.due === "overdue" && !(task.due_date !== null && task.due_date < today && !task.completed)) return false;
  if (filters.due === "today" && task.due_date !== today) return false;
  if (filters.due === "week" && !(task.due_date !== null && task.due_date <= localDate(6))) return false;
  const tag = filters.tag.trim().toLowerCase();
  if (tag && !task.tags.includes(tag)) return false;
  const words = filters.query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const haystack = `${task.title} ${task.description}`.toLowerCase();
  return words.every((word) => haystack.includes(word));
}

/** The server's order: due date ascending (none last), then created_at, then id. */
export function compareTasks(a: Task, b: Task): number {
  if (a.due_date !== b.due_date) {
    if (a.due_date === null) return 1;
    if (b.due_date === null) return -1;
    return a.due_date < b.due_date ? -1 : 1;
  }
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The dashboard's task API (gateway /api/v1/tasks). */
export class TasksApi {
  constructor(private readonly fetch: FetchLike) {}

  async list(filters: TaskFilters, signal?: AbortSignal): Promise<Task[]> {
    const tasks: Task[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const response = await this.fetch(`/api/v1/tasks?${taskQuery(filters, cursor)}`, { signal });
      if (!response.ok) throw await apiErrorFrom(response);
      const body = (await response.json()) as TaskPage;
      tasks.push(...body.tasks);
      cursor = body.next_cursor;
      if (!cursor) break;
    }
    return tasks;
  }

  create(draft: TaskDraft): Promise<Task> {
    return this.send("POST", "/api/v1/tasks", draft);
  }

  /** Reads a quick-add line into task fields; dates resolve in `timeZone`. Creates nothing. */
  async parse(text: string, timeZone: string, signal?: AbortSignal): Promise<QuickAddParse> {
    const response = await this.fetch("/api/v1/tasks/parse", {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json", "X-User-Timezone": timeZone },
      body: JSON.stringify({ text }),
      signal,
    });
    if (!response.ok) throw await apiErrorFrom(response);
    return (await response.json()) as QuickAddParse;
  }

  update(id: string, patch: TaskPatch): Promise<Task> {
    return this.send("PATCH", `/api/v1/tasks/${encodeURIComponent(id)}`, patch);
  }

  remove(id: string): Promise<Task> {
    return this.send("DELETE", `/api/v1/tasks/${encodeURIComponent(id)}`);
  }

  restore(id: string): Promise<Task> {
    return this.send("POST", `/api/v1/tasks/${encodeURIComponent(id)}/restore`);
  }

  private async send(method: string, url: string, body?: unknown): Promise<Task> {
    const init: RequestInit = { method, headers: { Accept: "application/json" } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { Accept: "application/json", "Content-Type": "application/json" };
    }
    const response = await this.fetch(url, init);
    if (!response.ok) throw await apiErrorFrom(response);
    return (await response.json()) as Task;
  }
}
