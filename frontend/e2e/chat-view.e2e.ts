import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RESULTS_DIR, apiCreateTask, apiSignIn, launchBrowser, newAccount, newContext, register, replyFinished, say } from "./harness";

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** Pixels between the bottom of the conversation's content and the bottom of its visible area. */
function hiddenBelow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const scroller = document.querySelector(".chat-scroll");
    if (!scroller) throw new Error("no conversation scroller");
    return Math.round(scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight);
  });
}

/** Makes the chat stream trickle in, as on a slow connection, so a reply takes seconds. */
async function slowNetwork(page: Page, bytesPerSecond: number): Promise<() => Promise<void>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: bytesPerSecond,
    uploadThroughput: -1,
  });
  return async () => {
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await cdp.detach();
  };
}

async function fillConversation(page: Page, email: string, password: string): Promise<void> {
  const token = await apiSignIn({ email, password });
  for (const title of ["water the plants", "pay the electricity bill", "call the dentist", "buy stamps", "renew passport", "book flights"]) {
    await apiCreateTask(token, title);
  }
  for (let n = 0; n < 3; n++) await say(page, "show my tasks");
}

for (const phone of [false, true]) {
  const device = phone ? "phone" : "desktop";
  describe(`conversation view on the ${device}`, () => {
    it("follows the reply while the reader is at the bottom", async () => {
      const account = newAccount();
      const context = await newContext(browser, phone);
      const page = await context.newPage();
      await register(page, account);
      if (phone) await page.getByRole("button", { name: "Assistant" }).click();
      await fillConversation(page, account.email, account.password);
      expect(await hiddenBelow(page)).toBeLessThan(48);

      const restore = await slowNetwork(page, 6_000);
      await page.getByLabel("Message the assistant").fill("show my tasks");
      await page.getByRole("button", { name: "Send message" }).click();
      await replyFinished(page);
      await restore();
      const reply = page.locator(".message-assistant").last();
      await reply.waitFor();
      expect(await hiddenBelow(page)).toBeLessThan(48);
      const box = await reply.boundingBox();
      const view = await page.locator(".chat-scroll").boundingBox();
      expect(box && view && box.y + box.height <= view.y + view.height + 1).toBe(true);
      expect(await page.getByRole("button", { name: "New messages" }).count()).toBe(0);
      await page.screenshot({ path: `${RESULTS_DIR}chat-follows-${device}.png` });
      await context.close();
    });

    it("stays where the reader scrolled to and offers a jump to the new messages", async () => {
      const account = newAccount();
      const context = await newContext(browser, phone);
      const page = await context.newPage();
      await register(page, account);
      if (phone) await page.getByRole("button", { name: "Assistant" }).click();
      await fillConversation(page, account.email, account.password);

      const restore = await slowNetwork(page, 1_500);
      await page.getByLabel("Message the assistant").fill("show my tasks");
      await page.getByRole("button", { name: "Send message" }).click();
      await page.locator(".message-user").nth(3).waitFor();
      // The reader scrolls up to read an earlier answer while the reply is still arriving.
      const scroller = page.locator(".chat-scroll");
      const bottom = await scroller.evaluate((element) => element.scrollTop);
      await scroller.hover();
      await page.mouse.wheel(0, -600);
      await page.waitForFunction((from) => (document.querySelector(".chat-scroll")?.scrollTop ?? from) < from - 100, bottom);
      const readingAt = await scroller.evaluate((element) => element.scrollTop);
      await replyFinished(page);
      await restore();
      const jump = page.getByRole("button", { name: "New messages" });
      await jump.waitFor({ timeout: 5000 });
      expect(Math.abs((await scroller.evaluate((element) => element.scrollTop)) - readingAt)).toBeLessThan(2);
      expect(await hiddenBelow(page)).toBeGreaterThan(100);
      await page.screenshot({ path: `${RESULTS_DIR}chat-new-messages-${device}.png` });

      await jump.click();
      await jump.waitFor({ state: "detached" });
      expect(await hiddenBelow(page)).toBeLessThan(48);
      await context.close();
    });
  });
}
