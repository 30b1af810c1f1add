import { describe, expect, it } from "vitest";
import { ToolServicesApi, eventsUrl, type ServiceRecord, type ToolServiceInfo } from "../api/toolServices";
import { recordTitle, recordView } from "./records";

const NOTES: ToolServiceInfo = {
  name: "notes",
  title: "Notes",
  records_tool: "search_notes",
  records_field: "notes",
  title_field: "title",
  fields: [
    { name: "id", type: "string", format: "uuid" },
    { name: "title", type: "string", format: null },
    { name: "body", type: "string", format: null },
    { name: "tags", type: "array", format: null },
    { name: "pinned", type: "boolean", format: null },
    { name: "archived", type: "boolean", format: null },
    { name: "created_at", type: "string", format: "date-time" },
  ],
  tools: ["create_note", "search_notes"],
  events: true,
  available: true,
};

function note(fields: Partial<ServiceRecord> = {}): ServiceRecord {
  return { id: "n1", title: "Ana's number", body: "+34 600 000 000", tags: ["people"], pinned: true, archived: false, created_at: "2026-12-03T06:00:00Z", ...fields };
}

describe("records of a tool service", () => {
  it("shows the title, text details, true flags and tags, from the field description alone", () => {
    expect(recordView(note(), NOTES)).toEqual({
      id: "n1",
      title: "Ana's number",
      details: [{ name: "Body", text: "+34 600 000 000" }],
      flags: ["Pinned"],
      tags: ["people"],
    });
  });

  it("leaves out empty text, false flags and timestamps", () => {
    const view = recordView(note({ body: "  ", pinned: false }), NOTES);
    expect(view.details).toEqual([]);
    expect(view.flags).toEqual([]);
  });

  it("names a record by its first text field when the service has no title field", () => {
    const service = { title_field: null, fields: [{ name: "id", type: "string", format: null }, { name: "label", type: "string", format: null }] };
    expect(recordTitle({ id: "r1", label: "Passport" }, service)).toBe("Passport");
    expect(recordTitle({ id: "r2", label: "" }, service)).toBe("r2");
  });

  it("shortens long text details", () => {
    const view = recordView(note({ body: "x".repeat(400) }), NOTES);
    expect(view.details[0].text).toHaveLength(160);
    expect(view.details[0].text.endsWith("…")).toBe(true);
  });
});

describe("ToolServicesApi", () => {
  it("reads the service list and a service's records, and keeps only records with an id", async () => {
    const asked: string[] = [];
    const api = new ToolServicesApi(async (url) => {
      asked.push(url);
      const body = url.endsWith("/records") ? { service: "notes", records: [note(), { title: "no id" }] } : { services: [NOTES] };
      return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
    });

    expect(await api.list()).toEqual([NOTES]);
    expect((await api.records("notes")).map((record) => record.id)).toEqual(["n1"]);
    expect(asked).toEqual(["/api/v1/tool-services", "/api/v1/tool-services/notes/records"]);
    expect(eventsUrl("notes")).toBe("/api/v1/tool-services/notes/events");
  });

  it("turns a problem answer into an error with its detail", async () => {
    const api = new ToolServicesApi(
      async () =>
        new Response(JSON.stringify({ title: "Service Unavailable", status: 503, detail: "The notes service is unavailable." }), {
          status: 503,
          headers: { "content-type": "application/problem+json" },
        }),
    );
    await expect(api.records("notes")).rejects.toThrow("The notes service is unavailable.");
  });
});
