export type Priority = "low" | "normal" | "high";

export interface Task {
  id: string;
  title: string;
  description: string;
  due_date: string | null;
  priority: Priority;
  tags: string[];
  completed: boolean;
  completed_at: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export type TaskEventType =
  | "task.created"
  | "task.updated"
  | "task.completed"
  | "task.reopened"
  | "task.deleted"
  | "task.restored";

export interface TaskEvent {
  version: number;
  type: TaskEventType;
  task_id: string;
  task: Task | null;
  occurred_at: string;
  actor: "chat" | "api";
  trace_id: string | null;
}

export interface TaskPage {
  tasks: Task[];
  next_cursor: string | null;
}

export interface UserPublic {
  id: string;
  email: string;
  created_at: string;
}
