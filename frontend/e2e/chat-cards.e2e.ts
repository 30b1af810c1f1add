import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RESULTS_DIR, lastWidget, launchBrowser, newAccount, newContext, register, replyFinished, say, taskRow, tasksLive } from "./harness";

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

function conversation(page: Page) {
  return page.getByRole("log", { name: "Conversation" });
}

describe("cards stay true", () => {
  it("a task card follows changes made on the dashboard, live and after a reload", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await register(page, newAccount());
    await tasksLive(page).waitFor();
    await say(page, "add buy milk tomorrow");
    const card = lastWidget(page);
    await card.getByRole("button", { name: "Complete" }).waitFor();

    await page.getByRole("checkbox", { name: /Complete “Buy milk”/i }).click();
    await card.locator(".wbadge", { hasText: "Done" }).waitFor({ timeout: 2000 });
    await card.getByRole("button", { name: "Reopen" }).waitFor();

    await page.getByRole("radio", { name: "All" }).click();
    await taskRow(page, /buy milk/i).getByRole("button", { name: /Delete/ }).click();
    await card.locator(".wbadge", { hasText: "Deleted" }).waitFor({ timeout: 2000 });
    expect(await card.getByRole("button", { name: /Complete|Reopen/ }).count()).toBe(0);
    await page.screenshot({ path: `${RESULTS_DIR}chat-card-deleted-desktop.png` });

    await page.reload();
    const reloaded = conversation(page).locator(".widget").first();
    await reloaded.locator(".wbadge", { hasText: "Deleted" }).waitFor({ timeout: 5000 });
    expect(await reloaded.getByRole("button", { name: /Complete|Reopen/ }).count()).toBe(0);
    await context.close();
  });

  it("after Confirm the question 'please confirm … with the buttons below' is gone; the card says what happened", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await register(page, newAccount());
    await say(page, "add renew the passport");
    await say(page, "delete the passport task");
    const confirmation = lastWidget(page);
    const replies = conversation(page).locator(".message-assistant .bubble-assistant");
    const before = await replies.count();
    expect(await replies.last().textContent()).toMatch(/confirm/i);

    await confirmation.getByRole("button", { name: "Confirm" }).click();
    await confirmation.getByText(/deleted/i).waitFor({ timeout: 10_000 });
    await replyFinished(page);

    expect(await replies.count()).toBe(before - 1);
    expect(await conversation(page).textContent()).not.toMatch(/buttons below/i);
    await page.reload();
    await conversation(page).locator(".widget").last().getByText(/deleted/i).waitFor({ timeout: 5000 });
    expect(await conversation(page).textContent()).not.toMatch(/buttons below/i);
    await page.screenshot({ path: `${RESULTS_DIR}chat-confirmation-answered-desktop.png` });
    await context.close();
  });
});

describe("conversation titles", () => {
  it("titles a conversation by what it did, not by the first message cut off", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await register(page, newAccount());
    await say(page, "hey can you remind me to book flights for next week's trip");
    // The span tagger reads a shorter title than the rules, so the assistant asks before adding.
    await page.getByText(/Do you want me to add 'book flights/i).waitFor();
    await say(page, "yes");

    await page.locator(".chat-title", { hasText: /^Book flights/i }).waitFor({ timeout: 5000 });
    await page.getByRole("button", { name: "Show conversations" }).click();
    const history = page.getByRole("navigation", { name: "Conversations" });
    expect(await history.getByRole("listitem").first().textContent()).toMatch(/^Book flights/i);
    expect(await history.textContent()).not.toMatch(/hey can you/i);
    await context.close();
  });
});

describe("the chat across tabs", () => {
  it("shows a new conversation and each new message in the other tab, in order, without a reload", async () => {
    const context = await newContext(browser);
    const first = await context.newPage();
    await register(first, newAccount());
    const second = await context.newPage();
    await second.goto("/");
    await second.getByRole("heading", { name: "Tasks", level: 1 }).waitFor();

    await say(first, "add buy milk tomorrow");
    await second.getByRole("button", { name: "Show conversations" }).click();
    const history = second.getByRole("navigation", { name: "Conversations" });
    await history.getByRole("button", { name: /milk/i }).first().click();
    await conversation(second).locator(".message-user", { hasText: "add buy milk tomorrow" }).waitFor();

    await say(first, "add call mom on sunday");
    const secondLog = conversation(second);
    await secondLog.locator(".message-user", { hasText: "add call mom on sunday" }).waitFor({ timeout: 3000 });
    await secondLog.locator(".widget", { hasText: /call mom/i }).waitFor({ timeout: 3000 });
    const order = await secondLog.locator(".message").evaluateAll((items) =>
      items.map((item) => (item.classList.contains("message-user") ? `user:${item.textContent?.replace("You said: ", "")}` : "assistant")),
    );
    expect(order.filter((entry) => entry.startsWith("user:"))).toEqual(["user:add buy milk tomorrow", "user:add call mom on sunday"]);
    expect(order.indexOf("user:add call mom on sunday")).toBeGreaterThan(order.indexOf("user:add buy milk tomorrow"));
    await context.close();
  });
});
