import { apiErrorFrom } from "./problem";

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** One field of a tool service's records, as its records tool's output schema names it. */
export interface RecordField {
  name: string;
  type: string;
  format: string | null;
}

/** GET /api/v1/tool-services: a configured tool service, described by the gateway. */
export interface ToolServiceInfo {
  name: string;
  title: string;
  records_tool: string | null;
  records_field: string | null;
  title_field: string | null;
  fields: RecordField[];
  tools: string[];
  events: boolean;
  available: boolean;
}

export type ServiceRecord = Record<string, unknown> & { id: string };

/** A tool service's change event (servicekit RecordEvent), as its event stream sends it. */
export interface RecordEvent {
  version: number;
  type: string;
  record_id: string;
  record: Record<string, unknown> | null;
  occurred_at: string;
  actor: "chat" | "api";
  trace_id: string | null;
}

/** The gateway's API of the tool services besides tasks; it knows no domain. */
export class ToolServicesApi {
  constructor(private readonly fetch: FetchLike) {}

  async list(signal?: AbortSignal): Promise<ToolServiceInfo[]> {
    const response = await this.fetch("/api/v1/tool-services", { signal });
    if (!response.ok) throw await apiErrorFrom(response);
    const body = (await response.json()) as { services: ToolServiceInfo[] };
    return body.services;
  }

  async records(service: string, signal?: AbortSignal): Promise<ServiceRecord[]> {
    const response = await this.fetch(`/api/v1/tool-services/${encodeURIComponent(service)}/records`, { signal });
    if (!response.ok) throw await apiErrorFrom(response);
    const body = (await response.json()) as { records: unknown[] };
    return body.records.filter(isRecord);
  }
}

export function eventsUrl(service: string): string {
  return `/api/v1/tool-services/${encodeURIComponent(service)}/events`;
}

function isRecord(value: unknown): value is ServiceRecord {
  return typeof value === "object" && value !== null && typeof (value as { id?: unknown }).id === "string";
}
