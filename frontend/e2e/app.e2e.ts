import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  RESULTS_DIR,
  lastWidget,
  launchBrowser,
  newAccount,
  newContext,
  register,
  say,
  signIn,
  taskRow,
} from "./harness";

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe("accounts", () => {
  it("registers, keeps the session across a reload, signs out and signs back in", async () => {
    const account = newAccount();
    const context = await newContext(browser);
    const page = await context.newPage();
    await register(page, account);
    await expect(page.getByText(account.email).isVisible()).resolves.toBe(true);

    await page.reload();
    await page.getByRole("heading", { name: "Tasks", level: 1 }).waitFor();
    expect(await page.getByLabel("Email").count()).toBe(0);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await page.reload();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();

    await page.getByLabel("Email").fill(account.email);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toContain("Incorrect email or password.");

    await signIn(page, account);
    await context.close();
  });

  it("says clearly that an email is already registered", async () => {
    const account = newAccount();
    const context = await newContext(browser);
    const page = await context.newPage();
    await register(page, account);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Create an account" }).click();
    await page.getByLabel("Email").fill(account.email);
    await page.getByLabel("Password").fill(account.password);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toContain("already exists");
    await context.close();
  });
});

describe("chat and live dashboard", () => {
  it("adds a task from chat, shows it live in every tab of the user and in no other user's tab", async () => {
    const alice = newAccount();
    const context = await newContext(browser);
    const page = await context.newPage();
    await register(page, alice);
    const secondTab = await context.newPage();
    await secondTab.goto("/");
    await secondTab.getByRole("heading", { name: "Tasks", level: 1 }).waitFor();
    await secondTab.getByText("Live", { exact: true }).waitFor();

    const bob = newAccount();
    const otherContext = await newContext(browser);
    const otherPage = await otherContext.newPage();
    await register(otherPage, bob);
    await otherPage.getByText("Live", { exact: true }).waitFor();
    await page.getByText("Live", { exact: true }).waitFor();

    await page.getByLabel("Message the assistant").fill("add buy milk tomorrow");
    await page.getByRole("button", { name: "Send message" }).click();
    await lastWidget(page).waitFor({ timeout: 60_000 });
    const widgetSeenAt = Date.now();
    await taskRow(page, /buy milk/i).waitFor({ timeout: 1000 });
    expect(Date.now() - widgetSeenAt).toBeLessThanOrEqual(1000);
    await page.getByRole("button", { name: "Send message" }).waitFor({ timeout: 60_000 });
    const reply = await page.locator(".message-assistant .bubble-assistant").last().textContent();
    expect(reply?.trim().length).toBeGreaterThan(0);
    expect(await lastWidget(page).textContent()).toMatch(/buy milk/i);

    await taskRow(secondTab, /buy milk/i).waitFor({ timeout: 1000 });
    await otherPage.waitForTimeout(1500);
    expect(await taskRow(otherPage, /buy milk/i).count()).toBe(0);

    await page.screenshot({ path: `${RESULTS_DIR}dashboard-chat-desktop.png`, fullPage: false });
    await otherContext.close();
    await context.close();
  });

  it("completes and deletes through chat with confirmation, and Undo brings the task back", async () => {
    const account = newAccount();
    const context = await newContext(browser);
    const page = await context.newPage();
    await register(page, account);
    await page.getByText("Live", { exact: true }).waitFor();

    await say(page, "add buy milk tomorrow");
    await taskRow(page, /buy milk/i).waitFor({ timeout: 1000 });

    await say(page, "complete buy milk");
    await page.getByRole("radio", { name: "All" }).click();
    await page.locator(".task.done", { hasText: /buy milk/i }).waitFor({ timeout: 2000 });

    await say(page, "delete buy milk");
    const confirmation = lastWidget(page);
    await confirmation.getByRole("button", { name: /cancel|keep/i }).click();
    await page.getByRole("button", { name: "Send message" }).waitFor({ timeout: 60_000 });
    await page.waitForTimeout(800);
    expect(await taskRow(page, /buy milk/i).count()).toBe(1);

    await say(page, "delete buy milk");
    await lastWidget(page).getByRole("button", { name: /confirm|delete|yes/i }).click();
    await taskRow(page, /buy milk/i).waitFor({ state: "detached", timeout: 5000 });
    await page.getByRole("button", { name: "Send message" }).waitFor({ timeout: 60_000 });

    const undoButton = page.getByRole("log", { name: "Conversation" }).getByRole("button", { name: /undo/i }).last();
    if ((await undoButton.count()) > 0 && (await undoButton.isEnabled())) await undoButton.click();
    else await say(page, "undo");
    await taskRow(page, /buy milk/i).waitFor({ timeout: 5000 });
    await context.close();
  });

  it("keeps thread history across a reload and starts a new thread empty", async () => {
    const account = newAccount();
    const context = await newContext(browser);
    const page = await context.newPage();
    await register(page, account);
    await say(page, "add call the plumber tomorrow");
    const log = page.getByRole("log", { name: "Conversation" });
    const before = await log.locator(".message").count();
    expect(before).toBeGreaterThanOrEqual(2);

    await page.reload();
    await log.locator(".message-user", { hasText: "add call the plumber tomorrow" }).waitFor();
    expect(await log.locator(".message").count()).toBe(before);

    await page.getByRole("button", { name: "Show conversations" }).click();
    await page.getByRole("navigation", { name: "Conversations" }).getByRole("listitem").first().waitFor();
    expect(await page.getByRole("navigation", { name: "Conversations" }).getByRole("listitem").count()).toBe(1);

    await page.getByRole("button", { name: "New chat" }).click();
    expect(await log.locator(".message").count()).toBe(0);
    await page.getByText("How can I help with your tasks?").waitFor();

    await page.getByRole("button", { name: "Show conversations" }).click();
    await page.getByRole("navigation", { name: "Conversations" }).getByRole("button", { name: /plumber|conversation/i }).first().click();
    await log.locator(".message-user", { hasText: "add call the plumber tomorrow" }).waitFor();
    await context.close();
  });

  it("takes phone-sized screenshots of the dashboard and the open chat", async () => {
    const account = newAccount();
    const context = await newContext(browser, true);
    const page = await context.newPage();
    await register(page, account);
    await page.getByRole("button", { name: "Assistant" }).click();
    await say(page, "add water the plants tomorrow");
    await page.screenshot({ path: `${RESULTS_DIR}chat-phone.png` });
    await page.getByRole("button", { name: "Tasks", exact: true }).click();
    await taskRow(page, /water the plants/i).waitFor({ timeout: 2000 });
    await page.screenshot({ path: `${RESULTS_DIR}dashboard-phone.png` });
    await context.close();
  });
});
