import { useEffect, useMemo, useState } from "react";
import { TasksApi, localDate, type DueFilter, type FetchLike, type StatusFilter, type TaskFilters } from "../api/tasks";
import type { Task } from "../api/types";
import { browserTimeZone } from "../chatkit/client";
import { Icon } from "../ui/Icon";
import { useToast } from "../ui/Toasts";
import { TaskEditor } from "./TaskEditor";
import { useTasks } from "./useTasks";
import { LiveStatus } from "./LiveStatus";
import { LoadError } from "./LoadError";

const STATUSES: { value: StatusFilter; label: string }[] = [
  { value: "pending", label: "To do" },
  { value: "completed", label: "Done" },
  { value: "all", label: "All" },
];

function dueLabel(due: string): { text: string; tone: string } {
  const today = localDate();
  if (due < today) return { text: `Overdue · ${formatDate(due)}`, tone: "danger" };
  if (due === today) return { text: "Today", tone: "warning" };
  if (due === localDate(1)) return { text: "Tomorrow", tone: "info" };
  return { text: formatDate(due), tone: "neutral" };
}

function formatDate(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number);
  const date = new Date(y, m - 1, d);
  const sameYear = y === new Date().getFullYear();
  return date.toLocaleDateString([], { month: "short", day: "numeric", ...(sameYear ? {} : { year: "numeric" }) });
}

