import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, isAbortError } from "../api/problem";
import type { Task, TaskEvent, TaskPage } from "../api/types";
import type { ChatKitClient, FetchLike } from "../chatkit/client";
import { requests } from "../chatkit/requests";
import { applyEvent, emptyThreadState, loadedThreadState, type ThreadState } from "../chatkit/threadState";
import { itemsWithTaskState, stateAfter, stateOf, taskEvents, taskIdsIn } from "./liveTaskWidgets";
import type {
  ActionConfig,
  FeedbackKind,
  Page,
  StreamingRequest,
  Thread,
  ThreadItem,
  ThreadMetadata,
  ThreadStreamEvent,
} from "../chatkit/types";

export interface ChatView {
  threads: ThreadMetadata[];
  threadsError: string | null;
  state: ThreadState;
  streaming: boolean;
  stopped: boolean;
  loadingThread: boolean;
  hasEarlier: boolean;
  feedback: Record<string, FeedbackKind>;
  send(text: string): void;
  stop(): void;
  retry(): void;
  regenerate(userMessageId: string): void;
  runAction(itemId: string, action: ActionConfig, formValues?: Record<string, unknown>): void;
  giveFeedback(itemId: string, kind: FeedbackKind): Promise<void>;
  openThread(threadId: string): Promise<void>;
  newThread(): void;
  renameThread(threadId: string, title: string): Promise<void>;
  deleteThread(threadId: string): Promise<void>;
  loadEarlier(): Promise<void>;
  refreshThreads(): Promise<void>;
}

function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return "Your session has expired. Please sign in again.";
    if (error.status === 404) return "This conversation no longer exists.";
    if (error.status === 429) return "Too many requests. Wait a moment and try again.";
    if (error.status >= 500) return "The assistant is unavailable right now. Try again in a moment.";
    return error.detail || error.title;
  }
  return "The connection was lost before the reply finished.";
}

