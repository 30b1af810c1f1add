import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RESULTS_DIR, launchBrowser, newAccount, newContext, register, say, taskRow, tasksLive } from "./harness";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** axe-core's serious and critical violations on the page as it is now (WCAG 2.x A and AA rules). */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Violation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return result.violations;
  });
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
}

for (const phone of [false, true]) {
  const device = phone ? "phone" : "desktop";
  describe(`accessibility on the ${device}`, () => {
    it("has no serious or critical axe violations on sign-in, the dashboard and the chat", async () => {
      const context = await newContext(browser, phone);
      const page = await context.newPage();
      await page.goto("/");
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      expect(await seriousViolations(page)).toEqual([]);

      await register(page, newAccount());
      await tasksLive(page).waitFor();
      if (phone) await page.getByRole("button", { name: "Assistant" }).click();
      await say(page, "add buy milk tomorrow");
      await say(page, "show my tasks");
      expect(await seriousViolations(page)).toEqual([]);
      if (phone) {
        await page.getByRole("button", { name: "Tasks", exact: true }).click();
        await taskRow(page, /buy milk/i).waitFor();
        expect(await seriousViolations(page)).toEqual([]);
      }
      await page.screenshot({ path: `${RESULTS_DIR}accessibility-${device}.png` });
      await context.close();
    });
  });
}

describe("keyboard only", () => {
  it("signs in, adds and edits a task, and chats without a mouse, with focus always visible", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const account = newAccount();
    await register(page, account);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();

    const focusVisible = () =>
      page.evaluate(() => {
        const element = document.activeElement as HTMLElement | null;
        if (!element || element === document.body) return false;
        const style = getComputedStyle(element);
        return element.matches(":focus-visible") && (style.boxShadow !== "none" || style.outlineStyle !== "none");
      });

    // Sign in: Tab to the fields, Enter to submit.
    await page.getByLabel("Email").focus();
    await page.keyboard.type(account.email);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).type)).toBe("password");
    await page.keyboard.type(account.password);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Tasks", level: 1 }).waitFor();

    // The first Tab reaches the skip link, which jumps to the content.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    expect(await focusVisible()).toBe(true);

    // Tab order reaches the quick-add field; Enter adds; Escape leaves an edit.
    let steps = 0;
    while (!(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.getAttribute("placeholder") === "Add a task…"))) {
      await page.keyboard.press("Tab");
      expect(await focusVisible()).toBe(true);
      if (++steps > 15) throw new Error("Tab never reached the quick-add field");
    }
    await page.keyboard.type("Water the plants");
    await page.keyboard.press("Enter");
    const row = taskRow(page, /Water the plants/);
    await row.waitFor();
    await row.getByRole("button", { name: /^Edit/ }).focus();
    expect(await focusVisible()).toBe(true);
    await page.keyboard.press("Enter");
    const editor = page.getByRole("form", { name: /^Edit/ });
    await editor.waitFor();
    await page.keyboard.type(" daily");
    await page.keyboard.press("Escape");
    await editor.waitFor({ state: "detached" });
    expect(await row.textContent()).not.toContain("daily");

    // Chat: Enter sends.
    await page.getByLabel("Message the assistant").focus();
    expect(await focusVisible()).toBe(true);
    await page.keyboard.type("add buy milk tomorrow");
    await page.keyboard.press("Enter");
    await taskRow(page, /buy milk/i).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: `${RESULTS_DIR}keyboard-desktop.png` });
    await context.close();
  });
});
