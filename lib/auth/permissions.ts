/**
 * Who may do what, as data. Every route handler names one permission (see
 * withAuth); this table decides. Org roles apply everywhere; team roles apply
 * to the team they are held in and every team nested under it. The matrix
 * test (app/api/authorization-matrix.integration.test.ts) checks every
 * mutating route against every role.
 */
import type { TTokenScope } from "@/lib/auth/tokens";

export const ORG_ROLES = ["VIEWER", "EXECUTIVE", "ADMIN"] as const;
export type TOrgRole = (typeof ORG_ROLES)[number];
export const TEAM_ROLES = ["MEMBER", "MAINTAINER", "APPROVER"] as const;
export type TTeamRole = (typeof TEAM_ROLES)[number];

export interface TPermissionRule {
  /** What it lets someone do, for error messages and the docs. */
  description: string;
  /** Org roles that hold it everywhere. */
  org: readonly TOrgRole[];
  /** Team roles that hold it for their team (and teams under it); empty: not team-scoped. */
  team: readonly TTeamRole[];
  /** The scope an API token needs for it; absent: tokens cannot do it. */
  tokenScope?: TTokenScope;
}

const EVERYONE: readonly TOrgRole[] = ORG_ROLES;
const ADMIN: readonly TOrgRole[] = ["ADMIN"];

export const PERMISSIONS = {
  "catalog.read": { description: "read the catalog and everything the organisation shares", org: EVERYONE, team: [], tokenScope: "read" },
  "deployment.ingest": { description: "record deployments (API tokens with the ingest scope only)", org: [], team: [], tokenScope: "ingest" },
  "event.ingest": { description: "send AWS events to the portal (organisation-wide API tokens with the ingest scope only)", org: [], team: [], tokenScope: "ingest" },
  "token.manage": { description: "create and revoke API tokens", org: ADMIN, team: ["MAINTAINER"] },
  "catalog.import": { description: "import catalog-info.yaml files", org: ADMIN, team: [] },
  "account.manage": { description: "add, change and remove AWS accounts", org: ADMIN, team: [] },
  "user.manage": { description: "change people's roles", org: ADMIN, team: [] },
  "audit.read": { description: "read the audit log", org: ADMIN, team: [] },
  "service.manage": { description: "change a team's services", org: ADMIN, team: ["MAINTAINER"] },
  "environment.request": { description: "request environments", org: ADMIN, team: ["MEMBER", "MAINTAINER", "APPROVER"] },
  "environment.approve": { description: "approve environment requests", org: ADMIN, team: ["APPROVER"] },
  // Anyone in the service's team may open, acknowledge and resolve its incidents; machines (PagerDuty- or
  // Opsgenie-style webhooks) record them with an ingest token, but only a person re-attributes or corrects one.
  "incident.record": { description: "record incidents for a team's services", org: ADMIN, team: ["MEMBER", "MAINTAINER", "APPROVER"], tokenScope: "ingest" },
  "incident.manage": { description: "acknowledge, resolve and re-attribute a team's incidents", org: ADMIN, team: ["MEMBER", "MAINTAINER", "APPROVER"] },
  // Postmortems belong to the incident's team: its members write them, its approvers (never an author) approve them.
  "postmortem.write": { description: "write a team's postmortems and their action items", org: ADMIN, team: ["MEMBER", "MAINTAINER", "APPROVER"] },
  "postmortem.review": { description: "review, approve and reopen a team's postmortems", org: ADMIN, team: ["APPROVER"] },
  "postmortem.rules": { description: "set which incidents require a postmortem", org: ADMIN, team: ["MAINTAINER"] },
  "pipeline.approve": { description: "approve or reject a pipeline's manual approval", org: ADMIN, team: ["MAINTAINER", "APPROVER"] },
} as const satisfies Record<string, TPermissionRule>;

export type TPermission = keyof typeof PERMISSIONS;

/** A signed-in person as the rules see them: org role, and team roles by team id (nesting already expanded). */
export interface TUserRoles {
  orgRole: TOrgRole;
  teamRoles: ReadonlyMap<number, ReadonlySet<TTeamRole>>;
}

export function isTeamScoped(permission: TPermission): boolean {
  return PERMISSIONS[permission].team.length > 0;
}

/** Whether the person holds the permission org-wide (for any team, or for things no team owns). */
export function holdsEverywhere(roles: TUserRoles, permission: TPermission): boolean {
  return (PERMISSIONS[permission].org as readonly TOrgRole[]).includes(roles.orgRole);
}

/** Whether the person holds the permission for this team. */
export function holdsForTeam(roles: TUserRoles, permission: TPermission, teamId: number): boolean {
  if (holdsEverywhere(roles, permission)) return true;
  const held = roles.teamRoles.get(teamId);
  if (!held) return false;
  return (PERMISSIONS[permission].team as readonly TTeamRole[]).some((role) => held.has(role));
}

/** Whether the person holds the permission for at least one team (or everywhere). */
export function holdsAnywhere(roles: TUserRoles, permission: TPermission): boolean {
  if (holdsEverywhere(roles, permission)) return true;
  const wanted = PERMISSIONS[permission].team as readonly TTeamRole[];
  for (const held of roles.teamRoles.values()) if (wanted.some((role) => held.has(role))) return true;
  return false;
}

/** Ids of the teams the person holds the permission for (ignoring org-wide grants). */
export function teamsHolding(roles: TUserRoles, permission: TPermission): number[] {
  const wanted = PERMISSIONS[permission].team as readonly TTeamRole[];
  return [...roles.teamRoles].filter(([, held]) => wanted.some((role) => held.has(role))).map(([teamId]) => teamId);
}

/**
 * Expands memberships down the team tree: a role held in a group holds in
 * every team nested under it. `parents` maps each team id to its parent id.
 */
export function expandTeamRoles(
  memberships: readonly { teamId: number; role: TTeamRole }[],
  parents: ReadonlyMap<number, number | null>,
): Map<number, Set<TTeamRole>> {
  const children = new Map<number, number[]>();
  for (const [teamId, parentId] of parents) {
    if (parentId === null) continue;
    const list = children.get(parentId) ?? [];
    list.push(teamId);
    children.set(parentId, list);
  }
  const result = new Map<number, Set<TTeamRole>>();
  for (const { teamId, role } of memberships) {
    const stack = [teamId];
    const seen = new Set<number>();
    while (stack.length) {
      const id = stack.pop()!;
      if (seen.has(id)) continue; // a cycle in bad data must not hang a request
      seen.add(id);
      const held = result.get(id) ?? new Set<TTeamRole>();
      held.add(role);
      result.set(id, held);
      stack.push(...(children.get(id) ?? []));
    }
  }
  return result;
}
