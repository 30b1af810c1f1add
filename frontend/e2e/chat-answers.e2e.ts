import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RESULTS_DIR, apiCreateTask, apiSignIn, launchBrowser, newAccount, newContext, register, replyFinished, say, taskRow } from "./harness";

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

function lastReply(page: Page) {
  return conversation(page).locator(".message-assistant .bubble-assistant").last();
}

describe("answers show the outcome only", () => {
  it("completing a task by name shows its card, not the list looked up on the way", async () => {
    const account = newAccount();
    const context = await newContext(browser);
    const page = await context.newPage();
    await register(page, account);
    const token = await apiSignIn(account);
    await apiCreateTask(token, "buy oat milk");
    await apiCreateTask(token, "call the plumber");
    await taskRow(page, /call the plumber/i).waitFor({ timeout: 5000 });

    await say(page, "mark buy oat milk as done");

    const widgets = conversation(page).locator(".widget");
    expect(await widgets.count()).toBe(1);
    expect(await widgets.first().textContent()).toMatch(/Task completed.*buy oat milk/i);
    expect(await conversation(page).textContent()).not.toMatch(/plumber/i);
    expect(await lastReply(page).textContent()).toMatch(/^Marked 'buy oat milk' as completed\.$/i);
    await context.close();
  });

  it("an empty list is one sentence, without a 'No tasks.' card", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await register(page, newAccount());

    await say(page, "show my tasks");

    expect(await conversation(page).locator(".widget").count()).toBe(0);
    expect(await lastReply(page).textContent()).toBe("You have no tasks.");
    await context.close();
  });

  for (const phone of [false, true]) {
    const device = phone ? "phone" : "desktop";
    it(`a list is one compact card and a sentence that does not repeat it (${device})`, async () => {
      const account = newAccount();
      const context = await newContext(browser, phone);
      const page = await context.newPage();
      await register(page, account);
      if (phone) await page.getByRole("button", { name: "Assistant" }).click();
      const token = await apiSignIn(account);
      for (const title of ["pay the electricity bill", "renew the passport before the trip", "water the plants"]) {
        await apiCreateTask(token, title);
      }

      await say(page, "show my tasks");

      const list = conversation(page).locator(".widget").last();
      expect(await conversation(page).locator(".widget").count()).toBe(1);
      expect(await list.getByRole("listitem").count()).toBe(3);
      expect(await lastReply(page).textContent()).toBe("You have 3 tasks.");
      // Each title takes at most two lines in the narrow panel; the buttons keep their names.
      const heights = await list.locator(".wlist-item").evaluateAll((rows) =>
        rows.map((row) => {
          const title = row.querySelector(".wbox .wtext");
          if (!title) return Infinity;
          const lineHeight = parseFloat(getComputedStyle(title).lineHeight);
          return title.getBoundingClientRect().height / lineHeight;
        }),
      );
      for (const lines of heights) expect(lines).toBeLessThanOrEqual(2.1);
      expect(await list.getByRole("button", { name: "Complete" }).count()).toBe(3);
      expect(await list.getByRole("button", { name: "Delete" }).count()).toBe(3);
      await page.screenshot({ path: `${RESULTS_DIR}chat-list-compact-${device}.png` });
      await context.close();
    });
  }
});

describe("retries never repeat a change unseen", () => {
  it("regenerating the reply to an added task keeps the one task and says so", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await register(page, newAccount());
    await say(page, "add stretch for 10 minutes every morning");
    await taskRow(page, /stretch/i).waitFor({ timeout: 5000 });

    await page.getByRole("button", { name: "Regenerate reply" }).click();
    await replyFinished(page);

    await lastReply(page).getByText(/I already did this/).waitFor({ timeout: 10_000 });
    expect(await lastReply(page).textContent()).toMatch(/did not do it again/);
    expect(await conversation(page).locator(".widget").count()).toBe(1);
    expect(await conversation(page).locator(".message-assistant .bubble-assistant").count()).toBe(1);
    expect(await taskRow(page, /stretch/i).count()).toBe(1);
    await page.reload();
    // The thread and the dashboard load independently: wait for both before counting.
    await lastReply(page).getByText(/I already did this/).waitFor({ timeout: 10_000 });
    await taskRow(page, /stretch/i).first().waitFor({ timeout: 10_000 });
    expect(await taskRow(page, /stretch/i).count()).toBe(1);
    expect(await conversation(page).locator(".widget").count()).toBe(1);
    await page.screenshot({ path: `${RESULTS_DIR}chat-regenerate-kept-desktop.png` });
    await context.close();
  });

  it("a message resent after a lost connection runs once and the thread shows its answer", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await register(page, newAccount());
    await say(page, "add buy stamps");

    // The next message reaches the server and runs, but its answer is lost on the way back.
    let cut = true;
    await page.route("**/api/v1/chatkit", async (route) => {
      const body = route.request().postData() ?? "";
      if (cut && body.includes("threads.add_user_message")) {
        cut = false;
        await route.fetch();
        await route.abort("connectionreset");
        return;
      }
      await route.continue();
    });
    await page.getByLabel("Message the assistant").fill("add renew the passport");
    await page.getByRole("button", { name: "Send message" }).click();
    const alert = page.getByRole("alert");
    await alert.getByRole("button", { name: "Retry" }).click();
    await conversation(page).locator(".message-user", { hasText: "add renew the passport" }).waitFor({ timeout: 10_000 });
    await replyFinished(page);

    await taskRow(page, /renew the passport/i).waitFor({ timeout: 5000 });
    expect(await taskRow(page, /renew the passport/i).count()).toBe(1);
    expect(await conversation(page).locator(".message-user", { hasText: "add renew the passport" }).count()).toBe(1);
    expect(await conversation(page).locator(".widget").count()).toBe(2);
    await context.close();
  });
});
