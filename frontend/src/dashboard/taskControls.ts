/** Which task controls the dashboard offers. Each stands for an mcp-tasks tool, and the task
 * API refuses a call whose tool the app is not granted (GET /api/v1/app: task_tools). */
export interface TaskControls {
  add: boolean;
  complete: boolean;
  reopen: boolean;
  edit: boolean;
  remove: boolean;
  restore: boolean;
}

/** The controls of an app granted `taskTools` (null: every tool). */
export function taskControls(taskTools: readonly string[] | null): TaskControls {
  const granted = (tool: string) => taskTools === null || taskTools.includes(tool);
  return {
    add: granted("add_task"),
    complete: granted("complete_task"),
    reopen: granted("reopen_task"),
    edit: granted("update_task"),
    remove: granted("delete_task"),
    restore: granted("restore_task"),
  };
}

/** Whether a task's checkbox may be ticked (complete) or unticked (reopen). */
export function canToggle(controls: TaskControls, completed: boolean): boolean {
  return completed ? controls.reopen : controls.complete;
}
