/** What the "Start a postmortem" page offers: recent resolved incidents without one, of the person's teams, and the teams for a stand-alone one. */
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import type { TTeamRole, TUserRoles } from "@/lib/auth/permissions";
import { closeDb, db } from "@/lib/db";
import { findPostmortemCandidates } from "@/lib/postmortems/server/find-postmortem-candidates";
import { makeTeamService } from "@/lib/testing/fixtures";

afterAll(closeDb);

const NOW = new Date("2026-12-01T12:00:00Z");

const member = (teamId: number, role: TTeamRole = "MEMBER"): TUserRoles => ({ orgRole: "VIEWER", teamRoles: new Map([[teamId, new Set([role])]]) });

async function makeIncident(serviceId: number, title: string, resolvedAt: string | null) {
  const incident = await db.incident.create({
    data: {
      serviceId,
      title,
      // SEV3: the organisation's rule drafts a postmortem by itself for SEV1 and SEV2 when they resolve.
      severity: "SEV3",
      status: resolvedAt ? "RESOLVED" : "OPEN",
      openedAt: new Date(new Date(resolvedAt ?? NOW).getTime() - 3_600_000),
      resolvedAt: resolvedAt ? new Date(resolvedAt) : null,
      source: "test",
      externalId: randomUUID(),
    },
    select: { id: true },
  });
  return incident.id;
}

describe("finding what a postmortem can be started for", () => {
  it("offers the team's resolved incidents of the last 90 days that have no postmortem, newest first, and only the teams the person writes for", async () => {
    const mine = await makeTeamService();
    const theirs = await makeTeamService();
    const older = await makeIncident(mine.serviceId, "older", "2026-11-10T10:00:00Z");
    const newer = await makeIncident(mine.serviceId, "newer", "2026-11-25T10:00:00Z");
    await makeIncident(mine.serviceId, "too old", "2026-08-01T10:00:00Z");
    await makeIncident(mine.serviceId, "still open", null);
    const written = await makeIncident(mine.serviceId, "written", "2026-11-20T10:00:00Z");
    await db.postmortem.create({ data: { teamId: mine.teamId, incidentId: written, title: "written" } });
    await makeIncident(theirs.serviceId, "another team's", "2026-11-26T10:00:00Z");

    const found = await findPostmortemCandidates({ roles: member(mine.teamId), now: NOW, incidentId: null });
    expect(found.incidents.map((i) => i.id)).toEqual([newer, older]);
    expect(found.incidents[0]).toMatchObject({ title: "newer", severity: "SEV3", resolvedAt: "2026-11-25T10:00:00.000Z", service: mine.slug, team: "Test team" });
    expect(found.teams.map((t) => t.id)).toEqual([mine.teamId]);
    expect(found.teams[0]!.services.map((s) => s.id)).toEqual([mine.serviceId]);
    expect(found.requested).toBeNull();

    // A viewer of the team (no write) is offered nothing.
    const viewer = await findPostmortemCandidates({ roles: { orgRole: "VIEWER", teamRoles: new Map() }, now: NOW, incidentId: null });
    expect(viewer.incidents.filter((i) => i.id === newer)).toEqual([]);
    expect(viewer.teams).toEqual([]);
  });

  it("puts the incident asked for first, resolved or not, and says why when it cannot be offered", async () => {
    const mine = await makeTeamService();
    const theirs = await makeTeamService();
    const open = await makeIncident(mine.serviceId, "still open", null);
    const other = await makeIncident(mine.serviceId, "resolved", "2026-11-25T10:00:00Z");

    const asked = await findPostmortemCandidates({ roles: member(mine.teamId), now: NOW, incidentId: open });
    expect(asked.incidents.map((i) => i.id)).toEqual([open, other]);
    expect(asked.requested).toBeNull();

    const written = await makeIncident(mine.serviceId, "written", "2026-11-20T10:00:00Z");
    const { id: postmortemId } = await db.postmortem.create({ data: { teamId: mine.teamId, incidentId: written, title: "written" }, select: { id: true } });
    expect((await findPostmortemCandidates({ roles: member(mine.teamId), now: NOW, incidentId: written })).requested).toEqual({ id: written, title: "written", postmortemId, mayWrite: true });

    const foreign = await makeIncident(theirs.serviceId, "theirs", "2026-11-20T10:00:00Z");
    const refused = await findPostmortemCandidates({ roles: member(mine.teamId), now: NOW, incidentId: foreign });
    expect(refused.requested).toEqual({ id: foreign, title: "theirs", postmortemId: null, mayWrite: false });
    expect(refused.incidents.map((i) => i.id)).not.toContain(foreign);

    expect((await findPostmortemCandidates({ roles: member(mine.teamId), now: NOW, incidentId: 2_000_000_000 })).requested).toEqual({ id: 2_000_000_000, title: null, postmortemId: null, mayWrite: false });
  });
});
