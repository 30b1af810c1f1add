import type { Task, TaskEvent } from "../api/types";
import type { ThreadItem, WidgetNode } from "../chatkit/types";

/** What a task widget shows about one task: its current state, or that it is gone. */
export type TaskState = { deleted: false; title: string; completed: boolean } | { deleted: true };

type Node = Record<string, unknown>;

/**
 * Live task events (the dashboard's stream) for the chat panel: every listener sees each event,
 * so the task cards and lists in the conversation show the task's current state.
 */
export const taskEvents = new EventTarget();

export function publishTaskEvent(event: TaskEvent): void {
  taskEvents.dispatchEvent(new CustomEvent<TaskEvent>("task", { detail: event }));
}

/** The state an event leaves its task in (null: the event does not say, e.g. a bare update). */
export function stateAfter(event: TaskEvent): TaskState | null {
  if (event.type === "task.deleted") return { deleted: true };
  if (!event.task) return null;
  return event.task.deleted_at ? { deleted: true } : { deleted: false, title: event.task.title, completed: event.task.completed };
}

export function stateOf(task: Task): TaskState {
  return task.deleted_at ? { deleted: true } : { deleted: false, title: task.title, completed: task.completed };
}

function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function patchPart(node: Node, taskId: string, state: TaskState): Node | null {
  if (node.id === "title" && node.type === "Text") {
    const done = state.deleted || state.completed;
    return {
      ...node,
      value: state.deleted ? node.value : state.title,
      lineThrough: done,
      color: done ? "secondary" : undefined,
    };
  }
  if (node.key === "status" && node.type === "Badge") {
    const [label, color] = state.deleted ? ["Deleted", "danger"] : state.completed ? ["Done", "success"] : ["Open", "secondary"];
    return { ...node, label, color };
  }
  if (node.type === "Button" && node.key === "undo" && state.deleted) return null;
  if (node.type === "Button" && (node.key === "toggle" || node.key === "delete")) {
    if (state.deleted) return null;
    if (node.key === "delete") return node;
    const action = isNode(node.onClickAction) ? node.onClickAction : {};
    return {
      ...node,
      label: state.completed ? "Reopen" : "Complete",
      iconStart: state.completed ? "reload" : "check",
      onClickAction: { ...action, type: state.completed ? "task.reopen" : "task.complete", payload: { task_id: taskId } },
    };
  }
  return patchChildren(node, taskId, state);
}

function patchChildren(node: Node, taskId: string, state: TaskState): Node {
  if (!Array.isArray(node.children)) return node;
  const children = (node.children as unknown[])
    .map((child) => (isNode(child) ? patchPart(child, taskId, state) : child))
    .filter((child) => child !== null);
  return { ...node, children };
}

/** The task ids a widget shows: a task card's id, or the keys of a task list's rows. */
export function taskIdsIn(widget: WidgetNode): string[] {
  const root = widget as unknown as Node;
  if (root.key === "task_card" && typeof root.id === "string") return [root.id];
  if (root.key === "task_list" && Array.isArray(root.children)) {
    return (root.children as unknown[])
      .filter(isNode)
      .map((row) => row.key)
      .filter((key): key is string => typeof key === "string" && key !== "empty" && key !== "more");
  }
  return [];
}

/** ``widget`` showing ``taskId`` in ``state`` (the same object when it does not show that task). */
export function withTaskState(widget: WidgetNode, taskId: string, state: TaskState): WidgetNode {
  const root = widget as unknown as Node;
  if (root.key === "task_card" && root.id === taskId) return patchChildren(root, taskId, state) as unknown as WidgetNode;
  if (root.key === "task_list" && Array.isArray(root.children)) {
    const rows = root.children as unknown[];
    if (!rows.some((row) => isNode(row) && row.key === taskId)) return widget;
    const children = rows.map((row) => (isNode(row) && row.key === taskId ? patchChildren(row, taskId, state) : row));
    return { ...root, children } as unknown as WidgetNode;
  }
  return widget;
}

/** ``items`` with every task widget showing ``taskId`` in ``state``. */
export function itemsWithTaskState(items: ThreadItem[], taskId: string, state: TaskState): ThreadItem[] {
  let changed = false;
  const next = items.map((item) => {
    if (item.type !== "widget") return item;
    const widget = withTaskState(item.widget, taskId, state);
    if (widget === item.widget) return item;
    changed = true;
    return { ...item, widget };
  });
  return changed ? next : items;
}
