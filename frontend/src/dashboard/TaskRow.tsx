import { localDate } from "../api/tasks";
import type { Task } from "../api/types";
import { Icon } from "../ui/Icon";
import { canToggle, type TaskControls } from "./taskControls";

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

interface TaskRowProps {
  task: Task;
  controls: TaskControls;
  onToggle(task: Task): void;
  onEdit(task: Task): void;
  onRemove(task: Task): void;
  onTag(tag: string): void;
}

/** One task of the dashboard's list, with only the controls the app is granted. */
export function TaskRow({ task, controls, onToggle, onEdit, onRemove, onTag }: TaskRowProps) {
  return (
    <li className={`task${task.completed ? " done" : ""}`} data-task-id={task.id}>
      <input
        type="checkbox"
        className="task-check"
        checked={task.completed}
        disabled={!canToggle(controls, task.completed)}
        onChange={() => onToggle(task)}
        aria-label={task.completed ? `Reopen “${task.title}”` : `Complete “${task.title}”`}
      />
      <div className="task-body">
        <p className="task-title">{task.title}</p>
        {task.description && <p className="task-desc">{task.description}</p>}
        <div className="task-meta">
          {task.due_date && <span className={`badge tone-${task.completed ? "neutral" : dueLabel(task.due_date).tone}`}>{dueLabel(task.due_date).text}</span>}
          {task.priority !== "normal" && <span className={`badge tone-${task.priority === "high" ? "danger" : "neutral"}`}>{task.priority === "high" ? "High priority" : "Low priority"}</span>}
          {task.tags.map((tag) => (
            <button key={tag} type="button" className="tag" onClick={() => onTag(tag)} aria-label={`Filter by tag ${tag}`}>
              #{tag}
            </button>
          ))}
        </div>
      </div>
      {(controls.edit || controls.remove) && (
        <div className="task-actions">
          {controls.edit && (
            <button type="button" className="icon-btn" aria-label={`Edit “${task.title}”`} onClick={() => onEdit(task)}>
              <Icon name="edit" size={16} />
            </button>
          )}
          {controls.remove && (
            <button type="button" className="icon-btn" aria-label={`Delete “${task.title}”`} onClick={() => onRemove(task)}>
              <Icon name="trash" size={16} />
            </button>
          )}
        </div>
      )}
    </li>
  );
}
