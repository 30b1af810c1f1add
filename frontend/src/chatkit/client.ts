import { apiErrorFrom } from "../api/problem";
import { readSse } from "../sse/parser";
import type { NonStreamingRequest, StreamingRequest, ThreadStreamEvent } from "./types";

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface ChatKitClientOptions {
  /** The ChatKit endpoint, e.g. "/api/v1/chatkit". */
  url: string;
  /** A fetch that adds credentials (and renews them); the client never handles tokens itself. */
  fetch: FetchLike;
  /** IANA time zone sent as X-User-Timezone so "tomorrow" means the user's tomorrow. */
  timeZone?: string;
}

/** The browser's IANA time zone, or UTC when the runtime cannot tell. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** A client for the ChatKit protocol: JSON requests and streamed (SSE) requests on one endpoint. */
export class ChatKitClient {
  private readonly timeZone: string;

  constructor(private readonly options: ChatKitClientOptions) {
    this.timeZone = options.timeZone ?? browserTimeZone();
  }

  /** Builds the fetch init for a request body; exported behaviour is checked by the unit tests. */
  buildInit(body: StreamingRequest | NonStreamingRequest, signal?: AbortSignal): RequestInit {
    const init: RequestInit = {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "text/event-stream, application/json",
        "X-User-Timezone": this.timeZone,
      },
      body: JSON.stringify(body),
    };
    if (signal) init.signal = signal;
    return init;
  }

  /** Sends a non-streaming request and returns its JSON answer. */
  async request<T>(body: NonStreamingRequest, signal?: AbortSignal): Promise<T> {
    const response = await this.options.fetch(this.options.url, this.buildInit(body, signal));
    if (!response.ok) throw await apiErrorFrom(response);
    const text = await response.text();
    return (text ? JSON.parse(text) : {}) as T;
  }

  /**
   * Sends a streaming request and calls `onEvent` for every event as it arrives. Resolves when the
   * server ends the stream; rejects with an AbortError when `signal` aborts (Stop).
   */
  async stream(
    body: StreamingRequest,
    onEvent: (event: ThreadStreamEvent) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const response = await this.options.fetch(this.options.url, this.buildInit(body, signal));
    if (!response.ok) throw await apiErrorFrom(response);
    const type = response.headers.get("content-type") ?? "";
    if (!type.includes("text/event-stream") || !response.body) {
      const text = await response.text();
      if (text) onEvent(JSON.parse(text) as ThreadStreamEvent);
      return;
    }
    await readSse(response.body, (message) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(message.data);
      } catch {
        return;
      }
      if (parsed && typeof parsed === "object" && "type" in parsed) onEvent(parsed as ThreadStreamEvent);
    });
  }
}
