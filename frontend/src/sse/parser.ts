/** One Server-Sent Events message, as defined by the HTML Living Standard's event stream format. */
export interface SseMessage {
  id: string | null;
  event: string;
  data: string;
  retry: number | null;
}

/**
 * Incremental SSE parser: feed it decoded text in chunks of any size (a chunk may end in the middle
 * of a line, or between "\r" and "\n") and it calls `onMessage` once per complete message.
 */
export class SseParser {
  private buffer = "";
  private dataLines: string[] = [];
  private eventName = "";
  private lastId: string | null = null;
  private idSeen = false;
  private retry: number | null = null;
  private pendingCr = false;
  private idInBlock = false;

  constructor(
    private readonly onMessage: (message: SseMessage) => void,
    private readonly onComment: (text: string) => void = () => undefined,
    private readonly onIdOnly: (id: string) => void = () => undefined,
  ) {}

  /** Adds decoded text; complete lines are processed, a trailing partial line waits for more. */
  push(chunk: string): void {
    let text = chunk;
    if (this.pendingCr && text.startsWith("\n")) text = text.slice(1);
    this.pendingCr = false;
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const ch = this.buffer[i];
      if (ch !== "\n" && ch !== "\r") continue;
      this.processLine(this.buffer.slice(start, i));
      if (ch === "\r") {
        if (i + 1 < this.buffer.length) {
          if (this.buffer[i + 1] === "\n") i++;
        } else {
          this.pendingCr = true;
        }
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
  }

  /** Ends the stream; an unterminated message is discarded, as the standard says. */
  end(): void {
    this.buffer = "";
    this.dataLines = [];
    this.eventName = "";
  }

  private processLine(line: string): void {
    if (line === "") {
      this.dispatch();
      return;
    }
    if (line.startsWith(":")) {
      this.onComment(line.slice(1).trimStart());
      return;
    }
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "data":
        this.dataLines.push(value);
        break;
      case "event":
        this.eventName = value;
        break;
      case "id":
        if (!value.includes("\0")) {
          this.lastId = value;
          this.idSeen = true;
          this.idInBlock = true;
        }
        break;
      case "retry":
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
      default:
        break;
    }
  }

  private dispatch(): void {
    const idInBlock = this.idInBlock;
    this.idInBlock = false;
    if (this.dataLines.length === 0) {
      this.eventName = "";
      // A block with an id and no data dispatches nothing but still moves the last event id.
      if (idInBlock && this.lastId !== null) this.onIdOnly(this.lastId);
      return;
    }
    const message: SseMessage = {
      id: this.idSeen ? this.lastId : null,
      event: this.eventName || "message",
      data: this.dataLines.join("\n"),
      retry: this.retry,
    };
    this.dataLines = [];
    this.eventName = "";
    this.onMessage(message);
  }
}

/** Reads a fetch response body as SSE until it ends or the signal aborts. */
export async function readSse(
  body: ReadableStream<Uint8Array>,
  onMessage: (message: SseMessage) => void,
  onComment?: (text: string) => void,
  onIdOnly?: (id: string) => void,
): Promise<void> {
  const parser = new SseParser(onMessage, onComment, onIdOnly);
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.push(decoder.decode(value, { stream: true }));
    }
    parser.push(decoder.decode());
  } finally {
    parser.end();
    reader.releaseLock();
  }
}
