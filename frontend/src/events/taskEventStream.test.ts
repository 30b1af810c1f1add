import { describe, expect, it } from "vitest";
import type { TaskEvent } from "../api/types";
import { TaskEventStream, type FetchLike } from "./taskEventStream";

function event(version: number, type: TaskEvent["type"] = "task.updated"): TaskEvent {
  return { version, type, task_id: `t${version}`, task: null, occurred_at: "2026-01-01T00:00:00Z", actor: "api", trace_id: null };
}

function frame(e: TaskEvent): string {
  return `id: ${e.version}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
}

/** A fake server: each call answers with the next scripted body, then the stream ends. */
function scriptedFetch(bodies: string[][], seen: Headers[]): FetchLike {
  let call = 0;
  return async (_url, init) => {
    seen.push(new Headers(init.headers));
    const chunks = bodies[Math.min(call, bodies.length - 1)];
    call += 1;
    const encoder = new TextEncoder();
    return new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
          controller.close();
        },
      }),
      { status: 200, headers: { "content-type": "text/event-stream" } },
    );
  };
}

/** Timers the test fires by hand, so that reconnects happen exactly when the test says. */
function manualTimers() {
  const pending = new Map<number, { callback: () => void; ms: number }>();
  let next = 1;
  return {
    pending,
    setTimer: (callback: () => void, ms: number) => {
      pending.set(next, { callback, ms });
      return next++;
    },
    clearTimer: (handle: unknown) => {
      pending.delete(handle as number);
    },
    fireReconnect(): number {
      for (const [id, timer] of pending) {
        if (timer.ms < 40_000) {
          pending.delete(id);
          timer.callback();
          return timer.ms;
        }
      }
      throw new Error("no reconnect scheduled");
    },
  };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 1));
  expect(condition()).toBe(true);
}

describe("TaskEventStream", () => {
  it("resumes with Last-Event-ID after a disconnect and delivers events once, in order", async () => {
    const seen: Headers[] = [];
    const timers = manualTimers();
    const received: number[] = [];
    const reloads: string[] = [];
    const stream = new TaskEventStream({
      url: "/api/v1/events",
      fetch: scriptedFetch([[frame(event(1)), frame(event(2))], [frame(event(2)), ": heartbeat\n\n", frame(event(3))]], seen),
      onEvent: (e) => received.push(e.version),
      onReload: (reason) => reloads.push(reason),
      setTimer: timers.setTimer,
      clearTimer: timers.clearTimer,
      random: () => 0.5,
    });
    stream.start();
    await until(() => received.length === 2 && [...timers.pending.values()].some((t) => t.ms < 40_000));
    expect(seen[0].get("Last-Event-ID")).toBeNull();
    expect(seen[0].get("Accept")).toBe("text/event-stream");
    timers.fireReconnect();
    await until(() => received.length === 3);
    stream.stop();
    expect(seen[1].get("Last-Event-ID")).toBe("2");
    expect(received).toEqual([1, 2, 3]);
    expect(reloads).toEqual(["connected"]);
    expect(stream.version).toBe(3);
  });

  it("resumes from the version a fresh stream announces, even before any event", async () => {
    const seen: Headers[] = [];
    const timers = manualTimers();
    const reloads: string[] = [];
    const stream = new TaskEventStream({
      url: "/e",
      fetch: scriptedFetch([["retry: 1000\nid: 17\n\n"], [frame(event(18))]], seen),
      onEvent: () => undefined,
      onReload: (reason) => reloads.push(reason),
      setTimer: timers.setTimer,
      clearTimer: timers.clearTimer,
      random: () => 0,
    });
    stream.start();
    await until(() => [...timers.pending.values()].some((t) => t.ms < 40_000));
    expect(stream.version).toBe(17);
    timers.fireReconnect();
    await until(() => stream.version === 18);
    stream.stop();
    expect(seen[1].get("Last-Event-ID")).toBe("17");
    expect(reloads).toEqual(["connected"]);
  });

  it("reloads the list instead of applying an event after a version gap", () => {
    const received: number[] = [];
    const reloads: string[] = [];
    const stream = new TaskEventStream({
      url: "/e",
      fetch: async () => new Response(null, { status: 500 }),
      onEvent: (e) => received.push(e.version),
      onReload: (reason) => reloads.push(reason),
      setTimer: () => 0,
      clearTimer: () => undefined,
    });
    for (const v of [4, 5, 8, 9]) {
      stream.handleMessage({ id: String(v), event: "task.updated", data: JSON.stringify(event(v)), retry: null });
    }
    expect(received).toEqual([4, 5, 9]);
    expect(reloads).toEqual(["gap"]);
    expect(stream.version).toBe(9);
  });

  it("reloads on a resync event and continues from its latest version", () => {
    const received: number[] = [];
    const reloads: string[] = [];
    const stream = new TaskEventStream({
      url: "/e",
      fetch: async () => new Response(null, { status: 500 }),
      onEvent: (e) => received.push(e.version),
      onReload: (reason) => reloads.push(reason),
      setTimer: () => 0,
      clearTimer: () => undefined,
    });
    stream.handleMessage({ id: "3", event: "task.created", data: JSON.stringify(event(3)), retry: null });
    stream.handleMessage({ id: null, event: "resync", data: JSON.stringify({ reason: "log pruned", latest_version: 40 }), retry: null });
    stream.handleMessage({ id: "41", event: "task.updated", data: JSON.stringify(event(41)), retry: null });
    expect(reloads).toEqual(["log pruned"]);
    expect(received).toEqual([3, 41]);
  });

  it("backs off exponentially with jitter, capped", () => {
    const stream = new TaskEventStream({
      url: "/e",
      fetch: async () => new Response(null, { status: 500 }),
      onEvent: () => undefined,
      onReload: () => undefined,
      baseDelayMs: 1000,
      maxDelayMs: 8000,
      random: () => 1,
    });
    expect([0, 1, 2, 3, 4, 10].map((n) => stream.delayFor(n))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    const low = new TaskEventStream({
      url: "/e",
      fetch: async () => new Response(null, { status: 500 }),
      onEvent: () => undefined,
      onReload: () => undefined,
      baseDelayMs: 1000,
      random: () => 0,
    });
    expect(low.delayFor(2)).toBe(2000);
  });

  it("stops for good on a fatal error such as an ended session", async () => {
    const statuses: string[] = [];
    const timers = manualTimers();
    const stream = new TaskEventStream({
      url: "/e",
      fetch: async () => new Response(JSON.stringify({ title: "Unauthorized", status: 401 }), { status: 401 }),
      onEvent: () => undefined,
      onReload: () => undefined,
      onStatus: (s) => statuses.push(s),
      isFatal: (error) => (error as { status?: number }).status === 401,
      setTimer: timers.setTimer,
      clearTimer: timers.clearTimer,
    });
    stream.start();
    await until(() => statuses.includes("stopped"));
    expect(timers.pending.size).toBe(0);
  });
});
