import { describe, expect, it } from "vitest";
import { SseParser, readSse, type SseMessage } from "./parser";

function parseChunks(chunks: string[]): SseMessage[] {
  const messages: SseMessage[] = [];
  const parser = new SseParser((message) => messages.push(message));
  for (const chunk of chunks) parser.push(chunk);
  return messages;
}

describe("SseParser", () => {
  it("parses id, event and data fields of one message", () => {
    expect(parseChunks(["id: 7\nevent: task.created\ndata: {\"a\":1}\n\n"])).toEqual([
      { id: "7", event: "task.created", data: '{"a":1}', retry: null },
    ]);
  });

  it("joins multi-line data with newlines", () => {
    expect(parseChunks(["data: first\ndata: second\ndata:third\n\n"]).map((m) => m.data)).toEqual([
      "first\nsecond\nthird",
    ]);
  });

  it("gives the same messages whatever the chunk boundaries are", () => {
    const stream = 'data: {"type":"a"}\n\nid: 2\nevent: x\ndata: line one\ndata: line two\n\n: heartbeat\n\ndata: {"type":"b"}\n\n';
    const whole = parseChunks([stream]);
    expect(whole).toHaveLength(3);
    for (let size = 1; size < 12; size++) {
      const chunks: string[] = [];
      for (let i = 0; i < stream.length; i += size) chunks.push(stream.slice(i, i + size));
      expect(parseChunks(chunks)).toEqual(whole);
    }
  });

  it("accepts CRLF and lone CR line endings, also split between chunks", () => {
    expect(parseChunks(["data: a\r", "\ndata: b\r\n\r", "\n", "data: c\r\r"]).map((m) => m.data)).toEqual([
      "a\nb",
      "c",
    ]);
  });

  it("reports comments and ignores a message without data", () => {
    const comments: string[] = [];
    const messages: SseMessage[] = [];
    const parser = new SseParser((m) => messages.push(m), (c) => comments.push(c));
    parser.push(": heartbeat\n\nevent: lonely\n\n");
    expect(comments).toEqual(["heartbeat"]);
    expect(messages).toEqual([]);
  });

  it("keeps an unterminated message until its blank line arrives", () => {
    const messages: SseMessage[] = [];
    const parser = new SseParser((m) => messages.push(m));
    parser.push("data: partial");
    expect(messages).toEqual([]);
    parser.push(" end\n");
    expect(messages).toEqual([]);
    parser.push("\n");
    expect(messages.map((m) => m.data)).toEqual(["partial end"]);
  });
});

describe("readSse", () => {
  it("decodes UTF-8 characters split across byte chunks", async () => {
    const bytes = new TextEncoder().encode("data: caf\u00e9 \u2713\n\n");
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of bytes) controller.enqueue(new Uint8Array([byte]));
        controller.close();
      },
    });
    const messages: SseMessage[] = [];
    await readSse(body, (m) => messages.push(m));
    expect(messages.map((m) => m.data)).toEqual(["caf\u00e9 \u2713"]);
  });
});

describe("SseParser id-only blocks", () => {
  it("reports an id sent without data, as a stream's starting position", () => {
    const ids: string[] = [];
    const messages: SseMessage[] = [];
    const parser = new SseParser((m) => messages.push(m), undefined, (id) => ids.push(id));
    parser.push("retry: 2000\nid: 41\n\n: heartbeat\n\n");
    expect(ids).toEqual(["41"]);
    expect(messages).toEqual([]);
  });
});
