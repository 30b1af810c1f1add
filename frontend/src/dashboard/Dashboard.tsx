import { useEffect, useMemo, useState } from "react";
import { TasksApi, type DueFilter, type FetchLike, type StatusFilter, type TaskFilters } from "../api/tasks";
import type { Task } from "../api/types";
import { browserTimeZone } from "../chatkit/client";
import { Icon } from "../ui/Icon";
import { useToast } from "../ui/Toasts";
import { TaskEditor } from "./TaskEditor";
import { TaskRow } from "./TaskRow";
import { canToggle, taskControls } from "./taskControls";
import { useTasks } from "./useTasks";
import { LiveStatus } from "./LiveStatus";
import { LoadError } from "./LoadError";

const STATUSES: { value: StatusFilter; label: string }[] = [
  { value: "pending", label: "To do" },
  { value: "completed", label: "Done" },
  { value: "all", label: "All" },
];

/** The task dashboard: filters, quick add, the live list; with only the controls whose tools
 * the app is granted (`taskTools`, null: every tool). */
export function Dashboard({ fetch, taskTools }: { fetch: FetchLike; taskTools: readonly string[] | null }) {
  const api = useMemo(() => new TasksApi(fetch), [fetch]);
  const controls = useMemo(() => taskControls(taskTools), [taskTools]);
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
        const undo = {
          actionLabel: "Undo",
          onAction: () => api.update(task.id, { completed: task.completed }).then(view.upsert, failed("Could not undo")),
        };
        toast({
          message: updated.completed ? `Completed “${updated.title}”` : `Reopened “${updated.title}”`,
          ...(canToggle(controls, updated.completed) ? undo : {}),
        });
      }, failed("Could not update the task"));

  const remove = (task: Task) =>
    api.remove(task.id).then((deleted) => {
      view.upsert(deleted);
      const undo = {
        actionLabel: "Undo",
        onAction: () => api.restore(task.id).then(view.upsert, failed("Could not restore the task")),
      };
      toast({ message: `Deleted “${task.title}”`, ...(controls.restore ? undo : {}) });
    }, failed("Could not delete the task"));

  const tagsInView = [...new Set(view.tasks.flatMap((task) => task.tags))].sort();
  const filtered = filters.due !== "any" || filters.tag !== "" || filters.query !== "";

  return (
    <section className="dashboard" aria-labelledby="tasks-heading">
      <div className="dashboard-head">
        <h1 id="tasks-heading">Tasks</h1>
        <LiveStatus status={view.live} />
      </div>

      {controls.add && <TaskEditor idPrefix="new-task" parse={parseQuickAdd} onSave={(draft) => api.create(draft).then(view.upsert)} />}

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
              <TaskRow
                key={task.id}
                task={task}
                controls={controls}
                onToggle={(toggled) => void toggle(toggled)}
                onEdit={(edited) => setEditing(edited.id)}
                onRemove={(removed) => void remove(removed)}
                onTag={(tag) => setFilters({ ...filters, tag })}
              />
            ),
          )}
        </ul>
      )}
    </section>
  );
}
