import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { expectNoAxeViolations, sql } from "./helpers";

/**
 * The postmortem editor: writing and saving sections, the evidence timeline,
 * action items, comments, revisions, a stale save, and that nothing written
 * anywhere in a postmortem runs script. Each test starts its own stand-alone
 * postmortem through the API, as the signed-in admin, so it depends on no
 * seeded postmortem.
 */

interface TCreated {
  id: number;
  title: string;
}

/** The API answers a cookie-authenticated change only from the portal's own origin (CSRF). */
function origin(page: Page, baseURL: string | undefined): Record<string, string> {
  return { origin: new URL(baseURL ?? page.url()).origin };
}

async function startPostmortem(page: Page, baseURL: string | undefined, title = `Checkout slow burn (e2e ${randomBytes(3).toString("hex")})`): Promise<TCreated> {
  const [team] = await sql<{ id: number }>(`SELECT id FROM "Team" ORDER BY id LIMIT 1`);
  const response = await page.request.post("/api/postmortems", { data: { teamId: team!.id, title }, headers: origin(page, baseURL) });
  expect(response.status(), await response.text()).toBe(201);
  const { id } = (await response.json()) as { id: number };
  return { id, title };
}

async function addEntry(page: Page, baseURL: string | undefined, id: number, at: string, text: string, isStarred = false) {
  const response = await page.request.post(`/api/postmortems/${id}/timeline`, { data: { at, text, isStarred }, headers: origin(page, baseURL) });
  expect(response.status(), await response.text()).toBe(201);
}

