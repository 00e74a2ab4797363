import { describe, expect, it } from "vitest";
import {
  expandTeamRoles,
  holdsAnywhere,
  holdsEverywhere,
  holdsForTeam,
  PERMISSIONS,
  teamsHolding,
  type TTeamRole,
  type TUserRoles,
} from "@/lib/auth/permissions";

// 1 = platform group; 2 and 3 are teams in it; 4 is a team in 3; 5 stands alone.
const parents = new Map<number, number | null>([
  [1, null],
  [2, 1],
  [3, 1],
  [4, 3],
  [5, null],
]);

function roles(orgRole: TUserRoles["orgRole"], memberships: { teamId: number; role: TTeamRole }[] = []): TUserRoles {
  return { orgRole, teamRoles: expandTeamRoles(memberships, parents) };
}

describe("expandTeamRoles", () => {
  it("gives a role held in a group to every team nested under it, and no further", () => {
    const expanded = expandTeamRoles([{ teamId: 3, role: "MAINTAINER" }], parents);
    expect([...expanded.keys()].sort()).toEqual([3, 4]);
    expect(expanded.get(4)).toEqual(new Set(["MAINTAINER"]));
  });

  it("merges roles from several memberships", () => {
    const expanded = expandTeamRoles(
      [
        { teamId: 1, role: "MEMBER" },
        { teamId: 4, role: "APPROVER" },
      ],
      parents,
    );
    expect(expanded.get(4)).toEqual(new Set(["MEMBER", "APPROVER"]));
    expect(expanded.get(5)).toBeUndefined();
  });

  it("survives a cycle in the team tree", () => {
    const cyclic = new Map<number, number | null>([
      [1, 2],
      [2, 1],
    ]);
    expect(expandTeamRoles([{ teamId: 1, role: "MEMBER" }], cyclic).size).toBe(2);
  });
});

describe("holdsForTeam", () => {
  it("lets admins do anything anywhere", () => {
    const admin = roles("ADMIN");
    expect(holdsForTeam(admin, "token.manage", 5)).toBe(true);
    expect(holdsEverywhere(admin, "account.manage")).toBe(true);
  });

  it("keeps viewers and executives to reading", () => {
    for (const orgRole of ["VIEWER", "EXECUTIVE"] as const) {
      expect(holdsEverywhere(roles(orgRole), "catalog.read")).toBe(true);
      expect(holdsAnywhere(roles(orgRole), "token.manage")).toBe(false);
      expect(holdsEverywhere(roles(orgRole), "audit.read")).toBe(false);
    }
  });

  it("lets a maintainer manage tokens for their team and the teams under it only", () => {
    const maintainer = roles("VIEWER", [{ teamId: 3, role: "MAINTAINER" }]);
    expect(holdsForTeam(maintainer, "token.manage", 3)).toBe(true);
    expect(holdsForTeam(maintainer, "token.manage", 4)).toBe(true);
    expect(holdsForTeam(maintainer, "token.manage", 2)).toBe(false);
    expect(holdsForTeam(maintainer, "token.manage", 1)).toBe(false);
    expect(holdsEverywhere(maintainer, "token.manage")).toBe(false);
    expect(teamsHolding(maintainer, "token.manage").sort()).toEqual([3, 4]);
  });

  it("lets approvers approve but not manage tokens, and members request but not approve", () => {
    const approver = roles("VIEWER", [{ teamId: 2, role: "APPROVER" }]);
    expect(holdsForTeam(approver, "environment.approve", 2)).toBe(true);
    expect(holdsForTeam(approver, "token.manage", 2)).toBe(false);
    const member = roles("VIEWER", [{ teamId: 2, role: "MEMBER" }]);
    expect(holdsForTeam(member, "environment.request", 2)).toBe(true);
    expect(holdsForTeam(member, "environment.approve", 2)).toBe(false);
    expect(holdsAnywhere(member, "token.manage")).toBe(false);
  });

  it("lets anyone in a team (and the teams under it) handle its incidents, and machines record but never re-attribute them", () => {
    for (const role of ["MEMBER", "MAINTAINER", "APPROVER"] as const) {
      const person = roles("VIEWER", [{ teamId: 3, role }]);
      expect(holdsForTeam(person, "incident.manage", 4)).toBe(true);
      expect(holdsForTeam(person, "incident.record", 3)).toBe(true);
      expect(holdsForTeam(person, "incident.manage", 2)).toBe(false);
    }
    expect(holdsAnywhere(roles("EXECUTIVE"), "incident.record")).toBe(false);
    expect(holdsEverywhere(roles("ADMIN"), "incident.manage")).toBe(true);
    expect(PERMISSIONS["incident.record"].tokenScope).toBe("ingest");
    expect("tokenScope" in PERMISSIONS["incident.manage"]).toBe(false);
  });
});
