import "server-only";
import { holdsAnywhere, holdsForTeam, PERMISSIONS, type TPermission, type TPermissionRule } from "@/lib/auth/permissions";
import { authenticateToken, type TTokenPrincipal } from "@/lib/auth/server/authenticate-token";
import { viewerFromHeaders, type TViewer } from "@/lib/auth/server/viewer";
import { bearerToken } from "@/lib/auth/tokens";
import type { TActor } from "@/lib/audit/server/audit";
import { AppError } from "@/lib/errors";
import { isSameOrigin, withApi, type TRequestContext, type TRouteParams } from "@/lib/http";

export type TPrincipal = TViewer | TTokenPrincipal;

export interface TAuthContext<P extends TRouteParams> extends TRequestContext {
  params: P;
  principal: TPrincipal;
  /** Who to record in the audit log. */
  actor: TActor;
  /** For permissions held per team: throws 403 unless the principal holds the route's permission for this team. */
  requireTeam(teamId: number): void;
  /**
   * The resource does not exist: 404 for someone who holds the permission
   * org-wide, and for anyone else the same 403 as for another team's
   * resource, so that nobody learns what exists in teams they cannot manage.
   */
  missing(notFoundMessage: string): never;
  /** Throws 403 unless the principal holds the permission org-wide (for things no team owns). */
  requireOrgWide(message?: string): void;
}

export type TAuthHandler<P extends TRouteParams> = (request: Request, ctx: TAuthContext<P>) => Promise<Response>;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function forbidden(permission: TPermission): AppError {
  return new AppError("FORBIDDEN", `You do not have permission to ${PERMISSIONS[permission].description} here.`);
}

/**
 * CSRF: a cookie-authenticated change must come from the portal's own pages
 * (isSameOrigin: the Origin's host is PORTSIDE_BASE_URL's, else the request's
 * own Host). Session cookies are also SameSite=Lax, so this is the second of
 * two locks.
 */
export function assertSameOrigin(request: Request): void {
  if (isSameOrigin(request)) return;
  throw new AppError("FORBIDDEN", "Cross-site request refused: changes made with a browser session must come from the portal's own pages.");
}

/**
 * The one authorization layer for route handlers: who is asking (API token
 * or session cookie), whether they hold `permission` (lib/auth/permissions.ts),
 * CSRF for cookie-authenticated changes; 401 when nobody is signed in, 403
 * when the rules say no.
 */
export function withAuth<P extends TRouteParams = TRouteParams>(handler: TAuthHandler<P>, { permission }: { permission: TPermission }) {
  const rule: TPermissionRule = PERMISSIONS[permission];
  return withApi<P>(async (request, ctx) => {
    let principal: TPrincipal;
    if (bearerToken(request)) {
      principal = await authenticateToken({ request, scope: rule.tokenScope ?? null });
      if (!rule.tokenScope) throw new AppError("FORBIDDEN", `API tokens cannot ${rule.description}; sign in to the portal instead.`);
    } else {
      const viewer = await viewerFromHeaders(request.headers);
      if (!viewer) throw new AppError("UNAUTHORIZED", "Sign in to the portal, or send an API token as `Authorization: Bearer <token>`.");
      if (!SAFE_METHODS.has(request.method)) assertSameOrigin(request);
      if (!holdsAnywhere(viewer, permission)) throw forbidden(permission);
      principal = viewer;
    }
    const actor: TActor = principal.kind === "user" ? { userId: principal.userId } : { tokenId: principal.tokenId };
    const orgWide = principal.kind === "user" ? (rule.org as readonly string[]).includes(principal.orgRole) : principal.teamId === null;
    const requireOrgWide = (message?: string) => {
      if (!orgWide) throw message ? new AppError("FORBIDDEN", message) : forbidden(permission);
    };
    const missing = (notFoundMessage: string): never => {
      throw orgWide ? new AppError("NOT_FOUND", notFoundMessage) : forbidden(permission);
    };
    const requireTeam = (teamId: number) => {
      const allowed = principal.kind === "user" ? holdsForTeam(principal, permission, teamId) : principal.teamId === null || principal.teamId === teamId;
      if (!allowed) throw forbidden(permission);
    };
    return handler(request, { ...ctx, principal, actor, requireTeam, requireOrgWide, missing });
  });
}
