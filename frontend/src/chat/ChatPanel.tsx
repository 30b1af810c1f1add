import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { ChatKitClient } from "../chatkit/client";
import { isVisibleItem, userMessageBefore } from "../chatkit/threadState";
import type { AssistantMessageItem, ThreadItem, UserMessageItem } from "../chatkit/types";
import { Icon } from "../ui/Icon";
import { useFollowLatest } from "./followLatest";
import { ChatStart } from "./ChatStart";
import { Markdown } from "./Markdown";
import { ThreadHistory } from "./ThreadHistory";
import { useChat, type ChatView } from "./useChat";
import { WidgetView } from "./widgets/WidgetRenderer";

type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** The built-in chat: a ChatKit protocol client rendered with this app's own components. */
export function ChatPanel({ fetch, userId, greeting, suggestions }: { fetch: FetchLike; userId: string; greeting: string | null; suggestions: string[] }) {
  const client = useMemo(() => new ChatKitClient({ url: "/api/v1/chatkit", fetch }), [fetch]);
  const chat = useChat(client, `chatkit-botbuilder.thread.${userId}`, fetch);
  const [showHistory, setShowHistory] = useState(false);
  const title = chat.state.thread?.title || (chat.state.thread ? "Conversation" : "New conversation");

  return (
    <section className="chat" aria-label="Assistant">
      <header className="chat-header">
        <button
          type="button"
          className="icon-btn"
          aria-label={showHistory ? "Hide conversations" : "Show conversations"}
          aria-expanded={showHistory}
          aria-controls="chat-history"
          onClick={() => {
            if (!showHistory) void chat.refreshThreads();
            setShowHistory(!showHistory);
          }}
        >
          <Icon name="history" />
        </button>
        <h2 className="chat-title" title={title}>
          {title}
        </h2>
        <button type="button" className="btn btn-secondary btn-small" onClick={() => { chat.newThread(); setShowHistory(false); }}>
          <Icon name="plus" size={16} /> New chat
        </button>
      </header>
      {showHistory && (
        <div id="chat-history" className="chat-history">
          <ThreadHistory
            threads={chat.threads}
            activeId={chat.state.thread?.id ?? null}
            error={chat.threadsError}
            onOpen={(id) => {
              setShowHistory(false);
              void chat.openThread(id);
            }}
            onRename={chat.renameThread}
            onDelete={chat.deleteThread}
            onRetry={() => void chat.refreshThreads()}
          />
        </div>
      )}
      <Messages chat={chat} greeting={greeting} suggestions={suggestions} />
      <Composer streaming={chat.streaming} canStop={chat.state.allowCancel} onSend={chat.send} onStop={chat.stop} />
    </section>
  );
}

function Messages({ chat, greeting, suggestions }: { chat: ChatView; greeting: string | null; suggestions: string[] }) {
  const { state, streaming } = chat;
  const follow = useFollowLatest(state);
  const { jumpToLatest } = follow;
  const items = state.items.filter(isVisibleItem);
  const threadId = state.thread?.id ?? null;
  const lastSent = [...state.items].reverse().find((item) => item.type === "user_message")?.id ?? null;

  // Opening a thread and sending a message both bring the newest message into view.
  useLayoutEffect(() => jumpToLatest(), [threadId, lastSent, jumpToLatest]);
  const onSuggestion = (text: string) => chat.send(text);

  const lastAssistantIndex = (() => {
    for (let i = state.items.length - 1; i >= 0; i--) if (state.items[i].type === "assistant_message") return i;
    return -1;
  })();

  return (
    <div className="chat-body">
      <div className="chat-scroll" ref={follow.scroller}>
        <div className="chat-scroll-content" ref={follow.content}>
          {chat.loadingThread && <p className="chat-status">Loading conversation…</p>}
          {!chat.loadingThread && items.length === 0 && !streaming && !state.error && (
            <ChatStart greeting={greeting} suggestions={suggestions} onSuggestion={onSuggestion} />
          )}
          {chat.hasEarlier && (
            <button type="button" className="btn btn-secondary btn-small load-earlier" onClick={() => void chat.loadEarlier()}>
              Load earlier messages
            </button>
          )}
          <div role="log" aria-live="polite" aria-busy={streaming} aria-label="Conversation">
            <ol className="messages">
              {state.items.map((item, index) =>
                isVisibleItem(item) ? (
                  <li key={item.id} className={`message message-${item.type === "user_message" ? "user" : "assistant"}`}>
                    <ItemView item={item} chat={chat} index={index} isLastAssistant={index === lastAssistantIndex} />
                  </li>
                ) : null,
              )}
            </ol>
          </div>
          {state.progress && (
            <p className="chat-progress" role="status">
              <span className="spinner" aria-hidden="true" /> {state.progress.text}
            </p>
          )}
          {streaming && !state.progress && lastItemIsUser(state.items) && (
            <p className="chat-progress" role="status">
              <span className="typing" aria-hidden="true">
                <i />
                <i />
                <i />
              </span>
              <span className="visually-hidden">Assistant is thinking</span>
            </p>
          )}
          {state.notices.map((notice, index) => (
            <div key={index} className={`notice notice-${notice.level}`} role="status">
              {notice.title && <strong>{notice.title}</strong>}
              <Markdown text={notice.message} />
            </div>
          ))}
          {chat.stopped && !streaming && (
            <div className="chat-stopped">
              <span>Response stopped.</span>
              <button type="button" className="btn btn-secondary btn-small" onClick={chat.retry}>
                <Icon name="retry" size={16} /> Retry
              </button>
            </div>
          )}
          {state.error && !streaming && (
            <div className="chat-error" role="alert">
              <span>{state.error.message}</span>
              {state.error.allowRetry && (
                <button type="button" className="btn btn-secondary btn-small" onClick={chat.retry}>
                  <Icon name="retry" size={16} /> Retry
                </button>
              )}
            </div>
          )}
        </div>
      </div>
      {follow.hasUnseen && (
        <button type="button" className="jump-latest" onClick={jumpToLatest}>
          <Icon name="arrowDown" size={16} /> New messages
        </button>
      )}
    </div>
  );
}

