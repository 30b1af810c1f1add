import { describe, expect, it } from "vitest";
import { applyEvent, emptyThreadState, userMessageBefore, type ThreadState } from "./threadState";
import type { ThreadStreamEvent } from "./types";

const T = "2026-01-01T00:00:00Z";

function run(events: ThreadStreamEvent[], start: ThreadState = emptyThreadState): ThreadState {
  return events.reduce(applyEvent, start);
}

describe("applyEvent", () => {
  it("builds a full turn: thread, user message, progress, widget, streamed text, title", () => {
    const state = run([
      { type: "thread.created", thread: { id: "thr_1", created_at: T, items: { data: [], has_more: false } } },
      {
        type: "thread.item.done",
        item: { id: "u1", thread_id: "thr_1", created_at: T, type: "user_message", content: [{ type: "input_text", text: "add buy milk tomorrow" }] },
      },
      { type: "stream_options", stream_options: { allow_cancel: true } },
      { type: "progress_update", icon: "check", text: "Adding task" },
      {
        type: "thread.item.done",
        item: { id: "w1", thread_id: "thr_1", created_at: T, type: "widget", widget: { type: "Card", children: [{ type: "Text", value: "Buy milk" }] } },
      },
      { type: "thread.item.added", item: { id: "a1", thread_id: "thr_1", created_at: T, type: "assistant_message", content: [] } },
      {
        type: "thread.item.updated",
        item_id: "a1",
        update: { type: "assistant_message.content_part.added", content_index: 0, content: { type: "output_text", text: "", annotations: [] } },
      },
      { type: "thread.item.updated", item_id: "a1", update: { type: "assistant_message.content_part.text_delta", content_index: 0, delta: "Added " } },
      { type: "thread.item.updated", item_id: "a1", update: { type: "assistant_message.content_part.text_delta", content_index: 0, delta: "it." } },
      { type: "thread.updated", thread: { id: "thr_1", created_at: T, title: "Milk" } },
    ]);
    expect(state.thread).toEqual({ id: "thr_1", created_at: T, title: "Milk" });
    expect(state.items.map((item) => item.id)).toEqual(["u1", "w1", "a1"]);
    expect(state.items[2]).toEqual({
      id: "a1",
      thread_id: "thr_1",
      created_at: T,
      type: "assistant_message",
      content: [{ type: "output_text", text: "Added it.", annotations: [] }],
    });
    expect(state.progress).toBeNull();
  });

  it("shows progress until the next item arrives", () => {
    const withProgress = run([{ type: "progress_update", icon: "search", text: "Looking up tasks" }]);
    expect(withProgress.progress).toEqual({ icon: "search", text: "Looking up tasks" });
    const after = applyEvent(withProgress, {
      type: "thread.item.added",
      item: { id: "a1", thread_id: "t", created_at: T, type: "assistant_message", content: [] },
    });
    expect(after.progress).toBeNull();
  });

  it("replaces an item in place on done and replaced, and removes it on removed", () => {
    const base = run([
      { type: "thread.item.done", item: { id: "w1", thread_id: "t", created_at: T, type: "widget", widget: { type: "Card", children: [] } } },
      { type: "thread.item.done", item: { id: "a1", thread_id: "t", created_at: T, type: "assistant_message", content: [] } },
    ]);
    const replaced = applyEvent(base, {
      type: "thread.item.replaced",
      item: { id: "w1", thread_id: "t", created_at: T, type: "widget", widget: { type: "Card", children: [{ type: "Text", value: "Deleted" }] } },
    });
    expect(replaced.items.map((item) => item.id)).toEqual(["w1", "a1"]);
    expect(replaced.items[0]).toMatchObject({ widget: { type: "Card", children: [{ type: "Text", value: "Deleted" }] } });
    const removed = applyEvent(replaced, { type: "thread.item.removed", item_id: "w1" });
    expect(removed.items.map((item) => item.id)).toEqual(["a1"]);
  });

  it("applies widget root, component and streaming text updates", () => {
    const base = run([
      {
        type: "thread.item.added",
        item: { id: "w1", thread_id: "t", created_at: T, type: "widget", widget: { type: "Card", children: [{ type: "Text", id: "body", value: "Hel" }, { type: "Badge", id: "b", label: "Pending" }] } },
      },
    ]);
    const streamed = applyEvent(base, {
      type: "thread.item.updated",
      item_id: "w1",
      update: { type: "widget.streaming_text.value_delta", component_id: "body", delta: "lo", done: true },
    });
    const component = applyEvent(streamed, {
      type: "thread.item.updated",
      item_id: "w1",
      update: { type: "widget.component.updated", component_id: "b", component: { type: "Badge", id: "b", label: "Done" } },
    });
    expect(component.items[0]).toMatchObject({
      widget: { type: "Card", children: [{ type: "Text", id: "body", value: "Hello", streaming: false }, { type: "Badge", id: "b", label: "Done" }] },
    });
    const root = applyEvent(component, {
      type: "thread.item.updated",
      item_id: "w1",
      update: { type: "widget.root.updated", widget: { type: "ListView", children: [] } },
    });
    expect(root.items[0]).toMatchObject({ widget: { type: "ListView", children: [] } });
  });

  it("records errors with their retry permission and notices", () => {
    const state = run([
      { type: "progress_update", text: "Working" },
      { type: "error", code: "stream.error", allow_retry: true },
      { type: "notice", level: "warning", message: "Model is slow", title: "Heads up" },
    ]);
    expect(state.error).toEqual({ message: "Something went wrong while answering.", allowRetry: true });
    expect(state.progress).toBeNull();
    expect(state.notices).toEqual([{ level: "warning", title: "Heads up", message: "Model is slow" }]);
  });

  it("ignores updates for unknown items and unknown event types", () => {
    const state = run([
      { type: "thread.item.updated", item_id: "missing", update: { type: "assistant_message.content_part.text_delta", content_index: 0, delta: "x" } },
      { type: "mystery" } as unknown as ThreadStreamEvent,
    ]);
    expect(state).toEqual(emptyThreadState);
  });
});

describe("userMessageBefore", () => {
  it("finds the user message that an assistant reply answers", () => {
    const state = run([
      { type: "thread.item.done", item: { id: "u1", thread_id: "t", created_at: T, type: "user_message", content: [] } },
      { type: "thread.item.done", item: { id: "a1", thread_id: "t", created_at: T, type: "assistant_message", content: [] } },
    ]);
    expect(userMessageBefore(state.items, 1)).toBe("u1");
    expect(userMessageBefore([], 0)).toBeNull();
  });
});
