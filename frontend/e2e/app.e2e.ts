import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  RESULTS_DIR,
  apiCreateTask,
  apiSignIn,
  lastWidget,
  launchBrowser,
  newAccount,
  newContext,
  register,
  replyFinished,
  say,
  signIn,
  taskRow,
  tasksLive,
  traceChat,
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

  it("signing up with a taken email and another password says to sign in, without saying it is taken", async () => {
    const account = newAccount();
    const context = await newContext(browser);
    const page = await context.newPage();
    await register(page, account);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Create an account" }).click();
    await page.getByLabel("Email").fill(account.email);
    await page.getByLabel("Password").fill(`${account.password}-other`);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toContain(
      "If the email already has an account, sign in with its password instead.",
    );
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

    const bob = newAccount();
    const otherContext = await newContext(browser);
    const otherPage = await otherContext.newPage();
    await register(otherPage, bob);
    for (const tab of [page, secondTab, otherPage]) await tasksLive(tab).waitFor();

    const trace = await traceChat(page);
    const chatResponse = page.waitForResponse(
      (response) => response.url().endsWith("/api/v1/chatkit") && response.request().method() === "POST",
    );
    await page.getByLabel("Message the assistant").fill("add buy milk tomorrow");
    await page.getByRole("button", { name: "Send message" }).click();
    const widget = lastWidget(page);
    await widget.waitFor({ timeout: 60_000 });
    const widgetSeenAt = Date.now();
    await taskRow(page, /buy milk/i).waitFor({ timeout: 1000 });
    expect(Date.now() - widgetSeenAt).toBeLessThanOrEqual(1000);
    await taskRow(secondTab, /buy milk/i).waitFor({ timeout: 1000 });
    expect(Date.now() - widgetSeenAt).toBeLessThanOrEqual(1000);

    await replyFinished(page);
    // The UI was in its streaming state, and the reply came as a stream of events: the widget
    // first, then the text in deltas. (How many of them one render shows depends on how the
    // network chunks a reply this fast, so the parts are checked on the wire.)
    expect(await trace()).toMatchObject({ sawBusy: true });
    const response = await chatResponse;
    expect(response.headers()["content-type"]).toContain("text/event-stream");
    const events = (await response.text()).split("\n").filter((line) => line.startsWith("data:"));
    const widgetAt = events.findIndex((line) => line.includes('"type":"widget"'));
    const deltas = events.filter((line) => line.includes("text_delta"));
    expect(widgetAt).toBeGreaterThanOrEqual(0);
    expect(deltas.length).toBeGreaterThan(1);
    expect(events.findIndex((line) => line.includes("text_delta"))).toBeGreaterThan(widgetAt);
    expect(await widget.textContent()).toMatch(/Task added.*Buy milk.*Open/i);
    await widget.getByRole("button", { name: "Complete" }).waitFor();
    const reply = await page.locator(".message-assistant .bubble-assistant").last().textContent();
    expect(reply).toMatch(/buy milk/i);
    expect(await page.getByRole("log", { name: "Conversation" }).locator(".wunknown").count()).toBe(0);

    // A change Bob makes elsewhere, after Alice's, reaches his tab through the same live stream
    // that must never have carried Alice's task.
    await apiCreateTask(await apiSignIn(bob), "bob's own task");
    await taskRow(otherPage, /bob's own task/i).waitFor({ timeout: 2000 });
    expect(await taskRow(otherPage, /buy milk/i).count()).toBe(0);
    expect(await taskRow(page, /bob's own task/i).count()).toBe(0);

    await page.screenshot({ path: `${RESULTS_DIR}dashboard-chat-desktop.png` });

    // The widget's own button acts on the task: the card turns into "completed" with Reopen.
    await widget.getByRole("button", { name: "Complete" }).click();
    await widget.getByText("Task completed").waitFor({ timeout: 10_000 });
    await taskRow(page, /buy milk/i).waitFor({ state: "detached", timeout: 2000 });
    await taskRow(secondTab, /buy milk/i).waitFor({ state: "detached", timeout: 2000 });
    expect(await widget.locator(".wbadge").textContent()).toBe("Done");
    await widget.getByRole("button", { name: "Reopen" }).waitFor();
    await otherContext.close();
    await context.close();
  });

  it("completes and deletes through chat with confirmation, and Undo brings the task back", async () => {
    const account = newAccount();
    const context = await newContext(browser);
    const page = await context.newPage();
    await register(page, account);
    await tasksLive(page).waitFor();
    const log = page.getByRole("log", { name: "Conversation" });

    await say(page, "add buy milk tomorrow");
    await taskRow(page, /buy milk/i).waitFor({ timeout: 1000 });

    await say(page, "complete buy milk");
    await taskRow(page, /buy milk/i).waitFor({ state: "detached", timeout: 2000 });
    await page.getByRole("radio", { name: "All" }).click();
    await page.locator(".task.done", { hasText: /buy milk/i }).waitFor({ timeout: 2000 });

    await say(page, "delete buy milk");
    const firstConfirmation = lastWidget(page);
    expect(await firstConfirmation.textContent()).toContain("Delete “Buy milk”?");
    await firstConfirmation.getByRole("button", { name: "Cancel" }).click();
    await firstConfirmation.getByText("Cancelled. Nothing was changed.").waitFor({ timeout: 10_000 });
    await replyFinished(page);
    expect(await taskRow(page, /buy milk/i).count()).toBe(1);
    expect(await firstConfirmation.getByRole("button").count()).toBe(0);

    await say(page, "delete buy milk");
    const confirmation = lastWidget(page);
    await page.screenshot({ path: `${RESULTS_DIR}chat-confirmation-desktop.png` });
    await confirmation.getByRole("button", { name: "Confirm" }).click();
    await taskRow(page, /buy milk/i).waitFor({ state: "detached", timeout: 5000 });
    await confirmation.getByText(/deleted/i).waitFor({ timeout: 10_000 });
    await replyFinished(page);

    await confirmation.getByRole("button", { name: "Undo" }).click();
    await taskRow(page, /buy milk/i).waitFor({ timeout: 5000 });
    await confirmation.getByText(/undone/i).waitFor({ timeout: 10_000 });
    await replyFinished(page);
    expect(await log.locator(".wunknown").count()).toBe(0);
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
    expect(await log.locator(".widget").count()).toBeGreaterThanOrEqual(1);

    const history = page.getByRole("navigation", { name: "Conversations" });
    await page.getByRole("button", { name: "Show conversations" }).click();
    await history.getByRole("listitem").first().waitFor();
    expect(await history.getByRole("listitem").count()).toBe(1);

    await page.getByRole("button", { name: "New chat" }).click();
    expect(await log.locator(".message").count()).toBe(0);
    await page.getByText("How can I help with your tasks?").waitFor();

    await say(page, "add book the dentist tomorrow");
    expect(await log.locator(".message-user").count()).toBe(1);
    expect(await log.textContent()).not.toContain("plumber");

    await page.getByRole("button", { name: "Show conversations" }).click();
    await history.getByRole("listitem").nth(1).waitFor();
    await history.getByRole("button", { name: /plumber/i }).first().click();
    await log.locator(".message-user", { hasText: "add call the plumber tomorrow" }).waitFor();
    expect(await log.textContent()).not.toContain("dentist");
    await context.close();
  });

  it("takes phone-sized screenshots of the dashboard and the open chat", async () => {
    const account = newAccount();
    const context = await newContext(browser, true);
    const page = await context.newPage();
    await register(page, account);
    await page.getByRole("button", { name: "Assistant" }).click();
    await say(page, "add water the plants tomorrow");
    await say(page, "add pay the electricity bill friday");
    await say(page, "show my tasks");
    const list = lastWidget(page);
    expect(await list.getByRole("listitem").count()).toBe(2);
    await list.getByRole("button", { name: "Complete" }).first().waitFor();
    await page.screenshot({ path: `${RESULTS_DIR}chat-phone.png` });
    await page.getByRole("button", { name: "Tasks", exact: true }).click();
    await taskRow(page, /water the plants/i).waitFor({ timeout: 2000 });
    await page.screenshot({ path: `${RESULTS_DIR}dashboard-phone.png` });
    await context.close();
  });
});
