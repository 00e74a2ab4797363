/** Finding postmortems: full-text search over titles, sections and action items, the filters, and the list of those waiting for someone. */
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db";
import type { TPostmortemQuery, TPostmortemStatus, TSectionKey } from "@/lib/postmortems/schemas";
import { findPostmortems } from "@/lib/postmortems/server/find-postmortems";
import { makeTeamService, uniqueSlug } from "@/lib/testing/fixtures";

afterAll(closeDb);

const NOW = new Date("2026-12-01T12:00:00Z");

interface TPostmortemSpec {
  teamId: number;
  serviceId?: number | null;
  incidentId?: number | null;
  title: string;
  status?: TPostmortemStatus;
  sections?: Partial<Record<TSectionKey, string>>;
  actionItems?: string[];
  createdAt?: string;
  updatedAt?: string;
}

async function makePostmortem(spec: TPostmortemSpec): Promise<number> {
  const created = await db.postmortem.create({
    data: {
      teamId: spec.teamId,
      serviceId: spec.serviceId ?? null,
      incidentId: spec.incidentId ?? null,
      title: spec.title,
      status: spec.status ?? "DRAFT",
      createdAt: new Date(spec.createdAt ?? "2026-11-20T10:00:00Z"),
      sections: { create: Object.entries(spec.sections ?? {}).map(([key, body]) => ({ key, body, version: 1 })) },
      actionItems: { create: (spec.actionItems ?? []).map((title) => ({ title, teamId: spec.teamId })) },
    },
    select: { id: true },
  });
  // Last, so that nothing written after it (sections, items) moves it.
  await db.$executeRaw`UPDATE "Postmortem" SET "updatedAt" = ${new Date(spec.updatedAt ?? "2026-11-25T10:00:00Z")} WHERE id = ${created.id}`;
  return created.id;
}

async function makeIncident(serviceId: number, severity: "SEV1" | "SEV2" | "SEV3" | "SEV4", openedAt: string, resolvedAt: string | null = null): Promise<number> {
  const incident = await db.incident.create({
    data: { serviceId, title: `Incident ${uniqueSlug("i")}`, severity, openedAt: new Date(openedAt), resolvedAt: resolvedAt ? new Date(resolvedAt) : null, status: resolvedAt ? "RESOLVED" : "OPEN", source: "test", externalId: uniqueSlug("ext") },
    select: { id: true },
  });
  return incident.id;
}

const teamSlug = async (id: number) => (await db.team.findUniqueOrThrow({ where: { id }, select: { slug: true } })).slug;
const find = (query: TPostmortemQuery) => findPostmortems({ query, now: NOW });
const ids = async (query: TPostmortemQuery) => (await find(query)).rows.map((r) => r.id);

describe("searching postmortems", () => {
  it("finds a word in a section and in an action item title, and ranks a title match first", async () => {
    const { teamId } = await makeTeamService();
    const team = await teamSlug(teamId);
    const inSection = await makePostmortem({ teamId, title: "Checkout errors", sections: { leadup: "The connection pool to the ledger database was exhausted." }, updatedAt: "2026-11-28T10:00:00Z" });
    const inAction = await makePostmortem({ teamId, title: "Slow search", actionItems: ["Alert on ledger replication lag"], updatedAt: "2026-11-29T10:00:00Z" });
    const inTitle = await makePostmortem({ teamId, title: "Ledger outage", updatedAt: "2026-11-20T10:00:00Z" });
    await makePostmortem({ teamId, title: "Unrelated", sections: { summary: "Nothing about books." } });

    const page = await find({ team, q: "ledger" });
    // Title (weight A) above sections (B) above action items (C), whatever the dates.
    expect(page.rows.map((r) => r.id)).toEqual([inTitle, inSection, inAction]);
    expect(page.total).toBe(3);
    expect(await ids({ team, q: "replication" })).toEqual([inAction]);
    expect(await ids({ team, q: "pool exhausted" })).toEqual([inSection]);
    expect(new Set(await ids({ team, q: "ledger -replication" }))).toEqual(new Set([inTitle, inSection]));
  });

  it("matches other forms of a word (English stemming)", async () => {
    const { teamId } = await makeTeamService();
    const team = await teamSlug(teamId);
    const id = await makePostmortem({ teamId, title: "Queue backlog", sections: { response: "The consumers kept retrying the failed messages." } });
    expect(await ids({ team, q: "retries" })).toEqual([id]);
    expect(await ids({ team, q: "retry" })).toEqual([id]);
    expect(await ids({ team, q: "message" })).toEqual([id]);
    expect(await ids({ team, q: "consumer failure" })).toEqual([]);
  });

  it("returns the snippet as plain text with the matches marked by offsets, never as HTML", async () => {
    const { teamId } = await makeTeamService();
    const team = await teamSlug(teamId);
    await makePostmortem({
      teamId,
      title: "Cart failures",
      sections: { summary: 'The <img src=x onerror="alert(1)"> checkout page & the "basket" broke.\u0002 Payments were fine.' },
      actionItems: ["Load test the checkout"],
    });
    const [row] = (await find({ team, q: "checkout" })).rows;
    const snippet = row!.snippet!;
    expect(snippet.text).not.toMatch(/[\u0002\u0003]/);
    expect(snippet.text).not.toContain("<b>");
    expect(snippet.text).not.toContain("<img");
    expect(snippet.text).toContain("&");
    expect(snippet.text).not.toContain("&amp;");
    expect(snippet.matches.length).toBeGreaterThanOrEqual(1);
    for (const [start, end] of snippet.matches) expect(snippet.text.slice(start, end).toLowerCase()).toBe("checkout");
    expect((await find({ team })).rows[0]!.snippet).toBeNull();
  });
});

