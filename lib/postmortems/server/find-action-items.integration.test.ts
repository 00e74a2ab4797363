/** The organisation-wide action-item list: overdue, owner (me or an id), team with nested teams, priority and status. */
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db";
import type { TActionItemPriority, TActionItemQuery, TActionItemStatus } from "@/lib/postmortems/schemas";
import { findActionItems } from "@/lib/postmortems/server/find-action-items";
import { makeTeamService } from "@/lib/testing/fixtures";
import { makeUser } from "@/lib/testing/sessions";

afterAll(closeDb);

const NOW = new Date("2026-12-01T12:00:00Z");

const teamSlug = async (id: number) => (await db.team.findUniqueOrThrow({ where: { id }, select: { slug: true } })).slug;

async function makePostmortem(teamId: number) {
  return (await db.postmortem.create({ data: { teamId, title: "Payments outage" }, select: { id: true } })).id;
}

interface TItemSpec {
  title: string;
  dueAt?: string | null;
  status?: TActionItemStatus;
  ownerId?: number | null;
  priority?: TActionItemPriority;
}

async function makeItem(postmortemId: number, teamId: number, spec: TItemSpec): Promise<number> {
  const item = await db.actionItem.create({
    data: {
      postmortemId,
      teamId,
      title: spec.title,
      dueAt: spec.dueAt ? new Date(spec.dueAt) : null,
      status: spec.status ?? "OPEN",
      ownerId: spec.ownerId ?? null,
      priority: spec.priority ?? "P3",
      completedAt: spec.status === "DONE" ? new Date("2026-11-25T00:00:00Z") : null,
    },
    select: { id: true },
  });
  return item.id;
}

const find = (query: TActionItemQuery, viewerUserId: number | null = null) => findActionItems({ query, viewerUserId, now: NOW });
const titles = async (query: TActionItemQuery, viewerUserId: number | null = null) => (await find(query, viewerUserId)).rows.map((r) => r.title);

describe("finding action items", () => {
  it("calls an item overdue when it is due before now and still open or in progress, and lists those first", async () => {
    const { teamId } = await makeTeamService();
    const team = await teamSlug(teamId);
    const pm = await makePostmortem(teamId);
    await makeItem(pm, teamId, { title: "late open", dueAt: "2026-11-20T00:00:00Z" });
    await makeItem(pm, teamId, { title: "late in progress", dueAt: "2026-11-25T00:00:00Z", status: "IN_PROGRESS" });
    await makeItem(pm, teamId, { title: "late but done", dueAt: "2026-11-10T00:00:00Z", status: "DONE" });
    await makeItem(pm, teamId, { title: "late but won't do", dueAt: "2026-11-10T00:00:00Z", status: "WONT_DO" });
    await makeItem(pm, teamId, { title: "due now", dueAt: NOW.toISOString() });
    await makeItem(pm, teamId, { title: "due later", dueAt: "2026-12-20T00:00:00Z" });
    await makeItem(pm, teamId, { title: "no due date" });

    const all = await find({ team });
    expect(all.rows.map((r) => [r.title, r.isOverdue])).toEqual([
      ["late open", true],
      ["late in progress", true],
      ["due now", false],
      ["due later", false],
      ["no due date", false],
      ["late but done", false],
      ["late but won't do", false],
    ]);
    expect([all.total, all.overdue]).toEqual([7, 2]);
    expect(await titles({ team, overdue: "true" })).toEqual(["late open", "late in progress"]);
    expect(await titles({ team, overdue: "false" })).toEqual(["due now", "due later", "no due date", "late but done", "late but won't do"]);
    expect(await titles({ team, status: "active" })).toEqual(["late open", "late in progress", "due now", "due later", "no due date"]);
    expect(await titles({ team, status: "DONE" })).toEqual(["late but done"]);
    expect(all.rows[0]).toMatchObject({ postmortem: { id: pm, title: "Payments outage", status: "DRAFT" }, dueAt: "2026-11-20T00:00:00.000Z", owner: null });
  });

  it("filters by owner: the signed-in person (owner=me) or anyone by id", async () => {
    const { teamId } = await makeTeamService();
    const team = await teamSlug(teamId);
    const me = await makeUser("VIEWER", [{ teamId, role: "MEMBER" }]);
    const colleague = await makeUser("VIEWER", [{ teamId, role: "MEMBER" }]);
    const pm = await makePostmortem(teamId);
    await makeItem(pm, teamId, { title: "mine", ownerId: me.id, dueAt: "2026-12-10T00:00:00Z" });
    await makeItem(pm, teamId, { title: "mine, overdue", ownerId: me.id, dueAt: "2026-11-10T00:00:00Z", priority: "P1" });
    await makeItem(pm, teamId, { title: "theirs", ownerId: colleague.id });
    await makeItem(pm, teamId, { title: "nobody's" });

    expect(await titles({ owner: "me" }, me.id)).toEqual(["mine, overdue", "mine"]);
    expect(await titles({ owner: colleague.id })).toEqual(["theirs"]);
    expect(await titles({ team, owner: colleague.id, priority: "P1" })).toEqual([]);
    const [first] = (await find({ owner: "me" }, me.id)).rows;
    expect(first).toMatchObject({ owner: { id: me.id }, priority: "P1", isOverdue: true });
    await expect(find({ owner: "me" }, null)).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });

  it("filters by team, with the teams nested under it, and by priority", async () => {
    const group = await makeTeamService();
    const child = await makeTeamService({ parentId: group.teamId });
    const other = await makeTeamService();
    const [groupPm, childPm, otherPm] = await Promise.all([makePostmortem(group.teamId), makePostmortem(child.teamId), makePostmortem(other.teamId)]);
    await makeItem(groupPm, group.teamId, { title: "group's", priority: "P2" });
    await makeItem(childPm, child.teamId, { title: "child's", priority: "P1" });
    await makeItem(otherPm, other.teamId, { title: "other's", priority: "P1" });

    const group_ = await teamSlug(group.teamId);
    expect(await titles({ team: group_ })).toEqual(["child's", "group's"]);
    expect(await titles({ team: await teamSlug(child.teamId) })).toEqual(["child's"]);
    expect(await titles({ team: group_, priority: "P2" })).toEqual(["group's"]);
    const rows = (await find({ team: group_ })).rows;
    expect(rows.map((r) => r.team.slug)).toEqual([await teamSlug(child.teamId), group_]);
  });

  it("pages", async () => {
    const { teamId } = await makeTeamService();
    const team = await teamSlug(teamId);
    const pm = await makePostmortem(teamId);
    for (let i = 1; i <= 5; i++) await makeItem(pm, teamId, { title: `item ${i}`, dueAt: `2026-12-0${i}T13:00:00Z` });
    const second = await findActionItems({ query: { team, page: 2 }, viewerUserId: null, now: NOW, pageSize: 2 });
    expect(second.rows.map((r) => r.title)).toEqual(["item 3", "item 4"]);
    expect(second.total).toBe(5);
  });
});
