import { describe, expect, it } from "vitest";
import { ApiError } from "../api/problem";
import { Session, authErrorMessage } from "./session";

interface Call {
  url: string;
  method: string;
  body: unknown;
  authorization: string | null;
}

const USER = { id: "0b6f1c2e-0000-4000-8000-000000000001", email: "ada@example.com", created_at: "2026-01-01T00:00:00Z" };

/** A fake auth service answering each path with a scripted response, recording every request. */
function fakeAuth(answers: Record<string, () => Response>, calls: Call[]): typeof fetch {
  return async (input, init) => {
    const url = String(input);
    calls.push({
      url,
      method: init?.method ?? "GET",
      body: typeof init?.body === "string" ? JSON.parse(init.body) : null,
      authorization: new Headers(init?.headers).get("Authorization"),
    });
    const answer = answers[url];
    if (!answer) throw new Error(`unexpected request to ${url}`);
    return answer();
  };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

function session(baseFetch: typeof fetch): Session {
  return new Session(baseFetch);
}

describe("Session", () => {
  it("restores nobody, without an error, when the refresh call says no one is signed in (204)", async () => {
    const calls: Call[] = [];
    const visitor = session(fakeAuth({ "/auth/refresh": () => new Response(null, { status: 204 }) }, calls));

    await visitor.restore();

    expect(visitor.current).toEqual({ user: null, notice: null });
    expect(calls.map((call) => `${call.method} ${call.url}`)).toEqual(["POST /auth/refresh"]);
  });

  it("restores the user from the refresh cookie, reading only the access token from the answer", async () => {
    const calls: Call[] = [];
    const returning = session(
      fakeAuth(
        {
          "/auth/refresh": () => json(200, { access_token: "access-1", token_type: "bearer", expires_in: 900 }),
          "/auth/me": () => json(200, USER),
        },
        calls,
      ),
    );

    await returning.restore();

    expect(returning.current).toEqual({ user: USER, notice: null });
    expect(calls.map((call) => [call.url, call.authorization])).toEqual([
      ["/auth/refresh", null],
      ["/auth/me", "Bearer access-1"],
    ]);
  });

  it("signs in without asking for the refresh token in the answer", async () => {
    const calls: Call[] = [];
    const signingIn = session(
      fakeAuth(
        {
          "/auth/login": () => json(200, { access_token: "access-2", token_type: "bearer", expires_in: 900 }),
          "/auth/me": () => json(200, USER),
        },
        calls,
      ),
    );

    await signingIn.login("ada@example.com", "correct horse battery staple");

    expect(signingIn.current.user).toEqual(USER);
    expect(calls[0]).toEqual({
      url: "/auth/login",
      method: "POST",
      body: { email: "ada@example.com", password: "correct horse battery staple" },
      authorization: null,
    });
    expect(calls[1].authorization).toBe("Bearer access-2");
  });

  it("registers, then signs in, and says how to go on when the email belongs to another password", async () => {
    const calls: Call[] = [];
    const accepted = { status: "accepted", detail: "Registration received." };
    const problem = { type: "about:blank", title: "Unauthorized", status: 401, detail: "Invalid email or password" };
    const newcomer = session(
      fakeAuth(
        {
          "/auth/register": () => json(202, accepted),
          "/auth/login": () => new Response(JSON.stringify(problem), { status: 401, headers: { "content-type": "application/problem+json" } }),
        },
        calls,
      ),
    );

    const failure = await newcomer.register("ada@example.com", "not the owner's password").catch((error: unknown) => error);

    expect(calls.map((call) => call.url)).toEqual(["/auth/register", "/auth/login"]);
    expect(failure).toBeInstanceOf(ApiError);
    expect(authErrorMessage(failure, "register")).toBe(
      "We couldn't sign you in with this email and password. If the email already has an account, sign in with its password instead.",
    );
    expect(authErrorMessage(failure, "login")).toBe("Incorrect email or password.");
    expect(newcomer.current.user).toBeNull();
  });
});