/** The task dashboard: filters, quick add, the live list. */
export function Dashboard({ fetch }: { fetch: FetchLike }) {
  const api = useMemo(() => new TasksApi(fetch), [fetch]);
  const parseQuickAdd = useMemo(
    () => (text: string, signal?: AbortSignal) => api.parse(text, browserTimeZone(), signal),
    [api],
  );
  const toast = useToast();
  const [filters, setFilters] = useState<TaskFilters>({ status: "pending", due: "any", tag: "", query: "" });
  const [search, setSearch] = useState("");
  const [editing, setEditing] = useState<string | null>(null);
  const view = useTasks(api, fetch, filters);

  useEffect(() => {
    const timer = setTimeout(() => setFilters((current) => (current.query === search ? current : { ...current, query: search })), 250);
    return () => clearTimeout(timer);
  }, [search]);

  const failed = (what: string) => (reason: unknown) =>
    toast({ tone: "error", message: `${what}: ${reason instanceof Error ? reason.message : "please try again"}` });

  const toggle = (task: Task) =>
    api
      .update(task.id, { completed: !task.completed })
      .then((updated) => {
        view.upsert(updated);
        toast({
          message: updated.completed ? `Completed “${updated.title}”` : `Reopened “${updated.title}”`,
          actionLabel: "Undo",
          onAction: () => api.update(task.id, { completed: task.completed }).then(view.upsert, failed("Could not undo")),
        });
      }, failed("Could not update the task"));

  const remove = (task: Task) =>
    api.remove(task.id).then((deleted) => {
      view.upsert(deleted);
      toast({
        message: `Deleted “${task.title}”`,
        actionLabel: "Undo",
        onAction: () => api.restore(task.id).then(view.upsert, failed("Could not restore the task")),
      });
    }, failed("Could not delete the task"));

  const tagsInView = [...new Set(view.tasks.flatMap((task) => task.tags))].sort();
  const filtered = filters.due !== "any" || filters.tag !== "" || filters.query !== "";

  return (
    <section className="dashboard" aria-labelledby="tasks-heading">
      <div className="dashboard-head">
        <h1 id="tasks-heading">Tasks</h1>
        <LiveStatus status={view.live} />
      </div>

      <TaskEditor idPrefix="new-task" parse={parseQuickAdd} onSave={(draft) => api.create(draft).then(view.upsert)} />

      <div className="filters" role="group" aria-label="Filters">
        <div className="segmented" role="radiogroup" aria-label="Status">
          {STATUSES.map((status) => (
            <button
              key={status.value}
              type="button"
              role="radio"
              aria-checked={filters.status === status.value}
              className={filters.status === status.value ? "selected" : ""}
              onClick={() => setFilters({ ...filters, status: status.value })}
            >
              {status.label}
            </button>
          ))}
        </div>
        <label className="filter">
          <span className="visually-hidden">Due</span>
          <select className="input" value={filters.due} onChange={(event) => setFilters({ ...filters, due: event.target.value as DueFilter })} aria-label="Due">
            <option value="any">Any date</option>
            <option value="overdue">Overdue</option>
            <option value="today">Due today</option>
            <option value="week">Due this week</option>
          </select>
        </label>
        <label className="filter">
          <span className="visually-hidden">Tag</span>
          <input
            className="input"
            list="tag-options"
            placeholder="Tag"
            aria-label="Tag"
            value={filters.tag}
            onChange={(event) => setFilters({ ...filters, tag: event.target.value })}
          />
          <datalist id="tag-options">
            {tagsInView.map((tag) => (
              <option key={tag} value={tag} />
            ))}
          </datalist>
        </label>
        <label className="filter filter-search">
          <Icon name="search" size={16} />
          <span className="visually-hidden">Search tasks</span>
          <input className="input" type="search" placeholder="Search" value={search} onChange={(event) => setSearch(event.target.value)} />
        </label>
      </div>

      {view.error ? (
        <LoadError message={view.error} onRetry={view.reload} />
      ) : view.tasks.length === 0 && !view.loading ? (
        <div className="state">
          <p className="state-title">{filtered ? "No tasks match these filters." : filters.status === "completed" ? "Nothing completed yet." : "You're all caught up."}</p>
          <p className="state-hint">
            {filtered ? "Try clearing a filter." : "Add a task above, or ask the assistant: “add buy milk tomorrow”."}
          </p>
          {filtered && (
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => {
                setSearch("");
                setFilters({ ...filters, due: "any", tag: "", query: "" });
              }}
            >
              Clear filters
            </button>
          )}
        </div>
      ) : (
        <ul className="task-list" aria-label="Task list" aria-busy={view.loading}>
          {view.tasks.map((task) =>
            editing === task.id ? (
              <li key={task.id} className="task editing">
                <TaskEditor
                  idPrefix={`edit-${task.id}`}
                  task={task}
                  onCancel={() => setEditing(null)}
                  onSave={(draft) =>
                    api.update(task.id, draft).then((updated) => {
                      view.upsert(updated);
                      setEditing(null);
                    })
                  }
                />
              </li>
            ) : (
              <li key={task.id} className={`task${task.completed ? " done" : ""}`} data-task-id={task.id}>
                <input
                  type="checkbox"
                  className="task-check"
                  checked={task.completed}
                  onChange={() => void toggle(task)}
                  aria-label={task.completed ? `Reopen “${task.title}”` : `Complete “${task.title}”`}
                />
                <div className="task-body">
                  <p className="task-title">{task.title}</p>
                  {task.description && <p className="task-desc">{task.description}</p>}
                  <div className="task-meta">
                    {task.due_date && <span className={`badge tone-${task.completed ? "neutral" : dueLabel(task.due_date).tone}`}>{dueLabel(task.due_date).text}</span>}
                    {task.priority !== "normal" && <span className={`badge tone-${task.priority === "high" ? "danger" : "neutral"}`}>{task.priority === "high" ? "High priority" : "Low priority"}</span>}
                    {task.tags.map((tag) => (
                      <button key={tag} type="button" className="tag" onClick={() => setFilters({ ...filters, tag })} aria-label={`Filter by tag ${tag}`}>
                        #{tag}
                      </button>
                    ))}
                  </div>
                </div>
                <div className="task-actions">
                  <button type="button" className="icon-btn" aria-label={`Edit “${task.title}”`} onClick={() => setEditing(task.id)}>
                    <Icon name="edit" size={16} />
                  </button>
                  <button type="button" className="icon-btn" aria-label={`Delete “${task.title}”`} onClick={() => void remove(task)}>
                    <Icon name="trash" size={16} />
                  </button>
                </div>
              </li>
            ),
          )}
        </ul>
      )}
    </section>
  );
}
