import type {
  ActionConfig,
  FeedbackKind,
  NonStreamingRequest,
  StreamingRequest,
  UserMessageInput,
} from "./types";

/** A plain text user message in the shape the server requires (attachments and options are mandatory). */
export function textInput(text: string): UserMessageInput {
  return { content: [{ type: "input_text", text }], attachments: [], inference_options: {} };
}

/** Builders for every request the web app sends; each returns the exact JSON body. */
export const requests = {
  /** `messageKey` makes a resent copy of the same message (a network retry) run at most once. */
  createThread(text: string, messageKey?: string): StreamingRequest {
    const request: StreamingRequest = { type: "threads.create", params: { input: textInput(text) } };
    return messageKey ? { ...request, metadata: { message_key: messageKey } } : request;
  },
  addUserMessage(threadId: string, text: string, messageKey?: string): StreamingRequest {
    const request: StreamingRequest = { type: "threads.add_user_message", params: { thread_id: threadId, input: textInput(text) } };
    return messageKey ? { ...request, metadata: { message_key: messageKey } } : request;
  },
  retryAfterItem(threadId: string, itemId: string): StreamingRequest {
    return { type: "threads.retry_after_item", params: { thread_id: threadId, item_id: itemId } };
  },
  customAction(threadId: string, itemId: string | null, action: ActionConfig): StreamingRequest {
    const sent: { type: string; payload?: unknown } = { type: action.type };
    if (action.payload !== undefined) sent.payload = action.payload;
    return {
      type: "threads.custom_action",
      params: itemId === null ? { thread_id: threadId, action: sent } : { thread_id: threadId, item_id: itemId, action: sent },
    };
  },
  listThreads(limit = 30, after: string | null = null): NonStreamingRequest {
    return { type: "threads.list", params: after ? { limit, order: "desc", after } : { limit, order: "desc" } };
  },
  getThread(threadId: string): NonStreamingRequest {
    return { type: "threads.get_by_id", params: { thread_id: threadId } };
  },
  renameThread(threadId: string, title: string): NonStreamingRequest {
    return { type: "threads.update", params: { thread_id: threadId, title } };
  },
  deleteThread(threadId: string): NonStreamingRequest {
    return { type: "threads.delete", params: { thread_id: threadId } };
  },
  listItems(threadId: string, limit = 100, after: string | null = null): NonStreamingRequest {
    const params = { thread_id: threadId, limit, order: "desc" as const };
    return { type: "items.list", params: after ? { ...params, after } : params };
  },
  feedback(threadId: string, itemIds: string[], kind: FeedbackKind): NonStreamingRequest {
    return { type: "items.feedback", params: { thread_id: threadId, item_ids: itemIds, kind } };
  },
};
