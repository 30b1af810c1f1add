/** Run-time settings, read from /config.json (served with the app) with build-time VITE_ fallbacks. */
export interface AppConfig {
  /** When set, the chat uses the official ChatKit web component instead of the built-in client. */
  chatkitDomainKey: string | null;
  /** Where the ChatKit web component script is served from (needed with a domain key). */
  chatkitScriptUrl: string | null;
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() ? value.trim() : null;
}

export async function loadConfig(): Promise<AppConfig> {
  const fallback: AppConfig = {
    chatkitDomainKey: text(import.meta.env.VITE_CHATKIT_DOMAIN_KEY),
    chatkitScriptUrl: text(import.meta.env.VITE_CHATKIT_SCRIPT_URL),
  };
  try {
    const response = await fetch("/config.json", { cache: "no-store" });
    if (!response.ok) return fallback;
    const body = (await response.json()) as Record<string, unknown>;
    return {
      chatkitDomainKey: text(body.chatkit_domain_key) ?? fallback.chatkitDomainKey,
      chatkitScriptUrl: text(body.chatkit_script_url) ?? fallback.chatkitScriptUrl,
    };
  } catch {
    return fallback;
  }
}
