/**
 * The postmortem API as people use it: drafted by the rules when an incident
 * resolves, written, reviewed and published; concurrent saves never lose
 * words; bad input stores nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PATCH as patchIncident } from "@/app/api/incidents/[id]/route";
import { PATCH as patchActionItem } from "@/app/api/action-items/[id]/route";
import { GET as exportPostmortem } from "@/app/api/postmortems/[id]/export/route";
import { POST as addActionItem } from "@/app/api/postmortems/[id]/action-items/route";
import { GET as getPostmortem, PATCH as patchPostmortem } from "@/app/api/postmortems/[id]/route";
import { PUT as saveSection } from "@/app/api/postmortems/[id]/sections/[key]/route";
import { POST as transition } from "@/app/api/postmortems/[id]/transitions/route";
import { GET as listPostmortems, POST as createPostmortem } from "@/app/api/postmortems/route";
import { PUT as putRule } from "@/app/api/postmortem-rules/route";
import { closeDb, db } from "@/lib/db";
import type { TPostmortemView } from "@/lib/postmortems/view";
import { makeService, uniqueSlug } from "@/lib/testing/fixtures";
import { makeUser, sessionCookie, TEST_ORIGIN } from "@/lib/testing/sessions";

type TAuth = Record<string, string>;
type TError = { error: { code: string; message: string; details?: Record<string, unknown> & { issues?: { path: string; message: string }[] } } };

let service: Awaited<ReturnType<typeof makeService>>;
let asMember: TAuth;
let asSecondMember: TAuth;
let asApprover: TAuth;
let asViewer: TAuth;
let asOutsider: TAuth;
let member: { id: number; email: string };
let approver: { id: number; email: string };
let outsider: { id: number; email: string };

const auth = async (user: { email: string }) => ({ cookie: await sessionCookie(user.email), origin: TEST_ORIGIN });

beforeAll(async () => {
  service = await makeService();
  const other = await makeService();
  member = await makeUser("VIEWER", [{ teamId: service.teamId, role: "MEMBER" }]);
  approver = await makeUser("VIEWER", [{ teamId: service.teamId, role: "APPROVER" }]);
  outsider = await makeUser("VIEWER", [{ teamId: other.teamId, role: "MEMBER" }]);
  asMember = await auth(member);
  asSecondMember = await auth(await makeUser("VIEWER", [{ teamId: service.teamId, role: "MEMBER" }]));
  asApprover = await auth(approver);
  asViewer = await auth(await makeUser("VIEWER"));
  asOutsider = await auth(outsider);
});
afterAll(closeDb);

/** Any route handler: each declares its own params, which the call passes as given. */
type THandler = (request: Request, context: { params: Promise<never> }) => Promise<Response>;

