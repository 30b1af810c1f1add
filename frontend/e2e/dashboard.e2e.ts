import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_URL, RESULTS_DIR, apiSignIn, launchBrowser, newAccount, newContext, register, taskRow, type Account } from "./harness";

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

async function createTask(token: string, task: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${BASE_URL}/api/v1/tasks`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(task),
  });
  if (response.status !== 201) throw new Error(`task creation answered ${response.status}: ${await response.text()}`);
}

function isoDay(offset: number): string {
  const day = new Date(Date.now() + offset * 86_400_000);
  return `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, "0")}-${String(day.getDate()).padStart(2, "0")}`;
}

/** Whether a click at the middle of ``control`` would reach it (nothing drawn over it). */
async function reachable(control: Locator): Promise<boolean> {
  await control.scrollIntoViewIfNeeded();
  return control.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return hit !== null && (hit === element || element.contains(hit));
  });
}

async function signedInWithTasks(phone: boolean): Promise<{ page: Page; account: Account }> {
  const account = newAccount();
  const context = await newContext(browser, phone);
  const page = await context.newPage();
  await register(page, account);
  const token = await apiSignIn(account);
  for (let n = 1; n <= 7; n++) await createTask(token, { title: `Errand number ${n}` });
  await createTask(token, {
    title: "Renew the passport before the summer trip to Lisbon",
    due_date: isoDay(-3),
    priority: "high",
    tags: ["travel", "paperwork"],
  });
  await taskRow(page, /Renew the passport/).waitFor({ timeout: 5000 });
  return { page, account };
}

describe("the quick-add form", () => {
  it("forgets 'Give the task a title.' on Escape and folds away when left empty", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await register(page, newAccount());
    const title = page.getByLabel("Task title");
    const form = page.getByRole("form", { name: "New task" });

    await title.click();
    await form.getByText("Due").waitFor();
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.getByRole("alert").getByText("Give the task a title.").waitFor();

    await title.press("Escape");
    await page.getByRole("alert").waitFor({ state: "detached" });
    expect(await form.getByText("Due").count()).toBe(0);

    await title.click();
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.getByRole("alert").getByText("Give the task a title.").waitFor();
    await title.fill("Water the plants");
    expect(await page.getByRole("alert").count()).toBe(0);
    await title.press("Enter");
    await taskRow(page, /Water the plants/).waitFor();
    expect(await page.getByRole("alert").count()).toBe(0);

    // Clicking away from an empty form folds it back to one line.
    await title.click();
    await form.getByText("Due").waitFor();
    await page.getByRole("heading", { name: "Tasks", level: 1 }).click();
    await form.getByText("Due").waitFor({ state: "detached" });
    await context.close();
  });
});

for (const phone of [false, true]) {
  const device = phone ? "phone" : "desktop";
  describe(`the dashboard on the ${device}`, () => {
    it("keeps the last row's buttons clear of notifications, badges on one line, sign-out labelled", async () => {
      const { page } = await signedInWithTasks(phone);
      const rows = page.getByRole("list", { name: "Task list" }).getByRole("listitem");
      await taskRow(page, /Errand number 1$/).getByRole("checkbox").click();
      await page.getByRole("region", { name: "Notifications" }).getByText(/Completed/).waitFor();
      await taskRow(page, /Errand number 2$/).getByRole("checkbox").click();
      await page.getByRole("region", { name: "Notifications" }).getByText(/Errand number 2/).waitFor();
      const last = rows.last();
      await page.locator(".pane-tasks").evaluate((pane) => pane.scrollTo(0, pane.scrollHeight));
      expect(await reachable(last.getByRole("button", { name: /^Delete/ }))).toBe(true);
      expect(await reachable(last.getByRole("button", { name: /^Edit/ }))).toBe(true);

      const badgeLines = await page.locator(".task-meta .badge").evaluateAll((badges) =>
        badges.map((badge) => badge.getBoundingClientRect().height / parseFloat(getComputedStyle(badge).lineHeight)),
      );
      expect(badgeLines.length).toBeGreaterThanOrEqual(2);
      for (const lines of badgeLines) expect(lines).toBeLessThan(1.6);

      const signOut = page.getByRole("button", { name: "Sign out" });
      expect(await signOut.evaluate((button) => (button as HTMLElement).innerText.trim())).toBe("Sign out");
      await page.screenshot({ path: `${RESULTS_DIR}dashboard-toasts-${device}.png` });
      await page.context().close();
    });

    it("edits a long title inline with the whole title in view", async () => {
      const { page } = await signedInWithTasks(phone);
      const row = taskRow(page, /Renew the passport/);
      await row.getByRole("button", { name: /^Edit/ }).click();
      const input = page.getByRole("form", { name: /^Edit/ }).getByLabel("Task title");
      await input.waitFor();
      const cutOff = await input.evaluate((field) => field.scrollWidth > field.clientWidth + 1 || field.scrollHeight > field.clientHeight + 1);
      expect(cutOff).toBe(false);
      expect(await input.inputValue()).toBe("Renew the passport before the summer trip to Lisbon");
      await page.screenshot({ path: `${RESULTS_DIR}dashboard-edit-${device}.png` });

      await input.press("Escape");
      await page.locator(".task.editing").waitFor({ state: "detached" });
      await page.context().close();
    });
  });
}
