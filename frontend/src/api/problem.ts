/** An RFC 9457 problem answer (or any non-2xx answer) turned into an Error the UI can show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly body: Record<string, unknown>,
    readonly retryAfter: number | null,
  ) {
    super(detail || title || `Request failed with status ${status}`);
    this.name = "ApiError";
  }
}

/** Reads a failed response's problem+json body (tolerating any other body) into an ApiError. */
export async function apiErrorFrom(response: Response): Promise<ApiError> {
  let body: Record<string, unknown> = {};
  try {
    const text = await response.text();
    if (text) {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
    }
  } catch {
    body = {};
  }
  const title = typeof body.title === "string" ? body.title : response.statusText;
  const detail = problemDetail(body);
  const retryHeader = response.headers.get("Retry-After");
  const retryAfter = retryHeader !== null && /^\d+$/.test(retryHeader.trim()) ? Number(retryHeader.trim()) : null;
  return new ApiError(response.status, title, detail, body, retryAfter);
}

function problemDetail(body: Record<string, unknown>): string {
  const errors = Array.isArray(body.errors) ? body.errors : body.detail;
  if (Array.isArray(errors) && errors.length > 0) {
    const messages = errors
      .map((entry) => {
        if (entry && typeof entry === "object" && "msg" in entry) {
          const record = entry as { msg: unknown; loc?: unknown };
          const field = Array.isArray(record.loc) ? String(record.loc[record.loc.length - 1]) : "";
          return field ? `${field}: ${String(record.msg)}` : String(record.msg);
        }
        return typeof entry === "string" ? entry : "";
      })
      .filter(Boolean);
    if (messages.length > 0) return messages.join("; ");
  }
  return typeof body.detail === "string" ? body.detail : "";
}

/** True when the fetch failed before any answer (offline, server down, proxy refused). */
export function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError;
}

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}
