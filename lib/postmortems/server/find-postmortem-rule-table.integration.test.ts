import { afterAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db";
import { findPostmortemRuleTable } from "@/lib/postmortems/server/find-postmortem-rule-table";
import { makeTeamService } from "@/lib/testing/fixtures";

afterAll(closeDb);

describe("findPostmortemRuleTable", () => {
  it("gives each team its own rule, else the nearest group's, else the organisation's, and says which", async () => {
    const group = await makeTeamService();
    const middle = await makeTeamService({ parentId: group.teamId });
    const leaf = await makeTeamService({ parentId: middle.teamId });
    const own = await makeTeamService({ parentId: group.teamId });
    const alone = await makeTeamService();
    await db.postmortemRule.create({ data: { teamId: group.teamId, severities: ["SEV1", "SEV3", "SEV2"] } });
    await db.postmortemRule.create({ data: { teamId: own.teamId, severities: [] } });
    const groupName = (await db.team.findUniqueOrThrow({ where: { id: group.teamId }, select: { name: true } })).name;

    const table = await findPostmortemRuleTable();
    const byId = new Map(table.teams.map((t) => [t.id, t]));
    expect(table.organisation).toEqual(["SEV1", "SEV2"]);
    expect(byId.get(group.teamId)).toMatchObject({ own: ["SEV1", "SEV2", "SEV3"], effective: ["SEV1", "SEV2", "SEV3"], from: { kind: "team" } });
    expect(byId.get(middle.teamId)).toMatchObject({ own: null, effective: ["SEV1", "SEV2", "SEV3"], from: { kind: "group", name: groupName } });
    // Two levels down, the group's rule still applies (as the drafting trigger reads it).
    expect(byId.get(leaf.teamId)).toMatchObject({ own: null, effective: ["SEV1", "SEV2", "SEV3"], from: { kind: "group", name: groupName } });
    // An empty rule of its own is a rule: nothing requires one there.
    expect(byId.get(own.teamId)).toMatchObject({ own: [], effective: [], from: { kind: "team" } });
    expect(byId.get(alone.teamId)).toMatchObject({ own: null, effective: ["SEV1", "SEV2"], from: { kind: "organisation" } });
  });
});
