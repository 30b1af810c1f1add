import { ApiError, apiErrorFrom } from "../api/problem";
import type { UserPublic } from "../api/types";

export interface SessionState {
  user: UserPublic | null;
  /** Why the user was signed out, shown on the sign-in screen. */
  notice: string | null;
}

type Listener = (state: SessionState) => void;

interface AccessToken {
  access_token: string;
  token_type: string;
  expires_in: number;
}

const REFRESH_LOCK = "chatkit-botbuilder-refresh";
const CHANNEL = "chatkit-botbuilder-session";

/**
 * Holds the access token in memory only. The refresh token never reaches script: the auth service
 * sends it only as an HttpOnly, SameSite=Strict cookie scoped to /auth (never in a response body,
 * since the web app does not ask for it there), which the browser sends only to /auth/refresh and
 * /auth/logout on this origin.
 */
export class Session {
  private accessToken: string | null = null;
  private state: SessionState = { user: null, notice: null };
  private readonly listeners = new Set<Listener>();
  private refreshing: Promise<boolean> | null = null;
  private readonly channel: BroadcastChannel | null =
    typeof BroadcastChannel === "undefined" ? null : new BroadcastChannel(CHANNEL);

  constructor(private readonly baseFetch: typeof fetch = (...args) => fetch(...args)) {
    this.channel?.addEventListener("message", (message: MessageEvent<unknown>) => {
      if (message.data === "signed-out" && this.state.user) this.clear("You signed out in another tab.");
    });
  }

  get current(): SessionState {
    return this.state;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(state: SessionState): void {
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }

  private clear(notice: string | null): void {
    this.accessToken = null;
    this.set({ user: null, notice });
  }

  /**
   * On page load: trade the refresh cookie (if any) for an access token, so a reload keeps the
   * session. With no cookie the service answers 204, so a visitor's first load logs no error.
   */
  async restore(): Promise<void> {
    if (await this.refresh()) await this.loadUser();
  }

  /**
   * The service answers every valid registration alike (202), whether or not the email already
   * had an account, so the sign-in that follows is what tells: it fails only when the email
   * belongs to someone with another password.
   */
  async register(email: string, password: string): Promise<void> {
    const response = await this.post("/auth/register", { email, password });
    if (!response.ok) throw await apiErrorFrom(response);
    await this.login(email, password);
  }

  async login(email: string, password: string): Promise<void> {
    const response = await this.post("/auth/login", { email, password });
    if (!response.ok) throw await apiErrorFrom(response);
    const pair = (await response.json()) as AccessToken;
    this.accessToken = pair.access_token;
    await this.loadUser();
  }

  async logout(): Promise<void> {
    try {
      await this.baseFetch("/auth/logout", { method: "POST", credentials: "same-origin" });
    } finally {
      this.clear(null);
      this.channel?.postMessage("signed-out");
    }
  }

  /**
   * Renews the access token from the refresh cookie. Concurrent callers share one request, and
   * tabs take turns through a Web Lock: two tabs presenting the same rotated token at once would
   * look like token theft to the server and revoke the whole family.
   */
  refresh(): Promise<boolean> {
    if (this.refreshing) return this.refreshing;
    const run = (): Promise<boolean> => this.refreshOnce();
    const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
    const task: Promise<boolean> = locks ? locks.request(REFRESH_LOCK, run).then((ok) => ok) : run();
    const shared = task.finally(() => {
      this.refreshing = null;
    });
    this.refreshing = shared;
    return shared;
  }

  private async refreshOnce(): Promise<boolean> {
    let response: Response;
    try {
      response = await this.baseFetch("/auth/refresh", { method: "POST", credentials: "same-origin" });
    } catch {
      return false;
    }
    // 204: no refresh cookie was sent, so no one is signed in; not an error.
    if (!response.ok || response.status === 204) return false;
    const pair = (await response.json()) as AccessToken;
    this.accessToken = pair.access_token;
    return true;
  }

  private async loadUser(): Promise<void> {
    const response = await this.authorizedFetch("/auth/me", {});
    if (!response.ok) {
      this.clear(null);
      throw await apiErrorFrom(response);
    }
    this.set({ user: (await response.json()) as UserPublic, notice: null });
  }

  private post(url: string, body: unknown): Promise<Response> {
    return this.baseFetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });
  }

  private authorizedFetch(input: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.accessToken) headers.set("Authorization", `Bearer ${this.accessToken}`);
    return this.baseFetch(input, { ...init, headers, credentials: "same-origin" });
  }

  /**
   * fetch for the API: adds the bearer token; on 401 renews it once and retries; if that fails
   * too, signs the user out with a message and answers the 401.
   */
  fetch = async (input: string, init: RequestInit = {}): Promise<Response> => {
    const used = this.accessToken;
    const first = await this.authorizedFetch(input, init);
    if (first.status !== 401) return first;
    const renewedMeanwhile = this.accessToken !== null && this.accessToken !== used;
    if (!renewedMeanwhile && !(await this.refresh())) {
      this.expire();
      return first;
    }
    const second = await this.authorizedFetch(input, init);
    if (second.status === 401) this.expire();
    return second;
  };

  private expire(): void {
    if (this.state.user) this.clear("Your session has expired. Please sign in again.");
  }
}

/** The message the sign-in and registration forms show for a failed request. */
export function authErrorMessage(error: unknown, mode: "login" | "register"): string {
  if (!(error instanceof ApiError)) return "Can't reach the server. Check your connection and try again.";
  switch (error.status) {
    case 401:
      return mode === "register"
        ? "We couldn't sign you in with this email and password. If the email already has an account, sign in with its password instead."
        : "Incorrect email or password.";
    case 422:
      return error.detail ? `Please check your details: ${error.detail}` : "Please check your email and password.";
    case 429: {
      const wait = error.retryAfter;
      return wait !== null
        ? `Too many attempts. Try again in ${wait} second${wait === 1 ? "" : "s"}.`
        : "Too many attempts. Please wait a moment and try again.";
    }
    default:
      return error.status >= 500
        ? `The ${mode === "login" ? "sign-in" : "sign-up"} service is unavailable right now. Try again in a moment.`
        : error.detail || error.title || "Something went wrong. Please try again.";
  }
}
