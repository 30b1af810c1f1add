import { describe, expect, it } from "vitest";
import type { ThreadItem, WidgetNode } from "../chatkit/types";
import { itemsWithTaskState, stateAfter, taskIdsIn } from "./liveTaskWidgets";

const TASK = "6f1c2a57-0000-4000-8000-000000000001";
const OTHER = "6f1c2a57-0000-4000-8000-000000000002";

function row(id: string, title: string): WidgetNode {
  return {
    type: "ListViewItem",
    key: id,
    children: [
      { type: "Col", children: [{ type: "Text", id: "title", value: title }] },
      { type: "Badge", key: "status", label: "Open", color: "secondary" },
      { type: "Button", key: "toggle", label: "Complete", iconStart: "check", onClickAction: { type: "task.complete", payload: { task_id: id } } },
      { type: "Button", key: "delete", label: "Delete", onClickAction: { type: "task.delete", payload: { task_id: id } } },
    ],
  } as WidgetNode;
}

function listItem(): ThreadItem {
  return {
    type: "widget",
    id: "w1",
    thread_id: "t1",
    created_at: "2026-01-01T00:00:00Z",
    widget: { type: "ListView", key: "task_list", children: [row(TASK, "Buy milk"), row(OTHER, "Call mom")] } as WidgetNode,
  } as ThreadItem;
}

function rowOf(item: ThreadItem, id: string): Record<string, unknown> {
  if (item.type !== "widget") throw new Error("not a widget");
  return (item.widget.children as unknown as Record<string, unknown>[]).find((r) => r.key === id)!;
}

describe("task widgets follow task events", () => {
  it("marks a completed task Done with a Reopen button and leaves the other rows alone", () => {
    const [item] = itemsWithTaskState([listItem()], TASK, { deleted: false, title: "Buy milk", completed: true });
    const json = JSON.stringify(rowOf(item, TASK));
    expect(json).toContain('"label":"Done"');
    expect(json).toContain('"label":"Reopen"');
    expect(json).toContain('"type":"task.reopen"');
    expect(JSON.stringify(rowOf(item, OTHER))).toContain('"label":"Complete"');
  });

  it("shows a deleted task as Deleted without buttons", () => {
    const [item] = itemsWithTaskState([listItem()], TASK, { deleted: true });
    const json = JSON.stringify(rowOf(item, TASK));
    expect(json).toContain('"label":"Deleted"');
    expect(json).not.toContain('"type":"Button"');
  });

  it("returns the same array when no widget shows the task", () => {
    const items = [listItem()];
    expect(itemsWithTaskState(items, "missing", { deleted: true })).toBe(items);
  });

  it("reads the ids a widget shows and the state an event leaves", () => {
    const item = listItem();
    expect(item.type === "widget" ? taskIdsIn(item.widget) : []).toEqual([TASK, OTHER]);
    expect(stateAfter({ version: 2, type: "task.deleted", task_id: TASK, task: null, occurred_at: "", actor: "api", trace_id: null })).toEqual({ deleted: true });
  });
});
