import type {
  AssistantMessageContent,
  AssistantMessageItem,
  ThreadItem,
  ThreadItemUpdate,
  ThreadMetadata,
  ThreadStreamEvent,
  WidgetItem,
  WidgetNode,
  WorkflowItem,
} from "./types";

export interface StreamError {
  message: string;
  allowRetry: boolean;
}

export interface Notice {
  level: "info" | "warning" | "danger";
  title: string | null;
  message: string;
}

/** Everything the chat view shows about one thread; changed only through `applyEvent`. */
export interface ThreadState {
  thread: ThreadMetadata | null;
  items: ThreadItem[];
  progress: { icon: string | null; text: string } | null;
  error: StreamError | null;
  notices: Notice[];
  allowCancel: boolean;
}

export const emptyThreadState: ThreadState = {
  thread: null,
  items: [],
  progress: null,
  error: null,
  notices: [],
  allowCancel: true,
};

/** State for a thread loaded from the server (items in chronological order). */
export function loadedThreadState(thread: ThreadMetadata, items: ThreadItem[]): ThreadState {
  return { ...emptyThreadState, thread: stripItems(thread), items };
}

function stripItems(thread: ThreadMetadata & { items?: unknown }): ThreadMetadata {
  const { items: _items, ...metadata } = thread;
  void _items;
  return metadata;
}

function upsertItem(items: ThreadItem[], item: ThreadItem): ThreadItem[] {
  const index = items.findIndex((existing) => existing.id === item.id);
  if (index === -1) return [...items, item];
  const next = items.slice();
  next[index] = item;
  return next;
}

function updateItem(items: ThreadItem[], itemId: string, update: (item: ThreadItem) => ThreadItem): ThreadItem[] {
  const index = items.findIndex((existing) => existing.id === itemId);
  if (index === -1) return items;
  const next = items.slice();
  next[index] = update(items[index]);
  return next;
}

function setContent(
  item: AssistantMessageItem,
  index: number,
  change: (part: AssistantMessageContent) => AssistantMessageContent,
): AssistantMessageItem {
  const content = item.content.slice();
  while (content.length <= index) content.push({ type: "output_text", text: "", annotations: [] });
  content[index] = change(content[index]);
  return { ...item, content };
}

/** Returns a copy of `node` where the component with id `componentId` is replaced by `change(component)`. */
export function mapWidgetComponent(
  node: WidgetNode,
  componentId: string,
  change: (component: WidgetNode) => WidgetNode,
): WidgetNode {
  if (node.id === componentId) return change(node);
  if (!Array.isArray(node.children)) return node;
  let changed = false;
  const children = node.children.map((child) => {
    const next = mapWidgetComponent(child, componentId, change);
    if (next !== child) changed = true;
    return next;
  });
  return changed ? { ...node, children } : node;
}

function applyItemUpdate(item: ThreadItem, update: ThreadItemUpdate): ThreadItem {
  switch (update.type) {
    case "assistant_message.content_part.added":
    case "assistant_message.content_part.done":
      if (item.type !== "assistant_message") return item;
      return setContent(item, update.content_index, () => ({
        ...update.content,
        annotations: update.content.annotations ?? [],
      }));
    case "assistant_message.content_part.text_delta":
      if (item.type !== "assistant_message") return item;
      return setContent(item, update.content_index, (part) => ({ ...part, text: part.text + update.delta }));
    case "assistant_message.content_part.annotation_added":
      if (item.type !== "assistant_message") return item;
      return setContent(item, update.content_index, (part) => {
        const annotations = part.annotations.slice();
        annotations[update.annotation_index] = update.annotation;
        return { ...part, annotations };
      });
    case "widget.streaming_text.value_delta":
      if (item.type !== "widget") return item;
      return {
        ...item,
        widget: mapWidgetComponent(item.widget, update.component_id, (component) => ({
          ...component,
          value: String(component.value ?? "") + update.delta,
          streaming: !update.done,
        })),
      } satisfies WidgetItem;
    case "widget.root.updated":
      if (item.type !== "widget") return item;
      return { ...item, widget: update.widget };
    case "widget.component.updated":
      if (item.type !== "widget") return item;
      return { ...item, widget: mapWidgetComponent(item.widget, update.component_id, () => update.component) };
    case "workflow.task.added":
    case "workflow.task.updated": {
      if (item.type !== "workflow") return item;
      const tasks = item.workflow.tasks.slice();
      tasks[update.task_index] = update.task;
      return { ...item, workflow: { ...item.workflow, tasks } } satisfies WorkflowItem;
    }
    default:
      return item;
  }
}

/** Applies one streamed event to the thread state (pure; unknown events leave it unchanged). */
export function applyEvent(state: ThreadState, event: ThreadStreamEvent): ThreadState {
  switch (event.type) {
    case "thread.created":
    case "thread.updated":
      return { ...state, thread: stripItems(event.thread) };
    case "thread.item.added":
    case "thread.item.done":
    case "thread.item.replaced":
      return { ...state, items: upsertItem(state.items, event.item), progress: null };
    case "thread.item.updated":
      return { ...state, items: updateItem(state.items, event.item_id, (item) => applyItemUpdate(item, event.update)) };
    case "thread.item.removed":
      return { ...state, items: state.items.filter((item) => item.id !== event.item_id) };
    case "stream_options":
      return { ...state, allowCancel: event.stream_options.allow_cancel };
    case "progress_update":
      return { ...state, progress: { icon: event.icon ?? null, text: event.text } };
    case "error":
      return {
        ...state,
        progress: null,
        error: { message: event.message || "Something went wrong while answering.", allowRetry: event.allow_retry },
      };
    case "notice":
      return {
        ...state,
        notices: [...state.notices, { level: event.level, title: event.title ?? null, message: event.message }],
      };
    default:
      return state;
  }
}

/** Item types that are bookkeeping for the server and never shown. */
export function isVisibleItem(item: ThreadItem): boolean {
  return !["hidden_context_item", "sdk_hidden_context", "end_of_turn"].includes(item.type);
}

/** The id of the latest user message at or before `index` (what retry_after_item needs). */
export function userMessageBefore(items: ThreadItem[], index: number): string | null {
  for (let i = Math.min(index, items.length - 1); i >= 0; i--) {
    if (items[i].type === "user_message") return items[i].id;
  }
  return null;
}
