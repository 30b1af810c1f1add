import { useState } from "react";
import type { AppInfo } from "../config";
import { Brand } from "../ui/Brand";
import { authErrorMessage, type Session } from "./session";

/** Sign in and create account, one form with two modes. */
export function AuthScreen({ session, notice, app }: { session: Session; notice: string | null; app: AppInfo }) {
  const [mode, setMode] = useState<"login" | "register">("login");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const switchMode = () => {
    setMode(mode === "login" ? "register" : "login");
    setError(null);
  };

  return (
    <main className="auth">
      <div className="auth-card">
        <Brand app={app} />
        <h1>{mode === "login" ? "Sign in" : "Create your account"}</h1>
        <p className="auth-sub">
          {mode === "login" ? "Welcome back. Your tasks and conversations are waiting." : "Manage your tasks by talking to an assistant."}
        </p>
        {notice && !error && (
          <p className="auth-notice" role="status">
            {notice}
          </p>
        )}
        <form
          onSubmit={(event) => {
            event.preventDefault();
            setBusy(true);
            setError(null);
            const action = mode === "login" ? session.login(email.trim(), password) : session.register(email.trim(), password);
            action.catch((reason: unknown) => setError(authErrorMessage(reason, mode))).finally(() => setBusy(false));
          }}
        >
          <label className="field field-full">
            <span>Email</span>
            <input
              className="input"
              type="email"
              name="email"
              autoComplete="email"
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              aria-invalid={error !== null}
              aria-describedby={error ? "auth-error" : undefined}
            />
          </label>
          <label className="field field-full">
            <span>Password</span>
            <input
              className="input"
              type="password"
              name="password"
              autoComplete={mode === "login" ? "current-password" : "new-password"}
              required
              minLength={mode === "register" ? 8 : undefined}
              maxLength={mode === "register" ? 128 : undefined}
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              aria-invalid={error !== null}
              aria-describedby={error ? "auth-error" : mode === "register" ? "password-hint" : undefined}
            />
            {mode === "register" && (
              <small id="password-hint" className="hint">
                8 to 128 characters.
              </small>
            )}
          </label>
          {error && (
            <p id="auth-error" className="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {busy ? "Please wait…" : mode === "login" ? "Sign in" : "Create account"}
          </button>
        </form>
        <p className="auth-switch">
          {mode === "login" ? "New here?" : "Already have an account?"}{" "}
          <button type="button" className="link" onClick={switchMode}>
            {mode === "login" ? "Create an account" : "Sign in"}
          </button>
        </p>
      </div>
    </main>
  );
}
