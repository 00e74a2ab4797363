import "server-only";
import { getPool } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { compareMaps, type TEdgeComparison, type TNodeComparison } from "@/lib/servicemap/compare";
import type { TServiceMap } from "@/lib/servicemap/schemas";
import { aggregateServiceGraph, focusGraph } from "@/lib/servicemap/server/get-service-map";

/** One side's map: the deployed service and its neighbours over that window. */
export type TComparedMap = Pick<TServiceMap, "window" | "nodes" | "edges">;

export interface TDeploymentComparison {
  deployment: { id: number; version: string | null; environment: string; status: string; startedAt: string; finishedAt: string | null; service: { slug: string; name: string } };
  /** Equal lengths: the window before the deployment started, and the one after it finished (shorter when it finished recently). */
  before: { from: string; to: string };
  after: { from: string; to: string };
  minutes: number;
  maps: { before: TComparedMap; after: TComparedMap };
  nodes: TNodeComparison[];
  edges: TEdgeComparison[];
}

/** The deployment's service and its neighbours on the map, the same length of time before and after it, with what changed. */
export async function compareDeployment({ deploymentId, minutes = 60, now = new Date() }: { deploymentId: number; minutes?: number; now?: Date }): Promise<TDeploymentComparison> {
  const { rows } = await getPool().query<{ id: number; version: string | null; environment: string; status: string; startedAt: Date; finishedAt: Date | null; slug: string; name: string }>(
    `SELECT d.id, d.version, d.environment, d.status::text, d."startedAt" AT TIME ZONE 'UTC' AS "startedAt", d."finishedAt" AT TIME ZONE 'UTC' AS "finishedAt", s.slug, s.name
     FROM "Deployment" d JOIN "Service" s ON s.id = d."serviceId" WHERE d.id = $1`,
    [deploymentId],
  );
  const d = rows[0];
  if (!d) throw new AppError("NOT_FOUND", `No deployment ${deploymentId}.`);
  const pivot = (d.finishedAt ?? d.startedAt).getTime();
  const lengthMs = Math.min(minutes * 60_000, now.getTime() - pivot);
  if (lengthMs < 5 * 60_000) throw new AppError("CONFLICT", "The deployment finished less than 5 minutes ago: there is nothing to compare yet.");
  const before = { from: new Date(d.startedAt.getTime() - lengthMs), to: d.startedAt };
  const after = { from: new Date(pivot), to: new Date(pivot + lengthMs) };
  const [b, a] = await Promise.all([aggregateServiceGraph({ group: "Default", window: before, now }), aggregateServiceGraph({ group: "Default", window: after, now })]);
  const isOwn = (n: { service: { slug: string } | null }) => n.service?.slug === d.slug;
  const maps = { before: focusGraph(b, isOwn), after: focusGraph(a, isOwn) };
  const diff = compareMaps(maps.before, maps.after);
  return {
    deployment: { id: d.id, version: d.version, environment: d.environment, status: d.status, startedAt: d.startedAt.toISOString(), finishedAt: d.finishedAt?.toISOString() ?? null, service: { slug: d.slug, name: d.name } },
    before: { from: b.window.from, to: b.window.to },
    after: { from: a.window.from, to: a.window.to },
    minutes: lengthMs / 60_000,
    maps,
    ...diff,
  };
}
