import "server-only";
import { db } from "@/lib/db";

const ROLE_ORDER = { ADMIN: 0, EXECUTIVE: 1, VIEWER: 2 } as const;

export interface TFindDevSignInUsersOptions {
  /** At most this many people to offer. */
  limit?: number;
}

/**
 * The people the dev sign-in offers to sign in as, with their teams.
 * Admins and executives first: they are who one usually wants to be.
 */
export async function findDevSignInUsers({ limit = 200 }: TFindDevSignInUsersOptions = {}) {
  const users = await db.user.findMany({
    orderBy: { name: "asc" },
    take: limit,
    select: { email: true, name: true, orgRole: true, memberships: { select: { role: true, team: { select: { name: true } } } } },
  });
  return users
    .sort((a, b) => ROLE_ORDER[a.orgRole] - ROLE_ORDER[b.orgRole])
    .map((u) => ({ email: u.email, name: u.name, orgRole: u.orgRole, teams: u.memberships.map((m) => `${m.team.name} (${m.role.toLowerCase()})`) }));
}
