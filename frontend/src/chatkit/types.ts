/** TypeScript mirror of the ChatKit wire protocol (openai-chatkit `chatkit/types.py`). */

export interface Page<T> {
  data: T[];
  has_more: boolean;
  after?: string | null;
}

export type ThreadStatus =
  | { type: "active" }
  | { type: "locked"; reason?: string }
  | { type: "closed"; reason?: string };

export interface ThreadMetadata {
  id: string;
  title?: string | null;
  created_at: string;
  status?: ThreadStatus;
  metadata?: Record<string, unknown>;
}

export interface Thread extends ThreadMetadata {
  items?: Page<ThreadItem>;
}

export interface InputTextContent {
  type: "input_text";
  text: string;
}

export interface InputTagContent {
  type: "input_tag";
  id: string;
  text: string;
  data: Record<string, unknown>;
  group?: string | null;
  interactive: boolean;
}

export type UserMessageContent = InputTextContent | InputTagContent;

export interface UserMessageInput {
  content: UserMessageContent[];
  attachments: string[];
  quoted_text?: string;
  inference_options: { tool_choice?: { id: string }; model?: string };
}

export interface Annotation {
  type: string;
  source?: unknown;
  index?: number | null;
}

export interface AssistantMessageContent {
  type: "output_text";
  text: string;
  annotations: Annotation[];
}

interface ItemBase {
  id: string;
  thread_id: string;
  created_at: string;
}

export interface UserMessageItem extends ItemBase {
  type: "user_message";
  content: UserMessageContent[];
  attachments?: unknown[];
  quoted_text?: string | null;
  inference_options?: Record<string, unknown>;
}

export interface AssistantMessageItem extends ItemBase {
  type: "assistant_message";
  content: AssistantMessageContent[];
}

export interface ActionConfig {
  type: string;
  payload?: unknown;
  handler?: "client" | "server";
  loadingBehavior?: "auto" | "none" | "self" | "container";
  streaming?: boolean;
}

/** Widgets are rendered defensively: any node may carry fields this client does not know. */
export interface WidgetNode {
  type: string;
  id?: string | null;
  key?: string | null;
  children?: WidgetNode[] | null;
  [field: string]: unknown;
}

export interface WidgetItem extends ItemBase {
  type: "widget";
  widget: WidgetNode;
  copy_text?: string | null;
}

export interface ClientToolCallItem extends ItemBase {
  type: "client_tool_call";
  status: "pending" | "completed";
  call_id: string;
  name: string;
  arguments: Record<string, unknown>;
  output?: unknown;
}

export interface WorkflowTask {
  type: string;
  title?: string | null;
  content?: string | null;
  status_indicator?: "none" | "loading" | "complete";
  [field: string]: unknown;
}

export interface WorkflowItem extends ItemBase {
  type: "workflow";
  workflow: {
    type: "custom" | "reasoning";
    tasks: WorkflowTask[];
    summary?: { title?: string; duration?: number } | null;
    expanded?: boolean;
  };
}

export interface TaskItem extends ItemBase {
  type: "task";
  task: WorkflowTask;
}

export interface OtherItem extends ItemBase {
  type:
    | "generated_image"
    | "structured_input"
    | "hidden_context_item"
    | "sdk_hidden_context"
    | "end_of_turn";
  [field: string]: unknown;
}

export type ThreadItem =
  | UserMessageItem
  | AssistantMessageItem
  | WidgetItem
  | ClientToolCallItem
  | WorkflowItem
  | TaskItem
  | OtherItem;

export type ThreadItemUpdate =
  | { type: "assistant_message.content_part.added"; content_index: number; content: AssistantMessageContent }
  | { type: "assistant_message.content_part.text_delta"; content_index: number; delta: string }
  | {
      type: "assistant_message.content_part.annotation_added";
      content_index: number;
      annotation_index: number;
      annotation: Annotation;
    }
  | { type: "assistant_message.content_part.done"; content_index: number; content: AssistantMessageContent }
  | { type: "widget.streaming_text.value_delta"; component_id: string; delta: string; done: boolean }
  | { type: "widget.root.updated"; widget: WidgetNode }
  | { type: "widget.component.updated"; component_id: string; component: WidgetNode }
  | { type: "workflow.task.added"; task_index: number; task: WorkflowTask }
  | { type: "workflow.task.updated"; task_index: number; task: WorkflowTask }
  | { type: "generated_image.updated"; image: { id: string; url: string }; progress?: number };

export type ThreadStreamEvent =
  | { type: "thread.created"; thread: Thread }
  | { type: "thread.updated"; thread: Thread }
  | { type: "thread.item.added"; item: ThreadItem }
  | { type: "thread.item.updated"; item_id: string; update: ThreadItemUpdate }
  | { type: "thread.item.done"; item: ThreadItem }
  | { type: "thread.item.removed"; item_id: string }
  | { type: "thread.item.replaced"; item: ThreadItem }
  | { type: "stream_options"; stream_options: { allow_cancel: boolean } }
  | { type: "progress_update"; icon?: string | null; text: string }
  | { type: "client_effect"; name: string; data: Record<string, unknown> }
  | { type: "error"; code: string; message?: string | null; allow_retry: boolean }
  | { type: "notice"; level: "info" | "warning" | "danger"; message: string; title?: string | null };

export type FeedbackKind = "positive" | "negative";

export type StreamingRequest =
  | { type: "threads.create"; params: { input: UserMessageInput }; metadata?: Record<string, unknown> }
  | {
      type: "threads.add_user_message";
      params: { thread_id: string; input: UserMessageInput };
      metadata?: Record<string, unknown>;
    }
  | { type: "threads.retry_after_item"; params: { thread_id: string; item_id: string } }
  | {
      type: "threads.custom_action";
      params: { thread_id: string; item_id?: string | null; action: { type: string; payload?: unknown } };
    };

export type NonStreamingRequest =
  | { type: "threads.list"; params: { limit?: number; order?: "asc" | "desc"; after?: string | null } }
  | { type: "threads.get_by_id"; params: { thread_id: string } }
  | { type: "threads.update"; params: { thread_id: string; title: string } }
  | { type: "threads.delete"; params: { thread_id: string } }
  | {
      type: "items.list";
      params: { thread_id: string; limit?: number; order?: "asc" | "desc"; after?: string | null };
    }
  | { type: "items.feedback"; params: { thread_id: string; item_ids: string[]; kind: FeedbackKind } };
