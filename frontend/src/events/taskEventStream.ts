import { apiErrorFrom, isAbortError } from "../api/problem";
import type { TaskEvent } from "../api/types";
import { readSse, type SseMessage } from "../sse/parser";

export type StreamStatus = "connecting" | "live" | "reconnecting" | "stopped";

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Any versioned event of a per-user log: a TaskEvent, or a tool service's RecordEvent. */
export interface VersionedEvent {
  version: number;
}

export interface TaskEventStreamOptions<E extends VersionedEvent = TaskEvent> {
  url: string;
  /** Authenticated fetch (adds the Authorization header; the token never goes in the URL). */
  fetch: FetchLike;
  onEvent: (event: E) => void;
  /** The client's copy may be stale (resync event, version gap, first connection): reload the list. */
  onReload: (reason: string) => void;
  onStatus?: (status: StreamStatus) => void;
  /** A final failure (e.g. the session ended): the stream stops and does not retry. */
  isFatal?: (error: unknown) => boolean;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Silence longer than this (no event, no heartbeat) counts as a dead connection. */
  idleTimeoutMs?: number;
  random?: () => number;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/**
 * Follows GET /api/v1/events (or a tool service's /api/v1/tool-services/<name>/events) over fetch streaming. Keeps the last event id and resumes with
 * Last-Event-ID, detects gaps by version, reloads on `resync`, and reconnects with exponential
 * backoff and full jitter. It never polls: it waits for the server to push.
 */
export class TaskEventStream<E extends VersionedEvent = TaskEvent> {
  private lastVersion: number | null = null;
  private attempt = 0;
  private controller: AbortController | null = null;
  private retryTimer: unknown = null;
  private idleTimer: unknown = null;
  private running = false;
  private readonly setTimer: (callback: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly options: TaskEventStreamOptions<E>) {
    this.setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
    this.clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  }

  get version(): number | null {
    return this.lastVersion;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.connect();
  }

  stop(): void {
    this.running = false;
    if (this.retryTimer !== null) this.clearTimer(this.retryTimer);
    if (this.idleTimer !== null) this.clearTimer(this.idleTimer);
    this.retryTimer = null;
    this.idleTimer = null;
    this.controller?.abort();
    this.controller = null;
    this.options.onStatus?.("stopped");
  }

  /** Backoff before reconnect attempt `attempt` (0-based): full jitter over an exponential cap. */
  delayFor(attempt: number): number {
    const base = this.options.baseDelayMs ?? 500;
    const max = this.options.maxDelayMs ?? 30_000;
    const cap = Math.min(max, base * 2 ** attempt);
    const random = this.options.random ?? Math.random;
    return Math.round(cap / 2 + (random() * cap) / 2);
  }

  /** Handles one SSE message; public so that tests can drive it without a network. */
  handleMessage(message: SseMessage): void {
    this.touch();
    if (message.event === "resync") {
      let latest: number | null = null;
      let reason = "resync";
      try {
        const data = JSON.parse(message.data) as { latest_version?: unknown; reason?: unknown };
        if (typeof data.latest_version === "number") latest = data.latest_version;
        if (typeof data.reason === "string") reason = data.reason;
      } catch {
        latest = null;
      }
      if (latest !== null) this.lastVersion = latest;
      this.options.onReload(reason);
      return;
    }
    let event: E;
    try {
      event = JSON.parse(message.data) as E;
    } catch {
      return;
    }
    const version = message.id !== null && /^\d+$/.test(message.id) ? Number(message.id) : event.version;
    if (typeof version !== "number" || Number.isNaN(version)) return;
    if (this.lastVersion !== null && version <= this.lastVersion) return;
    const gap = this.lastVersion !== null && version > this.lastVersion + 1;
    this.lastVersion = version;
    if (gap) {
      this.options.onReload("gap");
      return;
    }
    this.options.onEvent(event);
  }

  /** The server names the version a fresh stream starts after (an id-only frame); resume from it. */
  handleIdOnly(id: string): void {
    this.touch();
    if (/^\d+$/.test(id) && (this.lastVersion === null || Number(id) > this.lastVersion)) this.lastVersion = Number(id);
  }

  private touch(): void {
    const idle = this.options.idleTimeoutMs ?? 45_000;
    if (this.idleTimer !== null) this.clearTimer(this.idleTimer);
    this.idleTimer = this.setTimer(() => {
      this.idleTimer = null;
      this.controller?.abort();
    }, idle);
  }

  private async connect(): Promise<void> {
    if (!this.running) return;
    const controller = new AbortController();
    this.controller = controller;
    this.options.onStatus?.(this.attempt === 0 && this.lastVersion === null ? "connecting" : "reconnecting");
    const headers: Record<string, string> = { Accept: "text/event-stream" };
    if (this.lastVersion !== null) headers["Last-Event-ID"] = String(this.lastVersion);
    const resuming = this.lastVersion !== null;
    try {
      const response = await this.options.fetch(this.options.url, {
        method: "GET",
        headers,
        signal: controller.signal,
        cache: "no-store",
      });
      if (!response.ok) throw await apiErrorFrom(response);
      if (!response.body) throw new Error("The event stream has no body.");
      this.attempt = 0;
      this.touch();
      this.options.onStatus?.("live");
      // A fresh connection has nothing to resume from: whatever the page holds may be stale.
      if (!resuming) this.options.onReload("connected");
      await readSse(
        response.body,
        (message) => this.handleMessage(message),
        () => this.touch(),
        (id) => this.handleIdOnly(id),
      );
    } catch (error) {
      if (!this.running) return;
      if (!isAbortError(error) && this.options.isFatal?.(error)) {
        this.stop();
        return;
      }
    } finally {
      if (this.idleTimer !== null) this.clearTimer(this.idleTimer);
      this.idleTimer = null;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (!this.running) return;
    this.options.onStatus?.("reconnecting");
    const delay = this.delayFor(this.attempt);
    this.attempt += 1;
    this.retryTimer = this.setTimer(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
  }
}
