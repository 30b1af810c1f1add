import { mkdirSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const BASE_URL = process.env.E2E_BASE_URL ?? "http://127.0.0.1:8080";
export const RESULTS_DIR = new URL("../test-results/", import.meta.url).pathname;
mkdirSync(RESULTS_DIR, { recursive: true });

/** Debian's chromium, headless and with every background network feature off. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export interface Account {
  email: string;
  password: string;
}

export function newAccount(): Account {
  return { email: `e2e-${randomUUID().slice(0, 12)}@example.test`, password: `pw-${randomUUID()}` };
}

export async function newContext(browser: Browser, phone = false): Promise<BrowserContext> {
  return browser.newContext(
    phone
      ? { baseURL: BASE_URL, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
      : { baseURL: BASE_URL, viewport: { width: 1280, height: 800 } },
  );
}

export async function register(page: Page, account: Account): Promise<void> {
  await page.goto("/");
  await page.getByRole("button", { name: "Create an account" }).click();
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Tasks", level: 1 }).waitFor();
}

export async function signIn(page: Page, account: Account): Promise<void> {
  await page.goto("/");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Tasks", level: 1 }).waitFor();
}

/** Sends a chat message and waits until the reply has finished streaming. */
export async function say(page: Page, text: string): Promise<void> {
  const log = page.getByRole("log", { name: "Conversation" });
  const userMessages = log.locator(".message-user", { hasText: text });
  const before = await userMessages.count();
  await page.getByLabel("Message the assistant").fill(text);
  await page.getByRole("button", { name: "Send message" }).click();
  await userMessages.nth(before).waitFor();
  await replyFinished(page);
}

/** Waits until the conversation is no longer streaming and the composer can send again. */
export async function replyFinished(page: Page): Promise<void> {
  await page.locator('[role="log"][aria-busy="false"]').waitFor({ timeout: 60_000 });
  await page.getByRole("button", { name: "Send message" }).waitFor({ timeout: 60_000 });
}

/** The task dashboard's live badge showing "Live" (each tool service's section has its own). */
export function tasksLive(page: Page) {
  return page.getByRole("region", { name: "Tasks" }).getByRole("status").getByText("Live", { exact: true });
}

export function taskRow(page: Page, title: RegExp) {
  return page.getByRole("list", { name: "Task list" }).getByRole("listitem").filter({ hasText: title });
}

export function lastWidget(page: Page) {
  return page.getByRole("log", { name: "Conversation" }).locator(".widget").last();
}

export interface ChatTrace {
  sawBusy: boolean;
  widgetWhileBusy: boolean;
  textWhileBusy: boolean;
}

/**
 * Starts recording, from inside the page, what the conversation shows while a reply streams:
 * proof that the reply arrived in parts while the stream was open, not only once it ended.
 */
export async function traceChat(page: Page): Promise<() => Promise<ChatTrace>> {
  await page.evaluate(() => {
    const log = document.querySelector('[role="log"]');
    if (!log) throw new Error("no conversation log");
    const trace = { sawBusy: false, widgetWhileBusy: false, textWhileBusy: false };
    const widgetsBefore = log.querySelectorAll(".widget").length;
    const assistantText = () =>
      Array.from(log.querySelectorAll(".bubble-assistant"))
        .map((node) => node.textContent ?? "")
        .join("").length;
    const textBefore = assistantText();
    const observer = new MutationObserver(() => {
      if (log.getAttribute("aria-busy") !== "true") return;
      trace.sawBusy = true;
      if (log.querySelectorAll(".widget").length > widgetsBefore) trace.widgetWhileBusy = true;
      if (assistantText() > textBefore) trace.textWhileBusy = true;
    });
    observer.observe(log, { subtree: true, childList: true, characterData: true, attributes: true });
    (window as unknown as { chatTrace: typeof trace }).chatTrace = trace;
  });
  return () => page.evaluate(() => (window as unknown as { chatTrace: ChatTrace }).chatTrace);
}

/** Signs in through the HTTP API (as another device would) and returns an access token. */
export async function apiSignIn(account: Account): Promise<string> {
  const response = await fetch(`${BASE_URL}/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(account),
  });
  if (response.status !== 200) throw new Error(`login answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** Creates a task through the public task API, outside any browser tab. */
export async function apiCreateTask(token: string, title: string): Promise<void> {
  const response = await fetch(`${BASE_URL}/api/v1/tasks`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ title }),
  });
  if (response.status !== 201) throw new Error(`task creation answered ${response.status}: ${await response.text()}`);
}
