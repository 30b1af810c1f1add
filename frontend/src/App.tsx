import { Suspense, lazy, useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { AuthScreen } from "./auth/AuthScreen";
import { Session } from "./auth/session";
import { ChatPanel } from "./chat/ChatPanel";
import { applyBranding, DEFAULT_APP, loadConfig, type AppConfig } from "./config";
import { Dashboard } from "./dashboard/Dashboard";
import { ToolServiceSections } from "./dashboard/ToolServiceSections";
import { Brand } from "./ui/Brand";
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
    const configured = loadConfig().then((loaded) => {
      applyBranding(loaded.app);
      setConfig(loaded);
    });
    void Promise.all([session.restore().catch(() => undefined), configured]).finally(() => setReady(true));
  }, [session]);

  if (!ready)
    return (
      <div className="splash" role="status">
        <span className="spinner" aria-hidden="true" /> Loading…
      </div>
    );
  if (!state.user) return <AuthScreen session={session} notice={state.notice} app={config?.app ?? DEFAULT_APP} />;
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
  const app = config?.app ?? DEFAULT_APP;

  return (
    <div className={`app${chatOpen ? " chat-open" : ""} view-${view}`}>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <Brand app={app} nameClass="brand-name" />
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
          {app.tasks && <Dashboard fetch={session.fetch} taskTools={app.taskTools} />}
          <ToolServiceSections fetch={session.fetch} />
        </div>
        <div className="pane pane-chat">
          {domainKey && scriptUrl ? (
            <Suspense fallback={<p className="chat-status">Loading assistant…</p>}>
              <OfficialChatPanel fetch={session.fetch} domainKey={domainKey} scriptUrl={scriptUrl} greeting={app.greeting} suggestions={app.suggestions} />
            </Suspense>
          ) : (
            <ChatPanel fetch={session.fetch} userId={userId} greeting={app.greeting} suggestions={app.suggestions} />
          )}
        </div>
      </main>
    </div>
  );
}
