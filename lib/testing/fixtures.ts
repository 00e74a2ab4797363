/**
 * Test data for integration tests: every test makes its own team, service and
 * token with unique names, so tests never depend on each other or on the seed.
 */
import { randomBytes } from "node:crypto";
import { createApiToken } from "@/lib/auth/server/create-api-token";
import { db } from "@/lib/db";
import type { TTokenScope } from "@/lib/auth/tokens";
import { ZDeploymentInputSchema } from "@/lib/deployments/schemas";

export function uniqueSlug(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

export async function makeService(): Promise<{ teamId: number; serviceId: number; slug: string }> {
  const team = await db.team.create({ data: { slug: uniqueSlug("team"), name: "Test team" }, select: { id: true } });
  const slug = uniqueSlug("svc");
  const service = await db.service.create({ data: { slug, name: slug, teamId: team.id }, select: { id: true } });
  return { teamId: team.id, serviceId: service.id, slug };
}

export async function makeToken(scopes: TTokenScope[] = ["ingest"]): Promise<{ id: number; token: string }> {
  const created = await createApiToken({ name: uniqueSlug("token"), scopes, actor: { system: "test" } });
  return { id: created.id, token: created.token };
}

/** A team (nested under `parentId` when given) with one service. */
export async function makeTeamService({ parentId = null }: { parentId?: number | null } = {}): Promise<{ teamId: number; serviceId: number; slug: string }> {
  const team = await db.team.create({ data: { slug: uniqueSlug("team"), name: "Test team", parentId }, select: { id: true } });
  const slug = uniqueSlug("svc");
  const service = await db.service.create({ data: { slug, name: slug, teamId: team.id }, select: { id: true } });
  return { teamId: team.id, serviceId: service.id, slug };
}

/** A token scoped to one team (and the teams nested under it). */
export async function makeTeamToken(teamId: number, scopes: TTokenScope[] = ["ingest"]): Promise<{ id: number; token: string }> {
  const created = await createApiToken({ name: uniqueSlug("token"), scopes, teamId, actor: { system: "test" } });
  return { id: created.id, token: created.token };
}

/** A valid production deployment to ingest, as a client would post it (a finished success with no commits). */
export function deploymentInput(serviceSlug: string, source: string, externalId: string, overrides: Record<string, unknown> = {}) {
  return ZDeploymentInputSchema.parse({
    service: serviceSlug,
    environment: "production",
    status: "succeeded",
    startedAt: "2026-11-20T10:00:00Z",
    finishedAt: "2026-11-20T10:10:00Z",
    source,
    externalId,
    commits: [],
    ...overrides,
  });
}
