import { useState } from "react";
import type { ThreadMetadata } from "../chatkit/types";
import { Icon } from "../ui/Icon";

interface Props {
  threads: ThreadMetadata[];
  activeId: string | null;
  error: string | null;
  onOpen(threadId: string): void;
  onRename(threadId: string, title: string): Promise<void>;
  onDelete(threadId: string): Promise<void>;
  onRetry(): void;
}

function when(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const today = new Date();
  return date.toDateString() === today.toDateString()
    ? date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
    : date.toLocaleDateString([], { month: "short", day: "numeric" });
}

/** The list of past conversations, with rename and delete. */
export function ThreadHistory({ threads, activeId, error, onOpen, onRename, onDelete, onRetry }: Props) {
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState("");
  const [confirming, setConfirming] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  if (error)
    return (
      <div className="history-empty" role="alert">
        <p>{error}</p>
        <button type="button" className="btn btn-secondary" onClick={onRetry}>
          Try again
        </button>
      </div>
    );
  if (threads.length === 0) return <p className="history-empty">No conversations yet.</p>;

  return (
    <nav aria-label="Conversations">
      {problem && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
      <ul className="history-list">
        {threads.map((thread) => {
          const title = thread.title || "New conversation";
          if (editing === thread.id)
            return (
              <li key={thread.id} className="history-item">
                <form
                  className="history-rename"
                  onSubmit={(event) => {
                    event.preventDefault();
                    const title = draft.trim();
                    if (!title) return;
                    onRename(thread.id, title)
                      .then(() => setEditing(null))
                      .catch(() => setProblem("Could not rename the conversation."));
                  }}
                >
                  <input
                    aria-label="Conversation title"
                    value={draft}
                    maxLength={200}
                    autoFocus
                    onChange={(event) => setDraft(event.target.value)}
                    onKeyDown={(event) => {
                      if (event.key === "Escape") setEditing(null);
                    }}
                  />
                  <button type="submit" className="icon-btn" aria-label="Save title">
                    <Icon name="check" />
                  </button>
                </form>
              </li>
            );
          return (
            <li key={thread.id} className={`history-item${thread.id === activeId ? " active" : ""}`}>
              <button
                type="button"
                className="history-open"
                aria-current={thread.id === activeId ? "true" : undefined}
                onClick={() => onOpen(thread.id)}
              >
                <span className="history-title">{title}</span>
                <span className="history-date">{when(thread.created_at)}</span>
              </button>
              {confirming === thread.id ? (
                <span className="history-confirm">
                  <button
                    type="button"
                    className="btn btn-danger btn-small"
                    onClick={() => {
                      setConfirming(null);
                      onDelete(thread.id).catch(() => setProblem("Could not delete the conversation."));
                    }}
                  >
                    Delete
                  </button>
                  <button type="button" className="btn btn-secondary btn-small" onClick={() => setConfirming(null)}>
                    Keep
                  </button>
                </span>
              ) : (
                <span className="history-actions">
                  <button
                    type="button"
                    className="icon-btn"
                    aria-label={`Rename “${title}”`}
                    onClick={() => {
                      setDraft(thread.title ?? "");
                      setEditing(thread.id);
                    }}
                  >
                    <Icon name="edit" size={16} />
                  </button>
                  <button type="button" className="icon-btn" aria-label={`Delete “${title}”`} onClick={() => setConfirming(thread.id)}>
                    <Icon name="trash" size={16} />
                  </button>
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
