import { describe, expect, it } from "vitest";
import { DEFAULT_APP, parseAppInfo } from "./config";

describe("parseAppInfo", () => {
  it("reads the app's branding, greeting and sections", () => {
    const app = parseAppInfo({
      id: "errands",
      branding: { name: "Errands", colour: "#0f766e", logo: "/errands.svg" },
      greeting: "Which errand?",
      domain_key: null,
      tasks: true,
      task_tools: ["add_task", "list_tasks", 7],
      suggestions: ["Add post the parcel tomorrow", " ", 3, "  What's due?  "],
    });
    expect(app).toEqual({
      id: "errands",
      name: "Errands",
      colour: "#0f766e",
      logo: "/errands.svg",
      greeting: "Which errand?",
      tasks: true,
      taskTools: ["add_task", "list_tasks"],
      suggestions: ["Add post the parcel tomorrow", "What's due?"],
    });
  });

  it("reads no suggestions as none offered", () => {
    expect(parseAppInfo({ id: "journal" }).suggestions).toEqual([]);
    expect(parseAppInfo({ id: "journal", suggestions: "Add milk" }).suggestions).toEqual([]);
  });

  it("reads no task_tools (or null) as every tool granted", () => {
    expect(parseAppInfo({ id: "tasks", task_tools: null }).taskTools).toBeNull();
    expect(parseAppInfo({ id: "tasks" }).taskTools).toBeNull();
  });

  it("falls back to the default app without an answer", () => {
    expect(parseAppInfo(null)).toEqual(DEFAULT_APP);
    expect(DEFAULT_APP.suggestions).toEqual([]);
  });

  it("ignores a colour that is not a hex colour", () => {
    expect(parseAppInfo({ id: "x", branding: { name: "X", colour: "red; background: url(x)" } }).colour).toBeNull();
  });
});
