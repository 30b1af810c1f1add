import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { Task } from "../api/types";
import { TaskRow } from "./TaskRow";
import { taskControls } from "./taskControls";

const ERRANDS_TOOLS = ["add_task", "list_tasks", "get_task", "complete_task", "reopen_task"];

function task(completed: boolean): Task {
  return {
    id: "6f1c7a52-1b1e-4d0c-9a55-3f1f0f1e2a10",
    title: "Post the parcel",
    description: "",
    due_date: null,
    priority: "normal",
    tags: [],
    completed,
    completed_at: completed ? "2026-01-02T10:00:00Z" : null,
    created_at: "2026-01-01T10:00:00Z",
    updated_at: "2026-01-01T10:00:00Z",
    deleted_at: null,
  };
}

function row(taskTools: string[] | null, completed = false): string {
  const ignore = () => undefined;
  return renderToStaticMarkup(
    <TaskRow task={task(completed)} controls={taskControls(taskTools)} onToggle={ignore} onEdit={ignore} onRemove={ignore} onTag={ignore} />,
  );
}

describe("TaskRow", () => {
  it("offers edit and delete to an app granted every task tool", () => {
    const html = row(null);
    expect(html).toContain("Edit “Post the parcel”");
    expect(html).toContain("Delete “Post the parcel”");
    expect(html).not.toContain("disabled");
  });

  it("offers neither edit nor delete to an app without update_task and delete_task", () => {
    const html = row(ERRANDS_TOOLS);
    expect(html).not.toContain("Edit “");
    expect(html).not.toContain("Delete “");
    expect(html).not.toContain("task-actions");
    expect(html).toContain("Complete “Post the parcel”");
    expect(html).not.toContain("disabled");
  });

  it("offers delete without edit when only delete_task is granted of the two", () => {
    const html = row([...ERRANDS_TOOLS, "delete_task"]);
    expect(html).toContain("Delete “Post the parcel”");
    expect(html).not.toContain("Edit “");
  });

  it("disables the checkbox when the app may not reopen a completed task", () => {
    expect(row(["list_tasks", "complete_task"], true)).toContain("disabled");
    expect(row(["list_tasks", "complete_task"], false)).not.toContain("disabled");
  });
});

describe("taskControls", () => {
  it("grants every control when every tool is granted, and only the granted ones otherwise", () => {
    expect(taskControls(null)).toEqual({ add: true, complete: true, reopen: true, edit: true, remove: true, restore: true });
    expect(taskControls(ERRANDS_TOOLS)).toEqual({ add: true, complete: true, reopen: true, edit: false, remove: false, restore: false });
    expect(taskControls([])).toEqual({ add: false, complete: false, reopen: false, edit: false, remove: false, restore: false });
  });
});