test("a postmortem is written: a section saved with Ctrl+S and compared with its last version, an entry starred and one added by hand, an action item added and won't-do, a comment", async ({ page, baseURL }) => {
  const pm = await startPostmortem(page, baseURL);
  await addEntry(page, baseURL, pm.id, "2026-11-20T09:58:00Z", "Latency alarm on checkout went off");
  await addEntry(page, baseURL, pm.id, "2026-11-20T10:04:30Z", "Rolled back the release");

  await page.goto(`/postmortems/${pm.id}`);
  await expect(page.getByRole("heading", { level: 1, name: pm.title })).toBeVisible();
  await expect(page.getByText("Draft", { exact: true })).toBeVisible();
  await expectNoAxeViolations(page);

  // A section, written and saved from the keyboard; the preview renders the Markdown as it is typed.
  const summary = page.getByRole("region", { name: "Summary" });
  await summary.getByRole("button", { name: "Write Summary" }).click();
  const editor = summary.getByRole("textbox", { name: "Summary (Markdown)" });
  await editor.fill("Checkout was **slow** for 40 minutes.\n\n- p99 above 2 s");
  await expect(summary.locator("strong", { hasText: "slow" }).first()).toBeVisible();
  await expect(summary.getByText("unsaved changes")).toBeVisible();
  await editor.press("ControlOrMeta+s");
  await expect(summary.getByRole("status")).toHaveText("Saved (version 1).");
  await expect(summary.getByText("unsaved changes")).toHaveCount(0);

  // A second version, then the line diff between the two.
  await editor.fill("Checkout was **slow** for 40 minutes.\n\n- p99 above 2 s\n- 3 % of orders failed");
  await summary.getByRole("button", { name: "Save Summary" }).click();
  await expect(summary.getByRole("status")).toHaveText("Saved (version 2).");
  await summary.getByText("History (2 versions)").click();
  const changes = summary.getByRole("region", { name: "Changes from version 1 to version 2" });
  await expect(changes).toContainText("1 line added, 0 removed");
  await expect(changes.locator("ins")).toHaveText(/3 % of orders failed/);

  await page.reload();
  await expect(summary.locator("li", { hasText: "3 % of orders failed" })).toBeVisible();
  await expect(summary.getByText(/^Saved by Sam Sso at/)).toBeVisible();

  // The timeline: nothing starred yet, so every entry shows; star one, and the document shows it alone.
  const timeline = page.getByRole("list", { name: "Evidence timeline, oldest first" });
  await expect(page.getByRole("checkbox", { name: "Starred only" })).not.toBeChecked();
  await expect(timeline.getByRole("listitem")).toHaveCount(2);
  const alarm = timeline.getByRole("listitem").filter({ hasText: "Latency alarm on checkout went off" });
  await expect(alarm).toContainText("2026-11-20 09:58:00 UTC");
  await alarm.getByRole("button", { name: "Star" }).click();
  await expect(alarm.getByRole("button", { name: "Star" })).toHaveAttribute("aria-pressed", "true");
  await page.reload();
  await expect(page.getByRole("checkbox", { name: "Starred only" })).toBeChecked();
  await expect(timeline.getByRole("listitem")).toHaveCount(1);
  await page.getByRole("checkbox", { name: "Starred only" }).uncheck();
  await expect(timeline.getByRole("listitem")).toHaveCount(2);

  // Hide one: it folds under "1 hidden".
  await timeline.getByRole("listitem").filter({ hasText: "Rolled back the release" }).getByRole("button", { name: "Hide" }).click();
  await expect(page.getByText("1 hidden")).toBeVisible();

  // An entry added by hand, starred by default.
  await page.getByRole("button", { name: "Add an entry by hand" }).click();
  const add = page.getByRole("form", { name: "Add a timeline entry" });
  await add.getByLabel("Time (UTC)").fill("2026-11-20T10:01:00");
  await add.getByLabel("What happened").fill("Support reported failed payments");
  await add.getByRole("button", { name: "Add entry" }).click();
  const added = timeline.getByRole("listitem").filter({ hasText: "Support reported failed payments" });
  await expect(added).toContainText("Added by hand");
  await expect(added.getByRole("button", { name: "Star" })).toHaveAttribute("aria-pressed", "true");

  // An action item: its due date defaults from the priority.
  const form = page.getByRole("form", { name: "Add an action item" });
  const title = `Alarm on checkout p99 (${randomBytes(2).toString("hex")})`;
  await form.getByLabel("New action item").fill(title);
  await form.getByLabel("Type").selectOption("DETECT");
  await form.getByLabel("Priority").selectOption("P1");
  await expect(form.getByText(/7 days for P1/)).toBeVisible();
  await form.getByLabel("Ticket link (optional)").fill("https://tickets.example.com/OPS-12");
  await form.getByRole("button", { name: "Add action item" }).click();
  const items = page.getByRole("table", { name: "Action items" });
  const row = items.getByRole("row").filter({ hasText: title });
  const due = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) + 7 * 86_400_000).toISOString().slice(0, 10);
  await expect(row).toContainText(due);
  await expect(row).toContainText("Detect");
  await expect(row.getByRole("link", { name: "tickets.example.com/OPS-12" })).toHaveAttribute("rel", "noopener noreferrer");

  // Won't do asks why.
  await row.getByRole("button", { name: `Edit ${title}` }).click();
  await items.getByLabel(`Status of “${title}”`).selectOption("WONT_DO");
  await items.getByLabel(`Why “${title}” will not be done`).fill("Covered by the new SLO alarm");
  await items.getByRole("button", { name: "Save" }).click();
  await expect(items.getByRole("row").filter({ hasText: title })).toContainText("Won't do: Covered by the new SLO alarm");

  // A milestone set by hand, then back to what the evidence says (nothing, for a postmortem without an incident).
  const milestones = page.getByRole("list", { name: "Milestones" });
  const impact = milestones.getByRole("listitem").filter({ hasText: "Impact started" });
  await expect(impact).toContainText("Unknown");
  await impact.getByRole("button", { name: "Set by hand for impact started" }).click();
  await impact.getByLabel("Impact started (UTC)").fill("2026-11-20T09:55:00");
  await impact.getByRole("button", { name: "Save" }).click();
  await expect(impact).toContainText("2026-11-20 09:55:00 UTC");
  await expect(impact).toContainText("Basis: set by hand");
  await impact.getByRole("button", { name: "Use the derived time for impact started" }).click();
  await expect(impact).toContainText("Unknown");

  // The analysis section: contributing factors or five whys.
  const analysis = page.getByRole("region", { name: "Contributing factors" });
  await analysis.getByRole("button", { name: "Write Contributing factors" }).click();
  await analysis.getByLabel("Analysis style").selectOption("FIVE_WHYS");
  await expect(page.getByRole("heading", { level: 2, name: "Five whys" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Five whys" })).toContainText("Ask why the problem happened");

  // A comment on a section.
  await summary.getByText("Comments (0)").click();
  await summary.getByLabel("Comment on Summary", { exact: true }).fill("Can we say how many customers?");
  await summary.getByRole("button", { name: "Add comment" }).click();
  await expect(summary.getByRole("list", { name: "Comments on Summary" })).toContainText("Can we say how many customers?");

  await expectNoAxeViolations(page);
  await page.emulateMedia({ colorScheme: "dark" });
  await page.reload();
  await expect(page.locator("html")).toHaveClass(/dark/);
  await expectNoAxeViolations(page);

  // A phone: the page never scrolls sideways (tables scroll in their own box).
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: pm.title })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

test("a postmortem is started from its incident's page, or stand-alone for a team", async ({ page }) => {
  const [incident] = await sql<{ id: number; title: string }>(
    `SELECT i.id, i.title FROM "Incident" i WHERE i.status = 'RESOLVED' AND NOT EXISTS (SELECT 1 FROM "Postmortem" p WHERE p."incidentId" = i.id) ORDER BY i.id DESC LIMIT 1`,
  );
  await page.goto(`/incidents/${incident!.id}`);
  await page.getByRole("link", { name: "Write a postmortem" }).click();
  await expect(page).toHaveURL(new RegExp(`/postmortems/new\\?incident=${incident!.id}$`));
  await expect(page.getByRole("heading", { level: 1, name: "Start a postmortem" })).toBeVisible();
  await expect(page.getByLabel("Incident", { exact: true })).toHaveValue(String(incident!.id));
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Start the postmortem" }).click();
  await expect(page).toHaveURL(/\/postmortems\/\d+$/);
  await expect(page.getByRole("heading", { level: 1, name: incident!.title })).toBeVisible();
  await expect(page.getByRole("link", { name: `#${incident!.id} ${incident!.title}` })).toBeVisible();
  const postmortemUrl = new URL(page.url()).pathname;

  // The incident links to it now, and asking again for a new one says where it is.
  await page.goto(`/incidents/${incident!.id}`);
  await expect(page.getByRole("link", { name: /^Postmortem #\d+$/ })).toHaveAttribute("href", postmortemUrl);
  await page.goto(`/postmortems/new?incident=${incident!.id}`);
  await expect(page.getByRole("note")).toContainText("already has a postmortem");

  await page.getByLabel(/Stand-alone/).check();
  const title = `Slow burn on the ledger (e2e ${randomBytes(2).toString("hex")})`;
  await page.getByLabel("Title", { exact: true }).fill(title);
  await page.getByRole("button", { name: "Start the postmortem" }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(page.getByText("Stand-alone: not written for an incident.")).toBeVisible();
  await expect(page.getByText("No incident: there is no evidence window to draft from.", { exact: false })).toBeVisible();
  await expect(page.getByText("No evidence in the window: widen it or add entries by hand")).toBeVisible();
});

test("a stale save shows their text beside yours: keep yours over theirs, or take theirs; nothing is lost silently", async ({ page, baseURL }) => {
  const pm = await startPostmortem(page, baseURL);
  const other = await page.context().newPage();
  await page.goto(`/postmortems/${pm.id}`);
  await other.goto(`/postmortems/${pm.id}`);

  const mine = page.getByRole("region", { name: "Summary" });
  const theirs = other.getByRole("region", { name: "Summary" });
  await mine.getByRole("button", { name: "Write Summary" }).click();
  await theirs.getByRole("button", { name: "Write Summary" }).click();
  await theirs.getByRole("textbox", { name: "Summary (Markdown)" }).fill("Their summary: the cache expired.");
  await theirs.getByRole("button", { name: "Save Summary" }).click();
  await expect(theirs.getByRole("status")).toHaveText("Saved (version 1).");

  await mine.getByRole("textbox", { name: "Summary (Markdown)" }).fill("My summary: a config push.");
  await mine.getByRole("button", { name: "Save Summary" }).click();
  const conflict = mine.getByRole("alert");
  await expect(conflict).toContainText("Sam Sso saved this section");
  await expect(conflict.getByRole("figure", { name: "Their text (version 1)" })).toContainText("Their summary: the cache expired.");
  await expect(conflict.getByRole("figure", { name: "Your text" })).toContainText("My summary: a config push.");
  await expectNoAxeViolations(page);
  await conflict.getByRole("button", { name: "Keep mine (save over theirs)" }).click();
  await expect(mine.getByRole("status")).toHaveText("Saved (version 2).");
  await other.reload();
  await expect(theirs).toContainText("My summary: a config push.");

  // The other way: take theirs, and the editor holds their text, nothing unsaved.
  const impactMine = page.getByRole("region", { name: "Impact" });
  const impactTheirs = other.getByRole("region", { name: "Impact" });
  await impactMine.getByRole("button", { name: "Write Impact" }).click();
  await impactTheirs.getByRole("button", { name: "Write Impact" }).click();
  await impactTheirs.getByRole("textbox", { name: "Impact (Markdown)" }).fill("1,200 failed orders.");
  await impactTheirs.getByRole("button", { name: "Save Impact" }).click();
  await expect(impactTheirs.getByRole("status")).toHaveText("Saved (version 1).");
  await impactMine.getByRole("textbox", { name: "Impact (Markdown)" }).fill("Some orders failed.");
  await impactMine.getByRole("button", { name: "Save Impact" }).click();
  await impactMine.getByRole("alert").getByRole("button", { name: "Use theirs" }).click();
  await expect(impactMine.getByRole("textbox", { name: "Impact (Markdown)" })).toHaveValue("1,200 failed orders.");
  await expect(impactMine.getByText("unsaved changes")).toHaveCount(0);

  // Unsaved text asks before the page is left.
  await impactMine.getByRole("textbox", { name: "Impact (Markdown)" }).fill("1,200 failed orders, 40 minutes.");
  await expect(impactMine.getByText("unsaved changes")).toBeVisible();
  const asked = new Promise<string>((resolve) => page.once("dialog", (dialog) => void dialog.dismiss().then(() => resolve(dialog.type()))));
  await page.close({ runBeforeUnload: true });
  expect(await asked).toBe("beforeunload");
  await other.close();
});

const XSS = [
  "<script>alert(1)</script>",
  "<script>window.__xss=1</script>",
  "[x](javascript:alert(1))",
  "[y](javascript:window.__xss=1)",
  "[x](data:text/html,<script>alert(1)</script>)",
  "<svg onload=alert(1)>",
  "<svg onload=window.__xss=1>",
  "<img src=x onerror=alert(1)>",
  "<img src=x onerror=window.__xss=1>",
  "![x](javascript:alert(1))",
  "![z](https://example.com/pixel.png)",
  "<a href=\"javascript:window.__xss=1\">a</a>",
];

test("nothing written in a postmortem runs script: section, comment, timeline entry, action item, ticket link and title", async ({ page, baseURL }) => {
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const payload = XSS.join("\n\n");
  const line = XSS.join(" ");
  const pm = await startPostmortem(page, baseURL, `Title ${XSS[0]} ${XSS[7]}`);
  const headers = origin(page, baseURL);

  // Through the API: a comment, a timeline entry, an action item (a javascript: ticket link is refused), the title.
  expect((await page.request.post(`/api/postmortems/${pm.id}/comments`, { data: { body: payload }, headers })).status()).toBe(201);
  await addEntry(page, baseURL, pm.id, "2026-11-20T10:00:00Z", line, true);
  const refused = await page.request.post(`/api/postmortems/${pm.id}/action-items`, { data: { title: "bad link", ticketUrl: "javascript:window.__xss=1" }, headers });
  expect(refused.status()).toBe(400);
  const created = await page.request.post(`/api/postmortems/${pm.id}/action-items`, { data: { title: line.slice(0, 200), ticketUrl: "https://tickets.example.com/1" }, headers });
  expect(created.status()).toBe(201);
  const view = (await (await page.request.get(`/api/postmortems/${pm.id}`)).json()) as { version: number };
  expect((await page.request.patch(`/api/postmortems/${pm.id}`, { data: { version: view.version, title: `${line}`.slice(0, 200) }, headers })).status()).toBe(200);
  // Rows written before the schemas refused such links, or links from elsewhere, are stored as they are: the page must not link them.
  await sql(`UPDATE "ActionItem" SET "ticketUrl" = $1 WHERE "postmortemId" = $2`, ["javascript:window.__xss=1", pm.id]);
  await sql(`UPDATE "PostmortemTimelineEntry" SET "portalUrl" = $1, "consoleUrl" = $2 WHERE "postmortemId" = $3`, ["javascript:window.__xss=1", "data:text/html,<script>window.__xss=1</script>", pm.id]);

  // Through the editor: the section, with its live preview rendering every payload while it is typed.
  await page.goto(`/postmortems/${pm.id}`);
  const summary = page.getByRole("region", { name: "Summary" });
  await summary.getByRole("button", { name: "Write Summary" }).click();
  await summary.getByRole("textbox", { name: "Summary (Markdown)" }).fill(payload);
  await summary.getByRole("button", { name: "Save Summary" }).click();
  await expect(summary.getByRole("status")).toHaveText("Saved (version 1).");
  await page.getByRole("button", { name: "Add an entry by hand" }).click();
  await page.getByRole("form", { name: "Add a timeline entry" }).getByLabel("What happened").fill(XSS[5]!);
  await page.getByRole("form", { name: "Add a timeline entry" }).getByRole("button", { name: "Add entry" }).click();
  await expect(page.getByRole("list", { name: "Evidence timeline, oldest first" }).getByRole("listitem")).toHaveCount(2);

  await page.reload();
  const doc = page.locator("[data-postmortem-doc]");
  // The payloads are shown as the text they are.
  await expect(summary).toContainText("<script>alert(1)</script>");
  await expect(summary).toContainText("<img src=x onerror=alert(1)>");
  await expect(summary).toContainText("[image: x]");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("<script>alert(1)</script>");
  await expect(page.getByRole("table", { name: "Action items" })).toContainText("<svg onload=alert(1)>");
  await expect(page.getByRole("list", { name: "Comments on the whole postmortem" })).toContainText("<img src=x onerror=window.__xss=1>");
  // …and nothing of them is live.
  await expect(doc.locator("script, svg[onload], img, iframe, object, embed, [onerror], [onload]")).toHaveCount(0);
  await expect(doc.locator('[href^="javascript:" i], [href^="data:" i], [src^="javascript:" i], [src^="data:" i]')).toHaveCount(0);
  await expect(page.locator('[href^="javascript:" i], [href^="data:" i]')).toHaveCount(0);
  // The links that survive are http(s) and open safely.
  for (const href of await doc.locator("a[href]").evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""))) {
    expect(href).toMatch(/^(https?:|mailto:|\/(?!\/))/);
  }

  // The editor's preview renders the payloads again: still nothing runs.
  await summary.getByRole("button", { name: "Edit Summary" }).click();
  await expect(summary.getByRole("textbox", { name: "Summary (Markdown)" })).toHaveValue(payload);
  await expect(doc.locator('script, img, [onerror], [onload], [href^="javascript:" i], [href^="data:" i]')).toHaveCount(0);
  await page.waitForTimeout(500);
  expect(dialogs).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
});
