import type { RecordField, ServiceRecord, ToolServiceInfo } from "../api/toolServices";

/** What a record shows in the dashboard, read from the service's field description only. */
export interface RecordView {
  id: string;
  title: string;
  details: { name: string; text: string }[];
  flags: string[];
  tags: string[];
}

const MAX_DETAIL_CHARS = 160;

function label(name: string): string {
  const words = name.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function shown(field: RecordField): boolean {
  return field.name !== "id" && !field.name.endsWith("_id") && !field.name.endsWith("_at") && field.format !== "date-time";
}

/** The text naming a record: its title field, else its first non-empty text field, else its id. */
export function recordTitle(record: ServiceRecord, service: Pick<ToolServiceInfo, "title_field" | "fields">): string {
  const named = service.title_field ? record[service.title_field] : undefined;
  if (typeof named === "string" && named.trim()) return named.trim();
  for (const field of service.fields) {
    const value = record[field.name];
    if (field.type === "string" && field.name !== "id" && typeof value === "string" && value.trim()) return value.trim();
  }
  return record.id;
}

/** A record as the dashboard shows it: title, short text details, true flags as badges, string lists as tags. */
export function recordView(record: ServiceRecord, service: Pick<ToolServiceInfo, "title_field" | "fields">): RecordView {
  const title = recordTitle(record, service);
  const details: RecordView["details"] = [];
  const flags: string[] = [];
  const tags: string[] = [];
  for (const field of service.fields) {
    if (!shown(field) || field.name === service.title_field) continue;
    const value = record[field.name];
    if (field.type === "boolean") {
      if (value === true) flags.push(label(field.name));
    } else if (field.type === "array" && Array.isArray(value)) {
      tags.push(...value.filter((item): item is string => typeof item === "string"));
    } else if ((field.type === "string" || field.type === "integer" || field.type === "number") && value !== null && value !== undefined) {
      const text = String(value).replace(/\s+/g, " ").trim();
      if (text && text !== title) details.push({ name: label(field.name), text: text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS - 1)}…` : text });
    }
  }
  return { id: record.id, title, details, flags, tags };
}
