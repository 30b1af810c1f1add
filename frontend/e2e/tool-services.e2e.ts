import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_URL, RESULTS_DIR, apiSignIn, launchBrowser, newAccount, newContext, register, say, taskRow } from "./harness";

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

async function configuredServices(token: string): Promise<string[]> {
  const response = await fetch(`${BASE_URL}/api/v1/tool-services`, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`tool services answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { services: { name: string }[] }).services.map((service) => service.name);
}

describe("a second tool service (notes) beside the tasks", () => {
  it("one sentence adds a task and saves a note; both show in the dashboard, the note through the generic section", async () => {
    const account = newAccount();
    const context = await newContext(browser);
    const page = await context.newPage();
    await register(page, account);
    expect(await configuredServices(await apiSignIn(account))).toContain("notes");

    const section = page.getByRole("region", { name: "Notes" });
    await section.getByText("No notes yet.").waitFor();
    await say(page, "add a task to call Ana and save her number 600 123 456 in my notes");

    const log = page.getByRole("log", { name: "Conversation" });
    await log.getByText("Added “Call Ana” to your tasks. Saved the note “Ana's number”.").waitFor();
    await taskRow(page, /Call Ana/).waitFor();
    const note = section.getByRole("list", { name: "Notes list" }).getByRole("listitem").filter({ hasText: "Ana's number" });
    await note.waitFor();
    await expect(note.textContent()).resolves.toContain("600 123 456");
    await page.screenshot({ path: `${RESULTS_DIR}/tool-services-desktop.png`, fullPage: true });

    await say(page, "pin the note about Ana");
    await note.getByText("Pinned").waitFor();
    await section.getByRole("status").getByText("Live").waitFor();
    await page.screenshot({ path: `${RESULTS_DIR}/tool-services-pinned.png`, fullPage: true });
    await context.close();
  });
});
