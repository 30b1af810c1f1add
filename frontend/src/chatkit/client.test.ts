import { describe, expect, it } from "vitest";
import { ChatKitClient } from "./client";
import { requests } from "./requests";
import type { ThreadStreamEvent } from "./types";

function streamResponse(chunks: string[]): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } });
}

describe("request builders", () => {
  it("builds threads.create with the mandatory attachments and inference options", () => {
    expect(requests.createThread("add buy milk tomorrow")).toEqual({
      type: "threads.create",
      params: {
        input: {
          content: [{ type: "input_text", text: "add buy milk tomorrow" }],
          attachments: [],
          inference_options: {},
        },
      },
    });
  });

  it("builds add_user_message, retry, custom action, list, update, delete and feedback bodies", () => {
    expect(requests.addUserMessage("thr_1", "hi").params).toEqual({
      thread_id: "thr_1",
      input: { content: [{ type: "input_text", text: "hi" }], attachments: [], inference_options: {} },
    });
    expect(requests.retryAfterItem("thr_1", "msg_1")).toEqual({
      type: "threads.retry_after_item",
      params: { thread_id: "thr_1", item_id: "msg_1" },
    });
    expect(
      requests.customAction("thr_1", "wdg_1", { type: "task.confirm_delete", payload: { id: "t1" }, handler: "server" }),
    ).toEqual({
      type: "threads.custom_action",
      params: { thread_id: "thr_1", item_id: "wdg_1", action: { type: "task.confirm_delete", payload: { id: "t1" } } },
    });
    expect(requests.listThreads(20)).toEqual({ type: "threads.list", params: { limit: 20, order: "desc" } });
    expect(requests.listItems("thr_1", 50, "msg_9")).toEqual({
      type: "items.list",
      params: { thread_id: "thr_1", limit: 50, order: "desc", after: "msg_9" },
    });
    expect(requests.renameThread("thr_1", "Groceries")).toEqual({
      type: "threads.update",
      params: { thread_id: "thr_1", title: "Groceries" },
    });
    expect(requests.deleteThread("thr_1")).toEqual({ type: "threads.delete", params: { thread_id: "thr_1" } });
    expect(requests.feedback("thr_1", ["msg_2"], "negative")).toEqual({
      type: "items.feedback",
      params: { thread_id: "thr_1", item_ids: ["msg_2"], kind: "negative" },
    });
  });
});

describe("ChatKitClient", () => {
  it("posts JSON with the user's time zone header", async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const client = new ChatKitClient({
      url: "/api/v1/chatkit",
      timeZone: "Europe/Paris",
      fetch: async (url, init) => {
        calls.push({ url, init });
        return new Response(JSON.stringify({ data: [], has_more: false }), {
          headers: { "content-type": "application/json" },
        });
      },
    });
    const page = await client.request<{ data: unknown[] }>(requests.listThreads());
    expect(page).toEqual({ data: [], has_more: false });
    expect(calls[0].url).toBe("/api/v1/chatkit");
    expect(calls[0].init.method).toBe("POST");
    expect((calls[0].init.headers as Record<string, string>)["X-User-Timezone"]).toBe("Europe/Paris");
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ type: "threads.list", params: { limit: 30, order: "desc" } });
  });

  it("streams events parsed from chunks split inside JSON and between frames", async () => {
    const frames =
      'data: {"type":"progress_update","text":"Adding task"}\n\n' +
      'data: {"type":"thread.item.updated","item_id":"m1","update":{"type":"assistant_message.content_part.text_delta","content_index":0,"delta":"Hel"}}\n\n';
    const chunks = [frames.slice(0, 17), frames.slice(17, 60), frames.slice(60, 61), frames.slice(61)];
    const client = new ChatKitClient({ url: "/c", timeZone: "UTC", fetch: async () => streamResponse(chunks) });
    const events: ThreadStreamEvent[] = [];
    await client.stream(requests.createThread("hi"), (event) => events.push(event));
    expect(events).toEqual([
      { type: "progress_update", text: "Adding task" },
      {
        type: "thread.item.updated",
        item_id: "m1",
        update: { type: "assistant_message.content_part.text_delta", content_index: 0, delta: "Hel" },
      },
    ]);
  });

  it("turns a problem answer into an ApiError with its status and detail", async () => {
    const client = new ChatKitClient({
      url: "/c",
      timeZone: "UTC",
      fetch: async () =>
        new Response(JSON.stringify({ type: "about:blank", title: "Not Found", status: 404, detail: "No such thread" }), {
          status: 404,
          headers: { "content-type": "application/problem+json" },
        }),
    });
    await expect(client.request(requests.getThread("thr_x"))).rejects.toMatchObject({
      status: 404,
      message: "No such thread",
    });
  });
});
