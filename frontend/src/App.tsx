import { Suspense, lazy, useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { AuthScreen } from "./auth/AuthScreen";
import { Session } from "./auth/session";
import { ChatPanel } from "./chat/ChatPanel";
import { loadConfig, type AppConfig } from "./config";
import { Dashboard } from "./dashboard/Dashboard";
import { ToolServiceSections } from "./dashboard/ToolServiceSections";
import { Icon } from "./ui/Icon";
import { ToastProvider } from "./ui/Toasts";

const OfficialChatPanel = lazy(() => import("./chat/OfficialChatPanel"));

export function App() {
  const session = useMemo(() => new Session(), []);
  const state = useSyncExternalStore(
    (listener) => session.subscribe(listener),
    () => session.current,
  );
  const [ready, setReady] = useState(false);
  const [config, setConfig] = useState<AppConfig | null>(null);

  useEffect(() => {
    void Promise.all([session.restore().catch(() => undefined), loadConfig().then(setConfig)]).finally(() => setReady(true));
  }, [session]);

  if (!ready)
    return (
      <div className="splash" role="status">
        <span className="spinner" aria-hidden="true" /> Loading…
      </div>
    );
  if (!state.user) return <AuthScreen session={session} notice={state.notice} />;
  return (
    <ToastProvider>
      <Workspace key={state.user.id} session={session} email={state.user.email} userId={state.user.id} config={config} />
    </ToastProvider>
  );
}

function Workspace({ session, email, userId, config }: { session: Session; email: string; userId: string; config: AppConfig | null }) {
  const [view, setView] = useState<"tasks" | "chat">("tasks");
  const [chatOpen, setChatOpen] = useState(true);
  const domainKey = config?.chatkitDomainKey ?? null;
  const scriptUrl = config?.chatkitScriptUrl ?? null;

  return (
    <div className={`app${chatOpen ? " chat-open" : ""} view-${view}`}>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            ✓
          </span>
          <span className="brand-name">Tasks</span>
        </div>
        <nav className="view-switch" aria-label="View">
          <button type="button" aria-pressed={view === "tasks"} onClick={() => setView("tasks")}>
            <Icon name="list" size={16} /> Tasks
          </button>
          <button type="button" aria-pressed={view === "chat"} onClick={() => setView("chat")}>
            <Icon name="chat" size={16} /> Assistant
          </button>
        </nav>
        <div className="topbar-end">
          <button type="button" className="btn btn-secondary btn-small chat-toggle" aria-pressed={chatOpen} onClick={() => setChatOpen(!chatOpen)}>
            <Icon name="chat" size={16} /> {chatOpen ? "Hide assistant" : "Show assistant"}
          </button>
          <span className="user-email" title={email}>
            {email}
          </span>
          <button type="button" className="btn btn-secondary btn-small" onClick={() => void session.logout()}>
            <Icon name="logout" size={16} /> <span>Sign out</span>
          </button>
        </div>
      </header>
      <main id="main" className="workspace">
        <div className="pane pane-tasks">
          <Dashboard fetch={session.fetch} />
          <ToolServiceSections fetch={session.fetch} />
        </div>
        <div className="pane pane-chat">
          {domainKey && scriptUrl ? (
            <Suspense fallback={<p className="chat-status">Loading assistant…</p>}>
              <OfficialChatPanel fetch={session.fetch} domainKey={domainKey} scriptUrl={scriptUrl} />
            </Suspense>
          ) : (
            <ChatPanel fetch={session.fetch} userId={userId} />
          )}
        </div>
      </main>
    </div>
  );
}
