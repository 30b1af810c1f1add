import { useState } from "react";
import { localDate, type TaskDraft } from "../api/tasks";
import type { Priority, Task } from "../api/types";
import { formatPreview, type QuickAddParser, quickAddDraft, readQuickAdd } from "./quickAdd";
import { useQuickAddPreview } from "./useQuickAddPreview";

export function parseTags(text: string): string[] {
  return [...new Set(text.split(",").map((tag) => tag.trim().toLowerCase()).filter(Boolean))].slice(0, 10);
}

/**
 * The form for a new task or for editing one; `task` present means editing.
 * With `parse` (quick add), the line is read as it is typed ("pay rent friday #home !high")
 * and a preview shows what will be saved.
 */
export function TaskEditor({
  task,
  onSave,
  onCancel,
  idPrefix,
  parse,
}: {
  task?: Task;
  onSave(draft: TaskDraft): Promise<void>;
  onCancel?(): void;
  idPrefix: string;
  parse?: QuickAddParser;
}) {
  const [title, setTitle] = useState(task?.title ?? "");
  const [description, setDescription] = useState(task?.description ?? "");
  const [due, setDue] = useState(task?.due_date ?? "");
  const [priority, setPriority] = useState<Priority>(task?.priority ?? "normal");
  const [tags, setTags] = useState(task?.tags.join(", ") ?? "");
  const [expanded, setExpanded] = useState(Boolean(task));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const preview = useQuickAddPreview(task ? undefined : parse, title);

  const blank = !title.trim() && !description.trim() && !due && priority === "normal" && !tags.trim();
  // The quick-add form folds back (and forgets its complaint) once it is left empty.
  const fold = () => {
    setError(null);
    if (!task) setExpanded(false);
  };

  return (
    <form
      className={`task-editor${task ? " editing" : ""}`}
      aria-label={task ? `Edit “${task.title}”` : "New task"}
      onBlur={(event) => {
        if (!task && blank && !event.currentTarget.contains(event.relatedTarget as Node | null)) fold();
      }}
      onKeyDown={(event) => {
        if (event.key !== "Escape") return;
        if (onCancel) onCancel();
        else if (blank) {
          fold();
          (event.target as HTMLElement).blur?.();
        } else setError(null);
      }}
      onSubmit={(event) => {
        event.preventDefault();
        const trimmed = title.trim();
        if (!trimmed) {
          setError("Give the task a title.");
          return;
        }
        setSaving(true);
        setError(null);
        const details = { description, due_date: due || null, priority, tags: parseTags(tags) };
        const draft: Promise<TaskDraft> =
          parse && !task
            ? (preview?.text === trimmed ? Promise.resolve(preview.parsed) : readQuickAdd(parse, trimmed)).then((parsed) =>
                quickAddDraft(trimmed, parsed, details),
              )
            : Promise.resolve({ ...details, title: trimmed, description: description.trim() });
        draft
          .then(onSave)
          .then(() => {
            if (!task) {
              setTitle("");
              setDescription("");
              setDue("");
              setPriority("normal");
              setTags("");
              setExpanded(false);
            }
          })
          .catch((reason: unknown) => setError(reason instanceof Error ? reason.message : "Could not save the task."))
          .finally(() => setSaving(false));
      }}
    >
      <div className="editor-main">
        <label htmlFor={`${idPrefix}-title`} className="visually-hidden">
          Task title
        </label>
        {task ? (
          // Editing: the field grows to show the whole title (a phone would cut a long one off).
          <textarea
            id={`${idPrefix}-title`}
            className="input editor-title editor-title-grow"
            placeholder="Title"
            rows={1}
            value={title}
            maxLength={200}
            onChange={(event) => {
              setTitle(event.target.value.replace(/\n/g, " "));
              if (error && event.target.value.trim()) setError(null);
            }}
            onKeyDown={(event) => {
              if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
                event.preventDefault();
                event.currentTarget.form?.requestSubmit();
              }
            }}
            autoFocus
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${idPrefix}-error` : undefined}
          />
        ) : (
          <input
            id={`${idPrefix}-title`}
            className="input editor-title"
            placeholder="Add a task…"
            value={title}
            maxLength={200}
            onChange={(event) => {
              setTitle(event.target.value);
              if (error && event.target.value.trim()) setError(null);
            }}
            onFocus={() => setExpanded(true)}
            onClick={() => setExpanded(true)}
            aria-invalid={error ? true : undefined}
            aria-describedby={[error ? `${idPrefix}-error` : "", parse ? `${idPrefix}-preview` : ""].join(" ").trim() || undefined}
          />
        )}
        <button type="submit" className="btn btn-primary" disabled={saving}>
          {task ? "Save" : "Add"}
        </button>
        {onCancel && (
          <button type="button" className="btn btn-secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
      {parse && !task && (
        <div className="quick-add-preview" id={`${idPrefix}-preview`} aria-live="polite">
          {preview && Boolean(title.trim()) && (
            <>
              <p className="quick-add-fields">
                <span className="visually-hidden">Will be saved as: </span>
                {formatPreview(preview.parsed, localDate())}
              </p>
              {preview.parsed.notes.map((note) => (
                <p key={note} className="quick-add-note">
                  {note}
                </p>
              ))}
            </>
          )}
        </div>
      )}
      {expanded && (
        <div className="editor-details">
          <label className="field">
            <span>Due</span>
            <input type="date" className="input" value={due} onChange={(event) => setDue(event.target.value)} />
          </label>
          <label className="field">
            <span>Priority</span>
            <select className="input" value={priority} onChange={(event) => setPriority(event.target.value as Priority)}>
              <option value="low">Low</option>
              <option value="normal">Normal</option>
              <option value="high">High</option>
            </select>
          </label>
          <label className="field field-grow">
            <span>Tags</span>
            <input className="input" placeholder="home, errands" value={tags} onChange={(event) => setTags(event.target.value)} />
          </label>
          <label className="field field-full">
            <span>Notes</span>
            <textarea className="input" rows={2} maxLength={5000} value={description} onChange={(event) => setDescription(event.target.value)} />
          </label>
        </div>
      )}
      {error && (
        <p className="form-error" role="alert" id={`${idPrefix}-error`}>
          {error}
        </p>
      )}
    </form>
  );
}