/** A fresh key for one sent message; a resend of the same request carries the same key. */
function messageKey(): string {
  return typeof crypto.randomUUID === "function" ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** The user's tasks by id, or null when they could not all be read. */
async function currentTasks(fetch: FetchLike): Promise<Map<string, Task> | null> {
  try {
    const response = await fetch("/api/v1/tasks?status=all&limit=200", { headers: { Accept: "application/json" } });
    if (!response.ok) return null;
    const page = (await response.json()) as TaskPage;
    return page.next_cursor ? null : new Map(page.tasks.map((task) => [task.id, task]));
  } catch {
    return null;
  }
}

/** Chat state and operations on top of the ChatKit protocol client. */
export function useChat(client: ChatKitClient, storageKey: string, fetch?: FetchLike): ChatView {
  const [threads, setThreads] = useState<ThreadMetadata[]>([]);
  const [threadsError, setThreadsError] = useState<string | null>(null);
  const [state, setState] = useState<ThreadState>(emptyThreadState);
  const [streaming, setStreaming] = useState(false);
  const [stopped, setStopped] = useState(false);
  const [loadingThread, setLoadingThread] = useState(false);
  const [earlierCursor, setEarlierCursor] = useState<string | null>(null);
  const [feedback, setFeedback] = useState<Record<string, FeedbackKind>>({});
  const controller = useRef<AbortController | null>(null);
  const stateRef = useRef(state);
  const lastRequest = useRef<StreamingRequest | null>(null);
  const sawUserMessage = useRef(false);
  // Other tabs of the same user hear of every thread this tab changed, and show it too.
  const tabs = useRef<BroadcastChannel | null>(null);
  const tellTabs = useCallback((threadId: string | null | undefined, deleted = false) => {
    if (threadId) tabs.current?.postMessage({ threadId, deleted });
  }, []);
  const showCurrentTasks = useRef<(items: ThreadItem[]) => Promise<void>>(async () => {});
  const showStoredAnswer = useRef<() => Promise<void>>(async () => {});
  stateRef.current = state;

  const refreshThreads = useCallback(async () => {
    try {
      const page = await client.request<Page<ThreadMetadata>>(requests.listThreads(50));
      setThreads(page.data);
      setThreadsError(null);
    } catch (error) {
      setThreadsError(errorText(error));
    }
  }, [client]);

  const rememberThread = useCallback(
    (threadId: string | null) => {
      try {
        if (threadId) localStorage.setItem(storageKey, threadId);
        else localStorage.removeItem(storageKey);
      } catch {
        // Storage can be unavailable (private mode); the open thread is then simply not remembered.
      }
    },
    [storageKey],
  );

  const onEvent = useCallback(
    (event: ThreadStreamEvent) => {
      if ((event.type === "thread.item.added" || event.type === "thread.item.done") && event.item.type === "user_message") {
        sawUserMessage.current = true;
      }
      setState((current) => applyEvent(current, event));
      if (event.type === "thread.created" || event.type === "thread.updated") {
        const { items: _items, ...metadata } = event.thread;
        void _items;
        setThreads((list) => [metadata, ...list.filter((thread) => thread.id !== metadata.id)]);
        if (event.type === "thread.created") rememberThread(metadata.id);
      }
    },
    [rememberThread],
  );

  const runStream = useCallback(
    async (body: StreamingRequest) => {
      controller.current?.abort();
      const abort = new AbortController();
      controller.current = abort;
      lastRequest.current = body;
      sawUserMessage.current = false;
      setStreaming(true);
      setStopped(false);
      setState((current) => ({ ...current, error: null, progress: null, notices: [] }));
      try {
        await client.stream(body, onEvent, abort.signal);
      } catch (error) {
        if (isAbortError(error)) {
          setStopped(true);
        } else if (error instanceof ApiError && error.status === 409) {
          // The server already has this message (a resend after a lost connection): show what it did.
          void showStoredAnswer.current();
        } else {
          setState((current) => ({ ...current, progress: null, error: { message: errorText(error), allowRetry: true } }));
        }
      } finally {
        if (controller.current === abort) controller.current = null;
        setStreaming(false);
        setState((current) => ({ ...current, progress: null }));
        tellTabs(stateRef.current.thread?.id);
      }
    },
    [client, onEvent, tellTabs],
  );

  const send = useCallback(
    (text: string) => {
      const threadId = stateRef.current.thread?.id;
      const key = messageKey();
      void runStream(threadId ? requests.addUserMessage(threadId, text, key) : requests.createThread(text, key));
    },
    [runStream],
  );

  const stop = useCallback(() => controller.current?.abort(), []);

  const regenerate = useCallback(
    (userMessageId: string) => {
      const thread = stateRef.current.thread;
      if (!thread) return;
      // The server streams a removal for each item of the old answer it drops; what the old answer
      // changed (a task card) stays, so it is not removed here in advance.
      void runStream(requests.retryAfterItem(thread.id, userMessageId));
    },
    [runStream],
  );

  const retry = useCallback(() => {
    const last = lastRequest.current;
    if (last && (last.type === "threads.create" || last.type === "threads.add_user_message") && !sawUserMessage.current) {
      // The message may or may not have reached the server: resend it with the same key, which
      // the server runs at most once.
      void runStream(last);
      return;
    }
    const current = stateRef.current;
    const lastUser = [...current.items].reverse().find((item) => item.type === "user_message");
    if (current.thread && lastUser) regenerate(lastUser.id);
    else if (lastRequest.current) void runStream(lastRequest.current);
  }, [regenerate, runStream]);

  const runAction = useCallback(
    (itemId: string, action: ActionConfig, formValues?: Record<string, unknown>) => {
      const thread = stateRef.current.thread;
      if (!thread || action.handler === "client") return;
      let payload = action.payload;
      if (formValues && Object.keys(formValues).length > 0) {
        payload = { ...(payload && typeof payload === "object" ? (payload as Record<string, unknown>) : {}), ...formValues };
      }
      void runStream(requests.customAction(thread.id, itemId, { ...action, payload }));
    },
    [runStream],
  );

  const giveFeedback = useCallback(
    async (itemId: string, kind: FeedbackKind) => {
      const thread = stateRef.current.thread;
      if (!thread) return;
      setFeedback((current) => ({ ...current, [itemId]: kind }));
      try {
        await client.request(requests.feedback(thread.id, [itemId], kind));
      } catch {
        setFeedback((current) => {
          const next = { ...current };
          delete next[itemId];
          return next;
        });
      }
    },
    [client],
  );

  const openThread = useCallback(
    async (threadId: string) => {
      controller.current?.abort();
      setLoadingThread(true);
      setStopped(false);
      try {
        const [thread, page] = await Promise.all([
          client.request<Thread>(requests.getThread(threadId)),
          client.request<Page<ThreadItem>>(requests.listItems(threadId, 100)),
        ]);
        const items = [...page.data].reverse();
        setState(loadedThreadState(thread, items));
        void showCurrentTasks.current(items);
        setEarlierCursor(page.has_more ? (page.after ?? null) : null);
        setFeedback({});
        rememberThread(threadId);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) rememberThread(null);
        setState({ ...emptyThreadState, error: { message: errorText(error), allowRetry: false } });
      } finally {
        setLoadingThread(false);
      }
    },
    [client, rememberThread],
  );

  const loadEarlier = useCallback(async () => {
    const thread = stateRef.current.thread;
    if (!thread || !earlierCursor) return;
    const page = await client.request<Page<ThreadItem>>(requests.listItems(thread.id, 100, earlierCursor));
    setState((current) => ({ ...current, items: [...[...page.data].reverse(), ...current.items] }));
    setEarlierCursor(page.has_more ? (page.after ?? null) : null);
  }, [client, earlierCursor]);

  const newThread = useCallback(() => {
    controller.current?.abort();
    setState(emptyThreadState);
    setStopped(false);
    setEarlierCursor(null);
    setFeedback({});
    lastRequest.current = null;
    rememberThread(null);
  }, [rememberThread]);

  const renameThread = useCallback(
    async (threadId: string, title: string) => {
      const thread = await client.request<Thread>(requests.renameThread(threadId, title));
      const { items: _items, ...metadata } = thread;
      void _items;
      setThreads((list) => list.map((entry) => (entry.id === threadId ? { ...entry, ...metadata, title } : entry)));
      setState((current) => (current.thread?.id === threadId ? { ...current, thread: { ...current.thread, title } } : current));
      tellTabs(threadId);
    },
    [client, tellTabs],
  );

  const deleteThread = useCallback(
    async (threadId: string) => {
      await client.request(requests.deleteThread(threadId));
      setThreads((list) => list.filter((entry) => entry.id !== threadId));
      if (stateRef.current.thread?.id === threadId) newThread();
      tellTabs(threadId, true);
    },
    [client, newThread, tellTabs],
  );

  // Task widgets in a loaded thread show each task as it is now, not as it was when shown.
  showCurrentTasks.current = async (loaded: ThreadItem[]) => {
    if (!fetch) return;
    const ids = new Set(loaded.flatMap((item) => (item.type === "widget" ? taskIdsIn(item.widget) : [])));
    if (ids.size === 0) return;
    const tasks = await currentTasks(fetch);
    if (!tasks) return;
    setState((current) => {
      let items = current.items;
      for (const id of ids) {
        const task = tasks.get(id);
        items = itemsWithTaskState(items, id, task ? stateOf(task) : { deleted: true });
      }
      return items === current.items ? current : { ...current, items };
    });
  };

  useEffect(() => {
    const onTask = (event: Event) => {
      const change = (event as CustomEvent<TaskEvent>).detail;
      const state = stateAfter(change);
      if (!state) return;
      setState((current) => {
        const items = itemsWithTaskState(current.items, change.task_id, state);
        return items === current.items ? current : { ...current, items };
      });
    };
    taskEvents.addEventListener("task", onTask);
    return () => taskEvents.removeEventListener("task", onTask);
  }, []);

  showStoredAnswer.current = async () => {
    const threadId = stateRef.current.thread?.id;
    if (threadId) {
      await openThread(threadId);
      return;
    }
    const page = await client.request<Page<ThreadMetadata>>(requests.listThreads(1));
    setThreads((list) => [...page.data, ...list.filter((entry) => !page.data.some((thread) => thread.id === entry.id))]);
    if (page.data[0]) await openThread(page.data[0].id);
  };

  useEffect(() => {
    if (typeof BroadcastChannel === "undefined") return;
    const channel = new BroadcastChannel(`${storageKey}.changes`);
    tabs.current = channel;
    channel.onmessage = (message: MessageEvent<{ threadId?: unknown; deleted?: unknown }>) => {
      const threadId = typeof message.data?.threadId === "string" ? message.data.threadId : null;
      if (!threadId) return;
      void refreshThreads();
      if (stateRef.current.thread?.id !== threadId || controller.current) return;
      if (message.data.deleted === true) {
        setState(emptyThreadState);
        return;
      }
      // Quietly bring the open thread up to date (no "Loading" in between).
      void Promise.all([
        client.request<Thread>(requests.getThread(threadId)),
        client.request<Page<ThreadItem>>(requests.listItems(threadId, 100)),
      ]).then(([thread, page]) => {
        if (stateRef.current.thread?.id !== threadId || controller.current) return;
        const items = [...page.data].reverse();
        setState(loadedThreadState(thread, items));
        setEarlierCursor(page.has_more ? (page.after ?? null) : null);
        void showCurrentTasks.current(items);
      }, () => undefined);
    };
    return () => {
      channel.close();
      tabs.current = null;
    };
  }, [client, refreshThreads, storageKey]);

  useEffect(() => {
    void refreshThreads();
    let remembered: string | null = null;
    try {
      remembered = localStorage.getItem(storageKey);
    } catch {
      remembered = null;
    }
    if (remembered) void openThread(remembered);
    return () => controller.current?.abort();
  }, [refreshThreads, openThread, storageKey]);

  return {
    threads,
    threadsError,
    state,
    streaming,
    stopped,
    loadingThread,
    hasEarlier: earlierCursor !== null,
    feedback,
    send,
    stop,
    retry,
    regenerate,
    runAction,
    giveFeedback,
    openThread,
    newThread,
    renameThread,
    deleteThread,
    loadEarlier,
    refreshThreads,
  };
}