describe("filtering postmortems", () => {
  it("combines team, service, severity, state and date", async () => {
    const a = await makeTeamService();
    const other = await db.service.create({ data: { slug: uniqueSlug("svc"), name: "Other", teamId: a.teamId }, select: { id: true, slug: true } });
    const team = await teamSlug(a.teamId);
    const sev3Nov = await makeIncident(a.serviceId, "SEV3", "2026-11-10T08:00:00Z");
    const sev3Oct = await makeIncident(a.serviceId, "SEV3", "2026-10-10T08:00:00Z");
    const sev4Nov = await makeIncident(a.serviceId, "SEV4", "2026-11-12T08:00:00Z");
    const sev3Other = await makeIncident(other.id, "SEV3", "2026-11-11T08:00:00Z");
    const match = await makePostmortem({ teamId: a.teamId, serviceId: a.serviceId, incidentId: sev3Nov, title: "Match", status: "IN_REVIEW" });
    await makePostmortem({ teamId: a.teamId, serviceId: a.serviceId, incidentId: sev3Oct, title: "Too early", status: "IN_REVIEW" });
    await makePostmortem({ teamId: a.teamId, serviceId: a.serviceId, incidentId: sev4Nov, title: "Wrong severity", status: "IN_REVIEW" });
    await makePostmortem({ teamId: a.teamId, serviceId: other.id, incidentId: sev3Other, title: "Other service", status: "IN_REVIEW" });
    const draft = await makePostmortem({ teamId: a.teamId, serviceId: a.serviceId, title: "Draft, no incident", createdAt: "2026-11-15T00:00:00Z" });

    expect(await ids({ team, service: a.slug, severity: "SEV3", status: "IN_REVIEW", from: "2026-11-01", to: "2026-11-30" })).toEqual([match]);
    expect((await ids({ team, status: "IN_REVIEW" })).length).toBe(4);
    expect((await ids({ team, service: other.slug }))).toHaveLength(1);
    // The date range is whole days, both ends included; without an incident, the postmortem's own creation date counts.
    expect(await ids({ team, from: "2026-11-10", to: "2026-11-10" })).toEqual([match]);
    expect(new Set(await ids({ team, from: "2026-11-15", to: "2026-11-15" }))).toEqual(new Set([draft]));
    // A severity filter leaves out postmortems without an incident.
    expect(await ids({ team, severity: "SEV3", status: "DRAFT" })).toEqual([]);
  });

  it("includes the teams nested under the team filtered on", async () => {
    const group = await makeTeamService();
    const child = await makeTeamService({ parentId: group.teamId });
    const grandchild = await makeTeamService({ parentId: child.teamId });
    const sibling = await makeTeamService();
    const [groupSlug, childSlug] = await Promise.all([teamSlug(group.teamId), teamSlug(child.teamId)]);
    const inGroup = await makePostmortem({ teamId: group.teamId, title: "Group's" });
    const inChild = await makePostmortem({ teamId: child.teamId, title: "Child's" });
    const inGrandchild = await makePostmortem({ teamId: grandchild.teamId, title: "Grandchild's" });
    await makePostmortem({ teamId: sibling.teamId, title: "Sibling's" });
    expect(new Set(await ids({ team: groupSlug }))).toEqual(new Set([inGroup, inChild, inGrandchild]));
    expect(new Set(await ids({ team: childSlug }))).toEqual(new Set([inChild, inGrandchild]));
    expect(await ids({ team: "no-such-team" })).toEqual([]);
  });

  it("finds the draft the database wrote when a SEV1 incident resolved, with its incident and open action items", async () => {
    const { teamId, serviceId } = await makeTeamService();
    const team = await teamSlug(teamId);
    const incidentId = await makeIncident(serviceId, "SEV1", "2026-11-18T09:00:00Z", "2026-11-18T10:30:00Z");
    const drafted = await db.postmortem.findUniqueOrThrow({ where: { incidentId }, select: { id: true, status: true } });
    expect(drafted.status).toBe("DRAFT");
    await db.actionItem.createMany({
      data: [
        { postmortemId: drafted.id, teamId, title: "Add a canary", status: "OPEN" },
        { postmortemId: drafted.id, teamId, title: "Raise the limit", status: "IN_PROGRESS" },
        { postmortemId: drafted.id, teamId, title: "Write a runbook", status: "DONE" },
      ],
    });
    const page = await find({ team, severity: "SEV1" });
    expect(page.rows).toHaveLength(1);
    expect(page.rows[0]).toMatchObject({
      id: drafted.id,
      status: "DRAFT",
      authorName: null,
      openActionItems: 2,
      incident: { id: incidentId, severity: "SEV1", openedAt: "2026-11-18T09:00:00.000Z", resolvedAt: "2026-11-18T10:30:00.000Z" },
    });
  });

  it("pages, with the total of every match", async () => {
    const { teamId } = await makeTeamService();
    const team = await teamSlug(teamId);
    const made: number[] = [];
    for (let i = 0; i < 5; i++) made.push(await makePostmortem({ teamId, title: `Postmortem ${i}`, updatedAt: `2026-11-2${i}T00:00:00Z` }));
    const first = await findPostmortems({ query: { team }, now: NOW, pageSize: 2 });
    const third = await findPostmortems({ query: { team, page: 3 }, now: NOW, pageSize: 2 });
    expect(first.rows.map((r) => r.id)).toEqual([made[4], made[3]]);
    expect(third.rows.map((r) => r.id)).toEqual([made[0]]);
    expect([first.total, third.total]).toEqual([5, 5]);
  });
});

