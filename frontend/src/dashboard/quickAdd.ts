import type { QuickAddParse, TaskDraft } from "../api/tasks";

/** How long typing must pause before the quick-add line is read by the server. */
export const PREVIEW_DELAY_MS = 250;

const PRIORITY_LABELS = { low: "Low priority", normal: "", high: "High priority" } as const;

/** "Fri, Nov 27" for a YYYY-MM-DD day (with the year when it is not `today`'s year). */
export function formatDueDay(day: string, today: string): string {
  if (day === today) return "today";
  const [year, month, date] = day.split("-").map(Number);
  const value = new Date(year, month - 1, date);
  const label = value.toLocaleDateString("en-US", { weekday: "short", month: "short", day: "numeric" });
  return day.slice(0, 4) === today.slice(0, 4) ? label : `${label}, ${year}`;
}

/** The one-line preview of what will be saved: "pay rent · Due Fri, Nov 27 · #home · High priority". */
export function formatPreview(parsed: QuickAddParse, today: string): string {
  const parts = [parsed.title];
  if (parsed.due_date) parts.push(`Due ${formatDueDay(parsed.due_date, today)}`);
  parts.push(...parsed.tags.map((tag) => `#${tag}`));
  if (PRIORITY_LABELS[parsed.priority]) parts.push(PRIORITY_LABELS[parsed.priority]);
  if (parsed.description) parts.push("with notes");
  return parts.join(" · ");
}

/** The fields the user set by hand in the quick-add form's details. */
export interface QuickAddDetails {
  description: string;
  due_date: string | null;
  priority: TaskDraft["priority"];
  tags: string[];
}

/**
 * The task to create from the quick-add line. Fields set by hand win over what was read from
 * the text; without a reading (the parse call failed) the text is saved as the title, as typed.
 */
export function quickAddDraft(text: string, parsed: QuickAddParse | null, details: QuickAddDetails): TaskDraft {
  const title = text.trim();
  if (!parsed) return { title, ...details, description: details.description.trim() };
  return {
    title: parsed.title,
    description: details.description.trim() || parsed.description || "",
    due_date: details.due_date ?? parsed.due_date,
    priority: details.priority !== "normal" ? details.priority : parsed.priority,
    tags: [...new Set([...details.tags, ...parsed.tags])].slice(0, 10),
  };
}

export type QuickAddParser = (text: string, signal?: AbortSignal) => Promise<QuickAddParse>;

/** The reading of `text`, or null when the parse call fails (the caller then saves the text as typed). */
export async function readQuickAdd(parse: QuickAddParser, text: string, signal?: AbortSignal): Promise<QuickAddParse | null> {
  try {
    return await parse(text.trim(), signal);
  } catch {
    return null;
  }
}