function lastItemIsUser(items: ThreadItem[]): boolean {
  const visible = items.filter(isVisibleItem);
  return visible.length === 0 || visible[visible.length - 1].type === "user_message";
}

function userText(item: UserMessageItem): string {
  return item.content.map((part) => part.text).join(" ");
}

function ItemView({ item, chat, index, isLastAssistant }: { item: ThreadItem; chat: ChatView; index: number; isLastAssistant: boolean }) {
  switch (item.type) {
    case "user_message":
      return (
        <div className="bubble bubble-user">
          <span className="visually-hidden">You said: </span>
          {item.quoted_text && <blockquote>{item.quoted_text}</blockquote>}
          <p>{userText(item)}</p>
        </div>
      );
    case "assistant_message":
      return <AssistantMessage item={item} chat={chat} index={index} isLast={isLastAssistant} />;
    case "widget":
      return (
        <WidgetView
          widget={item.widget}
          disabled={chat.streaming}
          onAction={(action, values) => chat.runAction(item.id, action, values)}
        />
      );
    case "workflow":
      return (
        <details className="workflow" open={item.workflow.expanded}>
          <summary>{item.workflow.summary?.title ?? (item.workflow.type === "reasoning" ? "Thought process" : "Steps")}</summary>
          <ul>
            {item.workflow.tasks.map((task, n) => (
              <li key={n}>{task.title ?? task.content ?? task.type}</li>
            ))}
          </ul>
        </details>
      );
    case "task":
      return <p className="chat-status">{item.task.title ?? item.task.content ?? "Working"}</p>;
    case "client_tool_call":
      return <p className="chat-status">Used {item.name}</p>;
    default:
      return <p className="chat-status">Unsupported item ({item.type})</p>;
  }
}

function AssistantMessage({ item, chat, index, isLast }: { item: AssistantMessageItem; chat: ChatView; index: number; isLast: boolean }) {
  const text = item.content.map((part) => part.text).join("\n\n");
  const given = chat.feedback[item.id];
  const [copied, setCopied] = useState(false);
  const done = !(chat.streaming && isLast);
  return (
    <div className="assistant">
      <Markdown text={text} className="bubble bubble-assistant" />
      {done && text && (
        <div className="message-actions" role="group" aria-label="Message actions">
          <button
            type="button"
            className="icon-btn"
            aria-label={copied ? "Copied" : "Copy reply"}
            onClick={() => {
              void navigator.clipboard?.writeText(text).then(() => {
                setCopied(true);
                setTimeout(() => setCopied(false), 1500);
              });
            }}
          >
            <Icon name={copied ? "check" : "copy"} size={16} />
          </button>
          <button
            type="button"
            className={`icon-btn${given === "positive" ? " pressed" : ""}`}
            aria-label="Good response"
            aria-pressed={given === "positive"}
            onClick={() => void chat.giveFeedback(item.id, "positive")}
          >
            <Icon name="thumbUp" size={16} />
          </button>
          <button
            type="button"
            className={`icon-btn${given === "negative" ? " pressed" : ""}`}
            aria-label="Bad response"
            aria-pressed={given === "negative"}
            onClick={() => void chat.giveFeedback(item.id, "negative")}
          >
            <Icon name="thumbDown" size={16} />
          </button>
          {isLast && (
            <button
              type="button"
              className="icon-btn"
              aria-label="Regenerate reply"
              onClick={() => {
                const userId = userMessageBefore(chat.state.items, index);
                if (userId) chat.regenerate(userId);
              }}
            >
              <Icon name="retry" size={16} />
            </button>
          )}
        </div>
      )}
    </div>
  );
}

function Composer({ streaming, canStop, onSend, onStop }: { streaming: boolean; canStop: boolean; onSend(text: string): void; onStop(): void }) {
  const [text, setText] = useState("");
  const input = useRef<HTMLTextAreaElement | null>(null);
  const submit = () => {
    const value = text.trim();
    if (!value || streaming) return;
    onSend(value);
    setText("");
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };
  const wasStreaming = useRef(false);
  useEffect(() => {
    // After a reply, the composer takes focus back if the user was in the chat; on page load it
    // does not, so the keyboard starts at the top of the page (skip link, then the dashboard).
    const active = document.activeElement;
    const inChat = active === document.body || active === null || input.current?.closest(".chat")?.contains(active);
    if (!streaming && wasStreaming.current && inChat) input.current?.focus({ preventScroll: true });
    wasStreaming.current = streaming;
  }, [streaming]);
  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <label htmlFor="composer-input" className="visually-hidden">
        Message the assistant
      </label>
      <textarea
        id="composer-input"
        ref={input}
        rows={1}
        value={text}
        placeholder="Ask to add, find or change tasks…"
        onChange={(event) => setText(event.target.value)}
        onKeyDown={onKeyDown}
        maxLength={4000}
      />
      {streaming ? (
        <button type="button" className="send-btn stop" aria-label="Stop response" onClick={onStop} disabled={!canStop}>
          <Icon name="stop" />
        </button>
      ) : (
        <button type="submit" className="send-btn" aria-label="Send message" disabled={!text.trim()}>
          <Icon name="send" />
        </button>
      )}
    </form>
  );
}
