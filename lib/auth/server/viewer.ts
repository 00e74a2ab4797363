import "server-only";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { expandTeamRoles, holdsAnywhere, type TPermission, type TTeamRole, type TUserRoles } from "@/lib/auth/permissions";
import { getAuth } from "@/lib/auth/server/auth";
import { db } from "@/lib/db";

/** A signed-in person: who they are and what roles they hold. */
export interface TViewer extends TUserRoles {
  kind: "user";
  userId: number;
  sessionId: number;
  email: string;
  name: string;
  /** Direct memberships, for "my teams". */
  memberships: { teamId: number; slug: string; name: string; role: TTeamRole }[];
}

/** The person behind a request's session cookie, or null. Reads the session and roles fresh: a revoked session or role ends at once. */
export async function viewerFromHeaders(requestHeaders: Headers): Promise<TViewer | null> {
  const session = await getAuth().api.getSession({ headers: requestHeaders });
  if (!session) return null;
  const userId = Number(session.user.id);
  const [user, teams] = await Promise.all([
    db.user.findUnique({
      where: { id: userId },
      select: {
        orgRole: true,
        memberships: { select: { teamId: true, role: true, team: { select: { slug: true, name: true } } }, orderBy: { team: { name: "asc" } } },
      },
    }),
    db.team.findMany({ select: { id: true, parentId: true } }),
  ]);
  if (!user) return null;
  const memberships = user.memberships.map((m) => ({ teamId: m.teamId, slug: m.team.slug, name: m.team.name, role: m.role }));
  return {
    kind: "user",
    userId,
    sessionId: Number(session.session.id),
    email: session.user.email,
    name: session.user.name,
    orgRole: user.orgRole,
    teamRoles: expandTeamRoles(memberships, new Map(teams.map((t) => [t.id, t.parentId]))),
    memberships,
  };
}

/** The signed-in person for this page render (once per request). */
export const getViewer = cache(async (): Promise<TViewer | null> => viewerFromHeaders(await headers()));

/** For pages: the signed-in person, or off to the sign-in page. */
export async function requireViewer(): Promise<TViewer> {
  const viewer = await getViewer();
  if (!viewer) redirect("/sign-in");
  return viewer;
}

/** For pages: the signed-in person holding `permission` somewhere, or the 403 page. */
export async function requireViewerWith(permission: TPermission): Promise<TViewer> {
  const viewer = await requireViewer();
  if (!holdsAnywhere(viewer, permission)) forbidden();
  return viewer;
}
