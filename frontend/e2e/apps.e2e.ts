import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_URL, RESULTS_DIR, launchBrowser, newAccount, register, replyFinished, taskRow } from "./harness";

/** The second example app of `make up`, served by the same bundle through its own front server. */
const ERRANDS_URL = process.env.E2E_ERRANDS_URL ?? "http://127.0.0.1:8081";

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

async function accent(url: string): Promise<{ name: string; colour: string; greeting: string; suggestions: string[] }> {
  const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await register(page, newAccount());
  const brand = page.locator(".topbar .brand");
  const name = (await brand.textContent())?.trim() ?? "";
  const colour = await page.locator(".topbar .brand-mark").evaluate((mark) => getComputedStyle(mark).backgroundColor);
  const greeting = (await page.locator(".chat-empty-title").textContent())?.trim() ?? "";
  const suggestions = (await page.locator(".chat-empty .chip").allTextContents()).map((text) => text.trim());
  if (url !== BASE_URL) await page.screenshot({ path: `${RESULTS_DIR}errands-app.png` });
  await context.close();
  return { name, colour, greeting, suggestions };
}

describe("several apps on one backend", () => {
  it("the errands app wears its own name, colour and greeting; the tasks app keeps its own", async () => {
    const errands = await accent(ERRANDS_URL);
    const tasks = await accent(BASE_URL);

    expect(errands).toEqual({
      name: "✓Errands",
      colour: "rgb(124, 58, 237)",
      greeting: "Which errand shall I note down?",
      suggestions: ["Add post the parcel tomorrow", "What errands are due this week?", "Show my completed errands"],
    });
    expect(tasks.name).toBe("✓Tasks");
    expect(tasks.colour).not.toBe(errands.colour);
    expect(tasks.greeting).toBe("How can I help with your tasks?");
    expect(tasks.suggestions).toEqual(["Add buy milk tomorrow", "What's due this week?", "Show my completed tasks"]);
  });

  it("an errands suggestion, pressed, is sent and carried out", async () => {
    const context = await browser.newContext({ baseURL: ERRANDS_URL, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await register(page, newAccount());
    await page.locator(".chat-empty").getByRole("button", { name: "Add post the parcel tomorrow" }).click();
    await page.getByRole("log", { name: "Conversation" }).locator(".message-user", { hasText: "Add post the parcel tomorrow" }).waitFor();
    await replyFinished(page);
    await taskRow(page, /post the parcel/i).waitFor();
    await page.screenshot({ path: `${RESULTS_DIR}errands-suggestion-sent.png` });
    await context.close();
  });
});