async function call<T = unknown>(
  handler: THandler,
  as: TAuth,
  method: string,
  url: string,
  params: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const headers = new Headers(as);
  if (body !== undefined) headers.set("content-type", "application/json");
  const response = await handler(new Request(`${TEST_ORIGIN}${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }), { params: Promise.resolve(params) as Promise<never> });
  const text = await response.text();
  return { status: response.status, body: (response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text) as T };
}

const view = async (id: number, as: TAuth = asMember) => (await call<TPostmortemView>(getPostmortem, as, "GET", `/api/postmortems/${id}`, { id: String(id) })).body;
const act = (id: number, as: TAuth, body: Record<string, unknown>) => call<{ status: string; version: number } & TError>(transition, as, "POST", `/api/postmortems/${id}/transitions`, { id: String(id) }, body);
const save = (id: number, as: TAuth, key: string, body: Record<string, unknown>) => call<{ version: number; documentVersion: number } & TError>(saveSection, as, "PUT", `/api/postmortems/${id}/sections/${key}`, { id: String(id), key }, body);

async function makeIncident(severity: "SEV1" | "SEV2" | "SEV3", serviceId = service.serviceId) {
  return db.incident.create({ data: { serviceId, title: `Checkout errors ${uniqueSlug("i")}`, severity, openedAt: new Date("2026-11-20T10:00:00Z"), source: "test", externalId: uniqueSlug("i") } });
}
const resolve = (incidentId: number) => call(patchIncident, asMember, "PATCH", `/api/incidents/${incidentId}`, { id: String(incidentId) }, { resolvedAt: "2026-11-20T10:45:00Z" });

describe("drafted by the rules when an incident resolves", () => {
  it("drafts one for a SEV2 that resolves, none for a SEV3, and never a second when it resolves again", async () => {
    const sev2 = await makeIncident("SEV2");
    const sev3 = await makeIncident("SEV3");
    expect(await db.postmortem.count({ where: { incidentId: sev2.id } })).toBe(0);
    expect((await resolve(sev2.id)).status).toBe(200);
    expect((await resolve(sev3.id)).status).toBe(200);
    const drafted = await db.postmortem.findMany({ where: { incidentId: { in: [sev2.id, sev3.id] } }, select: { incidentId: true, status: true, authorId: true, teamId: true, title: true } });
    expect(drafted).toEqual([{ incidentId: sev2.id, status: "DRAFT", authorId: null, teamId: service.teamId, title: sev2.title }]);

    await call(patchIncident, asMember, "PATCH", `/api/incidents/${sev2.id}`, { id: String(sev2.id) }, { resolvedAt: null });
    await resolve(sev2.id);
    expect(await db.postmortem.count({ where: { incidentId: sev2.id } })).toBe(1);
  });

  it("follows the team's own rule over the organisation's, and a severity raised after resolution", async () => {
    const team = await makeService();
    const maintainer = await makeUser("VIEWER", [{ teamId: team.teamId, role: "MAINTAINER" }]);
    const put = await call(putRule, await auth(maintainer), "PUT", "/api/postmortem-rules", {}, { teamId: team.teamId, severities: ["SEV1", "SEV2", "SEV3"] });
    expect(put.status).toBe(200);
    const sev3 = await makeIncident("SEV3", team.serviceId);
    await db.incident.update({ where: { id: sev3.id }, data: { resolvedAt: new Date("2026-11-20T11:00:00Z") } });
    expect(await db.postmortem.count({ where: { incidentId: sev3.id } })).toBe(1);

    // Elsewhere SEV3 needs none, until someone raises it to SEV2.
    const elsewhere = await makeIncident("SEV3");
    await db.incident.update({ where: { id: elsewhere.id }, data: { resolvedAt: new Date("2026-11-20T11:00:00Z") } });
    expect(await db.postmortem.count({ where: { incidentId: elsewhere.id } })).toBe(0);
    await db.incident.update({ where: { id: elsewhere.id }, data: { severity: "SEV2" } });
    expect(await db.postmortem.count({ where: { incidentId: elsewhere.id } })).toBe(1);
  });
});

describe("writing it", () => {
  it("two concurrent saves of one section: one lands, the other gets 409 with the first's text, and the first is intact", async () => {
    const { body } = await call<{ id: number }>(createPostmortem, asMember, "POST", "/api/postmortems", {}, { teamId: service.teamId, title: "Near miss: certificate expiry" });
    const id = body.id;
    const [a, b] = await Promise.all([
      save(id, asMember, "summary", { baseVersion: 0, body: "Mine: the certificate was renewed by hand." }),
      save(id, asSecondMember, "summary", { baseVersion: 0, body: "Theirs: a renewal job had been failing for weeks." }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 409]);
    const [won, lost] = a.status === 200 ? [a, b] : [b, a];
    const wonText = a.status === 200 ? "Mine: the certificate was renewed by hand." : "Theirs: a renewal job had been failing for weeks.";
    expect(lost.body.error.code).toBe("CONFLICT");
    expect(lost.body.error.details).toMatchObject({ currentVersion: 1, currentBody: wonText });
    expect(won.body.version).toBe(1);
    const stored = await db.postmortemSection.findMany({ where: { postmortemId: id }, select: { key: true, body: true, version: true } });
    expect(stored).toEqual([{ key: "summary", body: wonText, version: 1 }]);
    expect(await db.postmortemRevision.count({ where: { postmortemId: id } })).toBe(1);

    // The loser saves again on the version it was shown: now it lands, and both revisions are kept.
    const again = await save(id, a.status === 409 ? asMember : asSecondMember, "summary", { baseVersion: 1, body: `${wonText}\n\nAnd more.` });
    expect(again.status).toBe(200);
    expect((await db.postmortemRevision.findMany({ where: { postmortemId: id }, orderBy: { version: "asc" }, select: { version: true } })).map((r) => r.version)).toEqual([1, 2]);
  });

  it("refuses bad input with every problem listed and stores nothing", async () => {
    const before = await db.postmortem.count();
    const bad = await call<TError>(createPostmortem, asMember, "POST", "/api/postmortems", {}, { teamId: "x", title: "", extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details?.issues?.map((i) => i.path).sort()).toEqual(expect.arrayContaining(["teamId", "title"]));
    expect(await db.postmortem.count()).toBe(before);

    const { body } = await call<{ id: number }>(createPostmortem, asMember, "POST", "/api/postmortems", {}, { teamId: service.teamId, title: "Input checks" });
    const badItem = await call<TError>(addActionItem, asMember, "POST", `/api/postmortems/${body.id}/action-items`, { id: String(body.id) }, { title: "x", priority: "P9", ticketUrl: "javascript:alert(1)", dueDate: "tomorrow" });
    expect(badItem.status).toBe(400);
    expect(badItem.body.error.details?.issues?.map((i) => i.path).sort()).toEqual(["dueDate", "priority", "ticketUrl"]);
    expect(await db.actionItem.count({ where: { postmortemId: body.id } })).toBe(0);
    const outsiderSave = await save(body.id, asOutsider, "summary", { baseVersion: 0, body: "not my team" });
    expect(outsiderSave.status).toBe(403);
    expect(await db.postmortemSection.count({ where: { postmortemId: body.id } })).toBe(0);
  });
});

describe("review and sign-off", () => {
  it("goes draft → review → changes requested → review → approved → published, and only by the rules", async () => {
    const incident = await makeIncident("SEV2");
    await resolve(incident.id);
    const pm = await db.postmortem.findUniqueOrThrow({ where: { incidentId: incident.id }, select: { id: true } });
    const id = pm.id;
    // The page drafts the timeline of an auto-drafted postmortem on first view.
    let v = await view(id);
    expect(v.timelineDraftedAt).not.toBeNull();
    expect(v.timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(["incident.opened", "incident.resolved"]));
    expect(v.viewer.actions).toEqual(["submit"]);

    expect((await save(id, asMember, "summary", { baseVersion: 0, body: "Checkout failed for 45 minutes." })).status).toBe(200);
    v = await view(id);
    expect((await act(id, asMember, { action: "submit", version: v.version })).body.status).toBe("IN_REVIEW");
    // The list tells the team's approver what waits for them; someone of another team is not asked.
    type TList = { attention: { rows: { id: number; reason: string }[] } | null };
    const waiting = await call<TList>(listPostmortems, asApprover, "GET", "/api/postmortems", {});
    expect(waiting.body.attention?.rows).toContainEqual(expect.objectContaining({ id, reason: "review" }));
    const elsewhere = await call<TList>(listPostmortems, asOutsider, "GET", "/api/postmortems", {});
    expect(elsewhere.body.attention?.rows.map((r) => r.id) ?? []).not.toContain(id);
    v = await view(id, asApprover);
    expect(v.viewer.actions).toEqual(["withdraw", "request_changes", "approve", "not_required"]);

    const noComment = await act(id, asApprover, { action: "request_changes", version: v.version });
    expect(noComment.status).toBe(400);
    const changes = await act(id, asApprover, { action: "request_changes", version: v.version, comment: "Add the customer impact in numbers." });
    expect(changes.body.status).toBe("DRAFT");
    expect(await db.postmortemComment.findMany({ where: { postmortemId: id }, select: { kind: true, body: true } })).toEqual([{ kind: "CHANGES_REQUESTED", body: "Add the customer impact in numbers." }]);

    expect((await save(id, asMember, "impact", { baseVersion: 0, body: "1,240 orders failed." })).status).toBe(200);
    v = await view(id);
    await act(id, asMember, { action: "submit", version: v.version });
    // A member cannot approve; nor can an approver who edited it; a stale version is refused.
    v = await view(id, asApprover);
    expect((await act(id, asMember, { action: "approve", version: v.version })).status).toBe(403);
    expect((await act(id, asApprover, { action: "approve", version: v.version - 1 })).status).toBe(409);
    expect((await act(id, asMember, { action: "publish", version: v.version })).status).toBe(409);
    const approved = await act(id, asApprover, { action: "approve", version: v.version, comment: "Clear and blameless. Thank you." });
    expect(approved.body.status).toBe("APPROVED");

    // Approval freezes the text.
    const late = await save(id, asMember, "summary", { baseVersion: 1, body: "A late change." });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toMatch(/reopen/);

    const published = await act(id, asMember, { action: "publish", version: approved.body.version });
    expect(published.body.status).toBe("PUBLISHED");
    const row = await db.postmortem.findUniqueOrThrow({ where: { id }, select: { status: true, approvedById: true, approvedAt: true, publishedAt: true } });
    expect(row).toMatchObject({ status: "PUBLISHED", approvedById: approver.id });
    expect(row.publishedAt).not.toBeNull();
    expect(await db.auditEvent.findMany({ where: { entityType: "Postmortem", entityId: String(id), action: { startsWith: "postmortem." } }, orderBy: { id: "asc" }, select: { action: true } })).toEqual(
      [
        "postmortem.section.save",
        "postmortem.submit",
        "postmortem.request_changes",
        "postmortem.section.save",
        "postmortem.submit",
        "postmortem.approve",
        "postmortem.publish",
      ].map((action) => ({ action })),
    );
  });

  it("an approver who wrote a section cannot approve it", async () => {
    const { body } = await call<{ id: number }>(createPostmortem, asMember, "POST", "/api/postmortems", {}, { teamId: service.teamId, title: "Self review" });
    await save(body.id, asApprover, "summary", { baseVersion: 0, body: "I wrote this." });
    let v = await view(body.id);
    await act(body.id, asMember, { action: "submit", version: v.version });
    v = await view(body.id, asApprover);
    const self = await act(body.id, asApprover, { action: "approve", version: v.version });
    expect(self.status).toBe(403);
    expect(self.body.error.message).toMatch(/wrote part/);
    expect((await db.postmortem.findUniqueOrThrow({ where: { id: body.id } })).status).toBe("IN_REVIEW");
  });
});

describe("action items and export", () => {
  it("lets an owner outside the team move the status only, needs a reason for won't do, and exports the document", async () => {
    const { body } = await call<{ id: number }>(createPostmortem, asMember, "POST", "/api/postmortems", {}, { teamId: service.teamId, title: "Queue backlog <script>alert(1)</script>" });
    const id = body.id;
    const created = await call<{ id: number }>(addActionItem, asMember, "POST", `/api/postmortems/${id}/action-items`, { id: String(id) }, { title: "Alarm on queue age", ownerId: outsider.id, priority: "P1", type: "DETECT" });
    expect(created.status).toBe(201);
    const item = await db.actionItem.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(item.teamId).toBe(service.teamId);
    // P1 is due a week after it was created (midnight UTC).
    expect(item.dueAt!.getTime() - Date.UTC(item.createdAt.getUTCFullYear(), item.createdAt.getUTCMonth(), item.createdAt.getUTCDate())).toBe(7 * 86_400_000);

    const url = `/api/action-items/${item.id}`;
    const params = { id: String(item.id) };
    expect((await call<TError>(patchActionItem, asOutsider, "PATCH", url, params, { version: 1, title: "Renamed" })).status).toBe(403);
    expect((await call<TError>(patchActionItem, asViewer, "PATCH", url, params, { version: 1, status: "DONE" })).status).toBe(403);
    expect((await call<TError>(patchActionItem, asOutsider, "PATCH", url, params, { version: 1, status: "WONT_DO" })).status).toBe(400);
    const done = await call<{ version: number }>(patchActionItem, asOutsider, "PATCH", url, params, { version: 1, status: "DONE" });
    expect(done.status).toBe(200);
    expect((await call<TError>(patchActionItem, asMember, "PATCH", url, params, { version: 1, priority: "P2" })).status).toBe(409);
    expect(await db.actionItem.findUniqueOrThrow({ where: { id: item.id }, select: { status: true, priority: true, completedAt: true } })).toMatchObject({ status: "DONE", priority: "P1" });

    await save(id, asMember, "summary", { baseVersion: 0, body: "**Backlog** grew for 3 hours." });
    const md = await call<string>(exportPostmortem, asViewer, "GET", `/api/postmortems/${id}/export`, { id: String(id) });
    expect(md.status).toBe(200);
    expect(md.body).toContain("# Queue backlog \\<script\\>alert\\(1\\)\\</script\\>");
    expect(md.body).toContain("## Summary\n\n**Backlog** grew for 3 hours.");
    expect(md.body).toContain("| Alarm on queue age |");
    expect(md.body).toContain("| detect | P1 |");
  });

  it("refuses a stale header save and changes nothing", async () => {
    const { body } = await call<{ id: number }>(createPostmortem, asMember, "POST", "/api/postmortems", {}, { teamId: service.teamId, title: "Header" });
    const first = await call<TPostmortemView>(patchPostmortem, asMember, "PATCH", `/api/postmortems/${body.id}`, { id: String(body.id) }, { version: 1, title: "Header, renamed" });
    expect(first.status).toBe(200);
    expect(first.body.version).toBe(2);
    const stale = await call<TError>(patchPostmortem, asSecondMember, "PATCH", `/api/postmortems/${body.id}`, { id: String(body.id) }, { version: 1, analysis: "FIVE_WHYS" });
    expect(stale.status).toBe(409);
    expect(await db.postmortem.findUniqueOrThrow({ where: { id: body.id }, select: { title: true, analysis: true } })).toEqual({ title: "Header, renamed", analysis: "CONTRIBUTING_FACTORS" });
  });
});
