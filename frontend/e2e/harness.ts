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
  await page.getByLabel("Message the assistant").fill(text);
  await page.getByRole("button", { name: "Send message" }).click();
  await log.locator(".message-user", { hasText: text }).last().waitFor();
  await page.getByRole("button", { name: "Send message" }).waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => document.querySelector('[role="log"]')?.getAttribute("aria-busy") === "false");
}

export function taskRow(page: Page, title: RegExp) {
  return page.getByRole("list", { name: "Task list" }).getByRole("listitem").filter({ hasText: title });
}

export function lastWidget(page: Page) {
  return page.getByRole("log", { name: "Conversation" }).locator(".widget").last();
}