describe("postmortems that need attention", () => {
  it("lists those in review and drafts unchanged for a week, in the viewer's teams, longest waiting first", async () => {
    const mine = await makeTeamService();
    const nested = await makeTeamService({ parentId: mine.teamId });
    const theirs = await makeTeamService();
    const review = await makePostmortem({ teamId: mine.teamId, title: "Waiting for review", status: "IN_REVIEW", updatedAt: "2026-11-29T00:00:00Z" });
    const stale = await makePostmortem({ teamId: nested.teamId, title: "Stale draft", status: "DRAFT", updatedAt: "2026-11-20T00:00:00Z" });
    await makePostmortem({ teamId: mine.teamId, title: "Fresh draft", status: "DRAFT", updatedAt: "2026-11-28T00:00:00Z" });
    await makePostmortem({ teamId: mine.teamId, title: "Published", status: "PUBLISHED", updatedAt: "2026-10-01T00:00:00Z" });
    await makePostmortem({ teamId: theirs.teamId, title: "Another team's", status: "IN_REVIEW" });
    const teamRoles = new Map([
      [mine.teamId, new Set(["MEMBER" as const])],
      [nested.teamId, new Set(["MEMBER" as const])],
    ]);
    const page = await findPostmortems({ query: {}, viewer: { teamRoles }, now: NOW });
    expect(page.attention?.rows.map((r) => [r.id, r.reason, r.since])).toEqual([
      [review, "review", "2026-11-29T00:00:00.000Z"],
      [stale, "stale", "2026-11-20T00:00:00.000Z"],
    ]);
    expect(page.attention?.total).toBe(2);
    // Without a viewer, nothing is built.
    expect((await find({})).attention).toBeNull();
  });
});
