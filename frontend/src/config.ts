/** Run-time settings: /config.json (served with the app, with build-time VITE_ fallbacks) and
 * the app this page is served as (GET /api/v1/app: branding, greeting, sections). */
export interface AppConfig {
  /** When set, the chat uses the official ChatKit web component instead of the built-in client. */
  chatkitDomainKey: string | null;
  /** Where the ChatKit web component script is served from (needed with a domain key). */
  chatkitScriptUrl: string | null;
  app: AppInfo;
}

/** What the gateway says about the app this page is served as. */
export interface AppInfo {
  id: string;
  name: string;
  colour: string | null;
  logo: string | null;
  greeting: string | null;
  /** Whether the task dashboard is shown. */
  tasks: boolean;
  /** The mcp-tasks tools the app is granted (null: every one); the dashboard offers only their controls. */
  taskTools: string[] | null;
  /** What the chat's start screen offers to send (the gateway derives them from the tools when the app names none). */
  suggestions: string[];
}

export const DEFAULT_APP: AppInfo = {
  id: "tasks",
  name: "Tasks",
  colour: null,
  logo: null,
  greeting: null,
  tasks: true,
  taskTools: null,
  /** None when the gateway has not said which tools the app has: a suggestion the app cannot carry out is worse than none. */
  suggestions: [],
};

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() ? value.trim() : null;
}

async function json(url: string): Promise<Record<string, unknown> | null> {
  try {
    const response = await fetch(url, { cache: "no-store" });
    return response.ok ? ((await response.json()) as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function parseAppInfo(body: Record<string, unknown> | null): AppInfo {
  if (!body) return DEFAULT_APP;
  const branding = (typeof body.branding === "object" && body.branding ? body.branding : {}) as Record<string, unknown>;
  const colour = text(branding.colour);
  return {
    id: text(body.id) ?? DEFAULT_APP.id,
    name: text(branding.name) ?? DEFAULT_APP.name,
    colour: colour && /^#[0-9a-fA-F]{6}$/.test(colour) ? colour : null,
    logo: text(branding.logo),
    greeting: text(body.greeting),
    tasks: body.tasks !== false,
    taskTools: Array.isArray(body.task_tools) ? body.task_tools.filter((tool): tool is string => typeof tool === "string") : null,
    suggestions: Array.isArray(body.suggestions) ? body.suggestions.map(text).filter((line): line is string => line !== null) : [],
  };
}

export async function loadConfig(): Promise<AppConfig> {
  const [body, app] = await Promise.all([json("/config.json"), json("/api/v1/app")]);
  return {
    chatkitDomainKey: text(app?.domain_key) ?? text(body?.chatkit_domain_key) ?? text(import.meta.env.VITE_CHATKIT_DOMAIN_KEY),
    chatkitScriptUrl: text(body?.chatkit_script_url) ?? text(import.meta.env.VITE_CHATKIT_SCRIPT_URL),
    app: parseAppInfo(app),
  };
}

/** Wear the app's colour and name on the page. */
export function applyBranding(app: AppInfo): void {
  document.title = app.name;
  const root = document.documentElement.style;
  if (app.colour) {
    root.setProperty("--accent", app.colour);
    root.setProperty("--accent-hover", app.colour);
  } else {
    root.removeProperty("--accent");
    root.removeProperty("--accent-hover");
  }
}
