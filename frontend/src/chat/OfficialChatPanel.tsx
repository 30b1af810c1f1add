import { ChatKit, useChatKit } from "@openai/chatkit-react";
import { useEffect, useState } from "react";
import { browserTimeZone } from "../chatkit/client";

type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

function loadScript(src: string): Promise<void> {
  if (customElements.get("openai-chatkit")) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.async = true;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`Could not load ${src}`));
    document.head.appendChild(script);
  });
}

/**
 * The official ChatKit web component, pointed at this deployment's /api/v1/chatkit with the
 * signed-in user's token. Loaded as a separate chunk only when a domain key is configured.
 */
export default function OfficialChatPanel({
  fetch,
  domainKey,
  scriptUrl,
  greeting,
  suggestions,
}: {
  fetch: FetchLike;
  domainKey: string;
  scriptUrl: string;
  greeting: string | null;
  suggestions: string[];
}) {
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    loadScript(scriptUrl).catch((reason: unknown) => setError(reason instanceof Error ? reason.message : String(reason)));
  }, [scriptUrl]);
  const { control } = useChatKit({
    api: {
      url: "/api/v1/chatkit",
      domainKey,
      fetch: (input, init) => {
        const headers = new Headers(init?.headers);
        headers.set("X-User-Timezone", browserTimeZone());
        return fetch(typeof input === "string" ? input : input instanceof URL ? input.href : input.url, { ...init, headers });
      },
    },
    history: { enabled: true, showDelete: true, showRename: true },
    startScreen: { greeting: greeting ?? undefined, prompts: suggestions.map((text) => ({ label: text, prompt: text })) },
  });
  if (error) return <p className="chat-error" role="alert">The ChatKit component could not load: {error}</p>;
  return <ChatKit control={control} className="official-chatkit" />;
}
