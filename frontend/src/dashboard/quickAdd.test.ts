import { describe, expect, it } from "vitest";
import { type QuickAddParse, TasksApi } from "../api/tasks";
import { formatDueDay, formatPreview, quickAddDraft, readQuickAdd } from "./quickAdd";

const TODAY = "2026-11-23";
const NO_DETAILS = { description: "", due_date: null, priority: "normal" as const, tags: [] };

const RENT: QuickAddParse = {
  title: "pay rent",
  due_date: "2026-11-27",
  priority: "high",
  tags: ["home"],
  notes: [],
};

function problem(status: number): Response {
  return new Response(JSON.stringify({ type: "about:blank", title: "Unprocessable Content", status, detail: "Nothing to add." }), {
    status,
    headers: { "Content-Type": "application/problem+json" },
  });
}

describe("formatPreview", () => {
  it("shows title, due day, tags and priority on one line", () => {
    expect(formatPreview(RENT, TODAY)).toBe("pay rent · Due Fri, Nov 27 · #home · High priority");
  });

  it("leaves out what is not set and a normal priority", () => {
    expect(formatPreview({ title: "buy milk", due_date: null, priority: "normal", tags: [], notes: [] }, TODAY)).toBe("buy milk");
  });

  it("says low priority, several tags and that notes come along", () => {
    const parsed: QuickAddParse = { ...RENT, priority: "low", tags: ["home", "money"], description: "ask about the lease" };
    expect(formatPreview(parsed, TODAY)).toBe("pay rent · Due Fri, Nov 27 · #home · #money · Low priority · with notes");
  });
});

describe("formatDueDay", () => {
  it("says today for today, and adds the year only for another year", () => {
    expect(formatDueDay(TODAY, TODAY)).toBe("today");
    expect(formatDueDay("2027-01-01", TODAY)).toBe("Fri, Jan 1, 2027");
  });
});

describe("quickAddDraft", () => {
  it("saves the parsed fields", () => {
    expect(quickAddDraft("pay rent friday #home !high", RENT, NO_DETAILS)).toEqual({
      title: "pay rent",
      description: "",
      due_date: "2026-11-27",
      priority: "high",
      tags: ["home"],
    });
  });

  it("lets fields set by hand win over the parsed ones and merges tags", () => {
    const details = { description: " bank transfer ", due_date: "2026-11-30", priority: "low" as const, tags: ["bills"] };
    expect(quickAddDraft("pay rent friday #home !high", RENT, details)).toEqual({
      title: "pay rent",
      description: "bank transfer",
      due_date: "2026-11-30",
      priority: "low",
      tags: ["bills", "home"],
    });
  });

  it("falls back to the text as typed when there is no reading", () => {
    expect(quickAddDraft("  pay rent friday #home !high ", null, NO_DETAILS)).toEqual({
      title: "pay rent friday #home !high",
      description: "",
      due_date: null,
      priority: "normal",
      tags: [],
    });
  });
});

describe("reading a quick-add line", () => {
  it("posts the text with the time zone and returns the reading", async () => {
    const calls: { url: string; init?: RequestInit }[] = [];
    const api = new TasksApi(async (url, init) => {
      calls.push({ url, init });
      return new Response(JSON.stringify(RENT), { status: 200, headers: { "Content-Type": "application/json" } });
    });
    await expect(readQuickAdd((text, signal) => api.parse(text, "Europe/Paris", signal), " pay rent friday #home !high ")).resolves.toEqual(RENT);
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe("/api/v1/tasks/parse");
    expect(calls[0].init?.method).toBe("POST");
    expect(JSON.parse(String(calls[0].init?.body))).toEqual({ text: "pay rent friday #home !high" });
    expect(new Headers(calls[0].init?.headers).get("X-User-Timezone")).toBe("Europe/Paris");
  });

  it("gives no reading when the server refuses the line, so the text is saved as the title", async () => {
    const api = new TasksApi(async () => problem(422));
    const parsed = await readQuickAdd((text) => api.parse(text, "UTC"), "#home !high");
    expect(parsed).toBeNull();
    expect(quickAddDraft("#home !high", parsed, NO_DETAILS).title).toBe("#home !high");
  });

  it("gives no reading when the network fails", async () => {
    const api = new TasksApi(async () => {
      throw new TypeError("Failed to fetch");
    });
    await expect(readQuickAdd((text) => api.parse(text, "UTC"), "buy milk")).resolves.toBeNull();
  });
});
