import { createHmac, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { expect, test, type APIRequestContext, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { expectNoAxeViolations, sql } from "./helpers";

/**
 * Postmortems as a team lives them: an incident resolves, its draft appears,
 * a member writes it, an approver (another person) asks for a change and then
 * approves, it is published, found and exported; the rules that decide which
 * incidents need one; the editor's guards; and the reminders of a person's
 * own action items. Each test makes its own team, service, people and
 * incidents through the portal's API (as the signed-in admin), so it touches
 * none of the demo organisation's postmortems.
 */

/** The secret the e2e server signs session cookies with (playwright.config.ts). */
const AUTH_SECRET = "e2e-only-secret-that-is-long-enough-0123456789";

interface TTeam {
  slug: string;
  name: string;
  service: string;
  serviceName: string;
  member: string;
  approver: string;
}

/** The API answers a cookie-authenticated change only from the portal's own origin (CSRF). */
function originOf(baseURL: string | undefined): Record<string, string> {
  return { origin: new URL(baseURL!).origin };
}

function unique(): string {
  return randomBytes(3).toString("hex");
}

/** A team with one service, a member and an approver (new people, by email), made through the API. */
async function makeTeam(request: APIRequestContext, baseURL: string | undefined): Promise<TTeam> {
  const id = unique();
  const team: TTeam = {
    slug: `pm-flow-${id}`,
    name: `Flow ${id}`,
    service: `pm-flow-svc-${id}`,
    serviceName: `Flow service ${id}`,
    member: `pm-member-${id}@example.com`,
    approver: `pm-approver-${id}@example.com`,
  };
  const yaml = [
    "apiVersion: backstage.io/v1alpha1",
    "kind: Group",
    "metadata:",
    `  name: ${team.slug}`,
    "spec:",
    "  type: team",
    "  profile:",
    `    displayName: ${team.name}`,
    "  children: []",
    "---",
    "apiVersion: backstage.io/v1alpha1",
    "kind: Component",
    "metadata:",
    `  name: ${team.service}`,
    `  title: ${team.serviceName}`,
    "spec:",
    "  type: service",
    "  lifecycle: production",
    `  owner: group:default/${team.slug}`,
    "",
  ].join("\n");
  const imported = await request.post("/api/catalog/import", { data: yaml, headers: { ...originOf(baseURL), "content-type": "application/yaml", "x-catalog-source": "e2e" } });
  expect(imported.status(), await imported.text()).toBe(200);
  for (const [email, role] of [
    [team.member, "MEMBER"],
    [team.approver, "APPROVER"],
  ] as const) {
    const added = await request.put(`/api/teams/${team.slug}/members`, { data: { email, role }, headers: originOf(baseURL) });
    expect(added.status(), await added.text()).toBe(200);
  }
  return team;
}

/** An incident of the team's service, recorded as an incident tool would; resolved only if `resolvedAt` is given. */
async function recordIncident(
  request: APIRequestContext,
  baseURL: string | undefined,
  team: TTeam,
  { severity, title, resolvedAt }: { severity: "SEV1" | "SEV2" | "SEV3"; title: string; resolvedAt?: Date },
): Promise<number> {
  const openedAt = new Date(Date.now() - 50 * 60_000);
  const response = await request.post("/api/incidents", {
    data: { service: team.service, title, severity, openedAt: openedAt.toISOString(), ...(resolvedAt ? { resolvedAt: resolvedAt.toISOString() } : {}), source: "e2e", externalId: `e2e-${unique()}` },
    headers: originOf(baseURL),
  });
  expect(response.status(), await response.text()).toBe(201);
  const { incidents } = (await response.json()) as { incidents: { id: number }[] };
  return incidents[0]!.id;
}

/**
 * A browser signed in as someone else: a session row for them, in a cookie
 * signed as better-auth signs it, like the admin's from the setup project
 * (the same way e2e/dora.spec.ts signs in the executive).
 */
async function signedInAs(browser: Browser, baseURL: string | undefined, email: string): Promise<BrowserContext> {
  const [user] = await sql<{ id: number }>(`SELECT id FROM "User" WHERE email = $1`, [email]);
  const token = randomBytes(24).toString("base64url");
  await sql(`INSERT INTO "Session" (token, "userId", "expiresAt", "createdAt", "updatedAt") VALUES ($1, $2, now() + interval '1 hour', now(), now())`, [token, user!.id]);
  const signature = createHmac("sha256", AUTH_SECRET).update(token).digest("base64");
  const admin = JSON.parse(await readFile("e2e/.auth/admin.json", "utf8")) as {
    cookies: { name: string; domain: string; path: string; secure: boolean; httpOnly: boolean; sameSite: "Lax" | "Strict" | "None" }[];
  };
  const session = admin.cookies.find((c) => c.name.endsWith("session_token"))!;
  const context = await browser.newContext({ baseURL });
  await context.addCookies([{ ...session, value: encodeURIComponent(`${token}.${signature}`), expires: -1 }]);
  return context;
}

/** A word of letters only, so that full-text search finds it as it is. */
function uniqueWord(): string {
  return `quokka${[...unique()].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join("")}`;
}

async function writeSection(page: Page, title: string, text: string, expectedVersion: number) {
  const section = page.getByRole("region", { name: title, exact: true });
  await section.getByRole("button", { name: new RegExp(`^(Write|Edit) ${title}$`) }).click();
  await section.getByRole("textbox", { name: `${title} (Markdown)` }).fill(text);
  await section.getByRole("button", { name: `Save ${title}` }).click();
  await expect(section.getByRole("status")).toHaveText(`Saved (version ${expectedVersion}).`);
}

async function expectAxeLightAndDark(page: Page) {
  await page.emulateMedia({ colorScheme: "light" });
  await page.reload();
  await expect(page.locator("html")).not.toHaveClass(/dark/);
  await expectNoAxeViolations(page);
  await page.emulateMedia({ colorScheme: "dark" });
  await page.reload();
  await expect(page.locator("html")).toHaveClass(/dark/);
  await expectNoAxeViolations(page);
  await page.emulateMedia({ colorScheme: "light" });
}

test("a SEV2 resolves, its draft is written, sent back once, approved by another person, published, found and exported", async ({ page, browser, baseURL }) => {
  // Three people and a dozen page loads: minutes on a busy machine.
  test.setTimeout(420_000);
  const team = await makeTeam(page.request, baseURL);
  const word = uniqueWord();
  const incidentTitle = `Card payments refused (e2e ${unique()})`;
  const incidentId = await recordIncident(page.request, baseURL, team, { severity: "SEV2", title: incidentTitle });

  const memberContext = await signedInAs(browser, baseURL, team.member);
  const approverContext = await signedInAs(browser, baseURL, team.approver);
  const member = await memberContext.newPage();
  const approver = await approverContext.newPage();

  // The member resolves the incident on its page; the rules (SEV2 by default) start a draft, shown on the incident.
  await member.goto(`/incidents/${incidentId}`);
  await expect(member.getByText("No postmortem yet.")).toBeVisible();
  await member.getByRole("button", { name: "Resolve", exact: true }).click();
  const postmortemLink = member.getByRole("link", { name: /^Postmortem #\d+$/ });
  await expect(postmortemLink).toBeVisible();
  const href = (await postmortemLink.getAttribute("href"))!;
  expect(href).toMatch(/^\/postmortems\/\d+$/);
  await expect(member.getByText("Draft", { exact: true })).toBeVisible({ timeout: 20_000 });

  // …and on the list of postmortems, drafted by Portside.
  await member.goto(`/postmortems?team=${team.slug}`);
  const listed = member.getByRole("row").filter({ hasText: incidentTitle });
  await expect(listed).toContainText("drafted by Portside");
  await expect(listed).toContainText("Draft");
  await listed.getByRole("link", { name: incidentTitle }).click();
  await expect(member).toHaveURL(new RegExp(`${href}$`));
  // Its first view drafts the evidence timeline, which can take a while on a busy machine.
  await expect(member.getByRole("heading", { level: 1, name: incidentTitle })).toBeVisible({ timeout: 30_000 });

  // The member writes it.
  await writeSection(member, "Summary", `Card payments were refused for 50 minutes (${word}).`, 1);
  await writeSection(member, "Impact", "Some customers could not pay.", 1);

  // The evidence timeline was drafted from the incident: star the oldest entry (the incident opening).
  const timeline = member.getByRole("list", { name: "Evidence timeline, oldest first" });
  await expect(timeline.getByRole("listitem").first()).toBeVisible();
  const opened = timeline.getByRole("listitem").first();
  await opened.getByRole("button", { name: "Star" }).click();
  await expect(opened.getByRole("button", { name: "Star" })).toHaveAttribute("aria-pressed", "true");

  // Two action items: one the member owns.
  const itemTitle = `Retry card authorisations once (${word})`;
  const form = member.getByRole("form", { name: "Add an action item" });
  await form.getByLabel("New action item").fill(itemTitle);
  await form.getByLabel("Owner").selectOption({ label: team.member.split("@")[0]! });
  await form.getByLabel("Type").selectOption("MITIGATE");
  await form.getByLabel("Priority").selectOption("P2");
  await form.getByRole("button", { name: "Add action item" }).click();
  const items = member.getByRole("table", { name: "Action items" });
  await expect(items.getByRole("row").filter({ hasText: itemTitle })).toContainText(team.member.split("@")[0]!);
  await form.getByLabel("New action item").fill("Alarm on refused card payments");
  await form.getByLabel("Type").selectOption("DETECT");
  await form.getByRole("button", { name: "Add action item" }).click();
  await expect(items.getByRole("row").filter({ hasText: "Alarm on refused card payments" })).toBeVisible();

  // Sent for review: the member has nothing more to do than withdraw it.
  await member.getByRole("group", { name: "Review" }).getByRole("button", { name: "Send for review" }).click();
  await expect(member.getByText("In review", { exact: true }).first()).toBeVisible({ timeout: 20_000 });
  await expect(member.getByRole("group", { name: "Review" }).getByRole("button", { name: "Approve" })).toHaveCount(0);

  // The approver, at the review step: the page passes axe in light and dark.
  await approver.goto(href);
  await expect(approver.getByRole("heading", { level: 1, name: incidentTitle })).toBeVisible();
  await expect(approver.getByRole("group", { name: "Review" }).getByRole("button", { name: "Approve" })).toBeVisible();
  await expectAxeLightAndDark(approver);

  // …asks for a change, with a comment.
  await approver.getByRole("group", { name: "Review" }).getByRole("button", { name: "Request changes" }).click();
  const ask = approver.getByRole("form", { name: "Request changes" });
  await ask.getByLabel("What should change").fill("Say how many payments failed, in numbers.");
  await ask.getByRole("button", { name: "Request changes" }).click();
  await expect(approver.getByText("Draft", { exact: true })).toBeVisible({ timeout: 20_000 });

  // The member sees the request, changes the impact and sends it again.
  await member.reload();
  const note = member.getByRole("note").filter({ hasText: "Changes requested by" });
  await expect(note).toContainText(team.approver.split("@")[0]!);
  await expect(note).toContainText("Say how many payments failed, in numbers.");
  await writeSection(member, "Impact", "1,240 card payments failed (3 % of all payments in the window).", 2);
  await member.getByRole("group", { name: "Review" }).getByRole("button", { name: "Send for review" }).click();
  await expect(member.getByText("In review", { exact: true }).first()).toBeVisible({ timeout: 20_000 });

  // The approver approves with a sign-off.
  await approver.reload();
  await approver.getByRole("group", { name: "Review" }).getByRole("button", { name: "Approve" }).click();
  const signOff = approver.getByRole("form", { name: "Approve" });
  await signOff.getByLabel("Sign-off comment (optional)").fill("Clear and blameless. Thank you.");
  await signOff.getByRole("button", { name: "Approve" }).click();
  await expect(approver.getByText("Approved", { exact: true }).first()).toBeVisible({ timeout: 20_000 });

  // The member publishes it; approval froze the text.
  await member.reload();
  await expect(member.getByRole("button", { name: "Edit Summary" })).toHaveCount(0);
  await member.getByRole("group", { name: "Review" }).getByRole("button", { name: "Publish" }).click();
  await expect(member.getByText("Published", { exact: true }).first()).toBeVisible({ timeout: 20_000 });
  await expect(member.getByRole("definition").filter({ hasText: team.approver.split("@")[0]! })).toContainText(/^pm-approver-\w+ on /);

  // Found by the search on /postmortems.
  await member.goto("/postmortems");
  const search = member.getByRole("form", { name: "Search and filter postmortems" });
  await search.getByRole("searchbox", { name: "Search" }).fill(word);
  await search.getByRole("button", { name: "Apply" }).click();
  await expect(member).toHaveURL(new RegExp(`[?&]q=${word}`));
  const results = member.getByRole("table", { name: new RegExp(`Postmortems matching “${word}”`) });
  await expect(results.getByRole("row")).toHaveCount(2);
  await expect(results.getByRole("link", { name: incidentTitle })).toBeVisible();
  await expect(results).toContainText("Published");

  // Exported as Markdown: the document, the starred evidence alone, sorted, and the action items.
  await results.getByRole("link", { name: incidentTitle }).click();
  const [download] = await Promise.all([member.waitForEvent("download"), member.getByRole("link", { name: "Export Markdown" }).click()]);
  expect(download.suggestedFilename()).toMatch(/\.md$/);
  const markdown = await readFile((await download.path())!, "utf8");
  expect(markdown).toContain(`# ${incidentTitle.replace(/[()]/g, (c) => `\\${c}`)}`);
  expect(markdown).toContain(`## Summary\n\nCard payments were refused for 50 minutes (${word}).`);
  expect(markdown).toContain("## Impact\n\n1,240 card payments failed (3 % of all payments in the window).");
  const timelineRows = markdown.split("## Timeline")[1]!.split("\n## ")[0]!.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| Time") && !line.startsWith("| ---"));
  expect(timelineRows).toHaveLength(1);
  expect(timelineRows[0]).toMatch(/^\| \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC \| incident \| /);
  expect(timelineRows[0]).toContain(`Opened as SEV2: ${incidentTitle.replace(/[()]/g, (c) => `\\${c}`)}`);
  expect(markdown).toContain(`| ${itemTitle.replace(/[()]/g, (c) => `\\${c}`)} |`);
  expect(markdown).toContain("Alarm on refused card payments");

  await memberContext.close();
  await approverContext.close();
});

test("the rules page: a team's own rule makes a SEV3 draft one; a refused save says why; people without the permission read it", async ({ page, browser, baseURL }) => {
  const team = await makeTeam(page.request, baseURL);

  // Reached from the postmortems page, and a tab of the settings.
  await page.goto("/postmortems");
  await page.getByRole("link", { name: "Rules", exact: true }).click();
  await expect(page).toHaveURL(/\/settings\/postmortems$/);
  await expect(page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Postmortem rules" })).toHaveAttribute("aria-current", "page");
  const organisation = page.getByRole("form", { name: "The organisation's rule" });
  await expect(organisation.getByRole("checkbox", { name: /^SEV1/ })).toBeChecked();
  await expect(organisation.getByRole("checkbox", { name: /^SEV2/ })).toBeChecked();
  await expect(organisation.getByRole("button", { name: "Save the organisation's rule" })).toBeDisabled();

  // The new team follows the organisation: a resolved SEV3 needs no postmortem.
  const rules = page.getByRole("table", { name: "Which incidents require a postmortem, by team" });
  await page.getByLabel("Find a team").fill(team.slug);
  const row = rules.getByRole("row", { name: new RegExp(team.name) });
  await expect(row).toContainText("follows the organisation");
  const before = await recordIncident(page.request, baseURL, team, { severity: "SEV3", title: `Slow search (e2e ${unique()})`, resolvedAt: new Date(Date.now() - 60_000) });
  await page.goto(`/incidents/${before}`);
  await expect(page.getByText("No postmortem yet.")).toBeVisible();

  // A save the API refuses (here: the team is gone by the time it is saved) shows the reason, and changes nothing.
  await page.goto("/settings/postmortems");
  await page.getByLabel("Find a team").fill(team.slug);
  await page.getByRole("button", { name: `Change the rule for ${team.name}` }).click();
  let ruleForm = page.getByRole("form", { name: `Rule for ${team.name}` });
  await ruleForm.getByRole("radio", { name: "Its own rule" }).check();
  await ruleForm.getByRole("checkbox", { name: /^SEV3/ }).check();
  await page.route("**/api/postmortem-rules", async (route) => {
    const body = route.request().postDataJSON() as Record<string, unknown>;
    await route.continue({ postData: JSON.stringify({ ...body, teamId: 2_000_000_000 }) });
  });
  await ruleForm.getByRole("button", { name: "Save rule" }).click();
  await expect(ruleForm.getByRole("alert")).toContainText("teamId: no team with id 2000000000");
  await page.unroute("**/api/postmortem-rules");

  // The team's own rule: SEV1 to SEV3.
  await ruleForm.getByRole("button", { name: "Save rule" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved:" })).toHaveText(`Saved: ${team.name} requires a postmortem for SEV1, SEV2 and SEV3.`);
  await expect(row).toContainText("Own rule");
  await expect(row).toContainText("SEV3");
  await page.reload();
  await page.getByLabel("Find a team").fill(team.slug);
  await expect(row).toContainText("Own rule");
  await expectAxeLightAndDark(page);

  // Now a SEV3 of the team that resolves gets its draft.
  const after = await recordIncident(page.request, baseURL, team, { severity: "SEV3", title: `Slow search again (e2e ${unique()})`, resolvedAt: new Date(Date.now() - 60_000) });
  await page.goto(`/incidents/${after}`);
  await expect(page.getByRole("link", { name: /^Postmortem #\d+$/ })).toBeVisible();

  // Back to the organisation's rule: the form says so.
  await page.goto("/settings/postmortems");
  await page.getByLabel("Find a team").fill(team.slug);
  await page.getByRole("button", { name: `Change the rule for ${team.name}` }).click();
  ruleForm = page.getByRole("form", { name: `Rule for ${team.name}` });
  await ruleForm.getByRole("radio", { name: /^Follow / }).check();
  await ruleForm.getByRole("button", { name: "Save rule" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved:" })).toHaveText(`Saved: ${team.name} follows its group or the organisation again.`);
  await expect(row).toContainText("follows the organisation");

  // A member (no postmortem.rules) reads the rules and can change none.
  const memberContext = await signedInAs(browser, baseURL, team.member);
  const member = await memberContext.newPage();
  await member.goto("/settings/postmortems");
  await expect(member.getByText("Only admins change the organisation's rule.")).toBeVisible();
  await expect(member.getByRole("form", { name: "The organisation's rule" })).toHaveCount(0);
  await expect(member.getByRole("checkbox")).toHaveCount(0);
  await expect(member.getByRole("button", { name: /^Change the rule for/ })).toHaveCount(0);
  await expect(member.getByText("Team maintainers and admins change them.")).toBeVisible();
  await expectNoAxeViolations(member);
  await memberContext.close();
});

test("the editor asks before an in-app link leaves unsaved text, and shows someone else's change without losing it", async ({ page, baseURL }) => {
  const [team] = await sql<{ id: number }>(`SELECT id FROM "Team" ORDER BY id LIMIT 1`);
  const title = `Guards (e2e ${unique()})`;
  const created = await page.request.post("/api/postmortems", { data: { teamId: team!.id, title }, headers: originOf(baseURL) });
  expect(created.status(), await created.text()).toBe(201);
  const { id } = (await created.json()) as { id: number };

  await page.goto(`/postmortems/${id}`);
  const summary = page.getByRole("region", { name: "Summary" });
  await summary.getByRole("button", { name: "Write Summary" }).click();
  const editor = summary.getByRole("textbox", { name: "Summary (Markdown)" });
  await editor.fill("Half a thought, not saved yet.");
  await expect(summary.getByText("unsaved changes")).toBeVisible();

  // A sidebar link (next/link, an in-app navigation): asked first; staying keeps the page and the text.
  const sidebar = page.getByRole("navigation", { name: "Main" });
  const dialogs: string[] = [];
  page.once("dialog", (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await sidebar.getByRole("link", { name: "Incidents", exact: true }).click();
  await expect.poll(() => dialogs).toEqual(["confirm: Unsaved changes in Summary. Leave this page and lose them?"]);
  await expect(page).toHaveURL(new RegExp(`/postmortems/${id}$`));
  await expect(editor).toHaveValue("Half a thought, not saved yet.");

  // Someone else renames it meanwhile: the page notices when it is looked at again, and says what changed.
  const view = (await (await page.request.get(`/api/postmortems/${id}`)).json()) as { version: number };
  const renamed = await page.request.patch(`/api/postmortems/${id}`, { data: { version: view.version, title: `${title}, renamed` }, headers: originOf(baseURL) });
  expect(renamed.status(), await renamed.text()).toBe(200);
  // What the browser sends when the person comes back to the tab (the page also asks every 20 s on its own).
  await page.evaluate(() => document.dispatchEvent(new Event("visibilitychange", { bubbles: true })));
  const banner = page.getByRole("status").filter({ hasText: "Someone else changed this postmortem" });
  await expect(banner).toContainText(`its title is now “${title}, renamed”`);
  await expect(editor).toHaveValue("Half a thought, not saved yet.");
  await banner.getByRole("button", { name: "Reload" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `${title}, renamed` })).toBeVisible();
  await expect(banner).toHaveCount(0);
  await expect(editor).toHaveValue("Half a thought, not saved yet.");
  await expect(summary.getByText("unsaved changes")).toBeVisible();
  await expectNoAxeViolations(page);

  // Saving on the version it was written on still lands (the title change did not touch the section).
  await summary.getByRole("button", { name: "Save Summary" }).click();
  await expect(summary.getByRole("status")).toHaveText("Saved (version 1).");

  // With nothing unsaved, links go without asking; with unsaved text, accepting leaves.
  await editor.fill("Another unsaved line.");
  page.once("dialog", (dialog) => void dialog.accept());
  await sidebar.getByRole("link", { name: "Incidents", exact: true }).click();
  await expect(page).toHaveURL(/\/incidents$/);
  await expect(page.getByRole("heading", { level: 1, name: "Incidents" })).toBeVisible();
});

test("a person's own open action items: overdue first and marked, due soon marked, on the home page and their team's page", async ({ page, browser, baseURL }) => {
  const team = await makeTeam(page.request, baseURL);
  const created = await page.request.post("/api/postmortems", { data: { teamId: await teamId(team.slug), title: `Reminders (e2e ${unique()})` }, headers: originOf(baseURL) });
  expect(created.status(), await created.text()).toBe(201);
  const { id } = (await created.json()) as { id: number };
  const [member] = await sql<{ id: number }>(`SELECT id FROM "User" WHERE email = $1`, [team.member]);
  const today = new Date();
  const day = (offset: number) => new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + offset)).toISOString().slice(0, 10);
  const add = async (title: string, dueDate: string, ownerId: number | null) => {
    const response = await page.request.post(`/api/postmortems/${id}/action-items`, { data: { title, dueDate, ...(ownerId ? { ownerId } : {}) }, headers: originOf(baseURL) });
    expect(response.status(), await response.text()).toBe(201);
  };
  const tag = unique();
  await add(`Later (${tag})`, day(30), member!.id);
  await add(`Soon (${tag})`, day(3), member!.id);
  await add(`Late (${tag})`, day(-2), member!.id);
  await add(`Not mine (${tag})`, day(1), null);

  const context = await signedInAs(browser, baseURL, team.member);
  const mine = await context.newPage();
  await mine.goto("/");
  const home = mine.getByRole("table", { name: "Your action items" });
  const rows = home.getByRole("row").filter({ hasText: tag });
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText(`Late (${tag})`);
  await expect(rows.nth(0)).toContainText("overdue 2 days");
  await expect(rows.nth(1)).toContainText(`Soon (${tag})`);
  await expect(rows.nth(1)).toContainText("due soon, in 3 days");
  await expect(rows.nth(2)).toContainText(`Later (${tag})`);
  await expect(rows.nth(2)).not.toContainText("due soon");
  await expect(mine.getByText("1 overdue", { exact: true })).toBeVisible();
  await expectNoAxeViolations(mine);

  await mine.goto(`/teams/${team.slug}`);
  const yours = mine.getByRole("table", { name: "Your open action items in this team" });
  await expect(yours.getByRole("row").filter({ hasText: tag })).toHaveCount(3);
  await expect(yours.getByRole("row").filter({ hasText: tag }).first()).toContainText("overdue 2 days");
  const all = mine.getByRole("table", { name: "Open action items", exact: true });
  await expect(all.getByRole("row").filter({ hasText: tag })).toHaveCount(4);
  await expect(all.getByRole("row").filter({ hasText: `Not mine (${tag})` })).toContainText("due soon, in 1 day");
  await expectNoAxeViolations(mine);
  await context.close();
});

async function teamId(slug: string): Promise<number> {
  const [row] = await sql<{ id: number }>(`SELECT id FROM "Team" WHERE slug = $1`, [slug]);
  return row!.id;
}
