import "server-only";
import { isAppError } from "@/lib/errors";
import {
  ingestDeploymentRequests,
  type TIngestDeploymentsOptions,
  type TIngestDeploymentsResult,
  type TIngestRequest,
  type TIngestRequestOutcome,
} from "@/lib/deployments/server/ingest-deployments";

/**
 * Group commit for POST /api/deployments: requests of the same token (or
 * user) that arrive while one of its statements runs wait for it, then go
 * together in the next statement, each with its own result and audit row.
 * A lone request goes at once, as before; under load, one statement and one
 * commit serve many single posts (an ingest statement costs PostgreSQL about
 * 1.4 ms of CPU whether it carries one deployment or forty).
 *
 * A group never repeats a deployment (source + externalId: a statement may
 * write a row once) nor carries more than MAX_GROUP_DEPLOYMENTS, and keeps
 * the order requests came in. When a request's unknown service (422) or a
 * row it may not write (403: another team's; 422: a deployment moved to
 * another service) keeps the statement from writing, or a deployment a
 * concurrent request stored after the statement began fails it (409), that
 * request gets its answer and the others go again without it; when a grouped statement fails, each request goes again alone.
 */

/** The most deployments one grouped statement carries: the size of the largest batch one request may post. */
export const MAX_GROUP_DEPLOYMENTS = 1000;

interface TWaiting {
  request: TIngestRequest;
  resolve: (result: TIngestDeploymentsResult) => void;
  reject: (error: unknown) => void;
}

interface TLane {
  waiting: TWaiting[];
  isRunning: boolean;
}

const lanes = new Map<string, TLane>();

/** How many statements ran and how many requests they carried, since the process started: the tests read it to see that posts were grouped. */
export const ingestBatchStats = { statements: 0, requests: 0 };

const isActorError = (error: unknown) => isAppError(error) && (error.code === "UNAUTHORIZED" || error.code === "FORBIDDEN");
const laneKey = (actor: TIngestDeploymentsOptions["actor"]) => ("tokenHash" in actor ? `token:${actor.tokenHash}` : `user:${actor.userId}`);
const deploymentKey = (d: { source: string; externalId: string }) => `${d.source}\u0000${d.externalId}`;

/** Records one request's deployments, grouped with the actor's concurrent requests. Same result and errors as ingestDeployments. */
export function submitIngest({ actor, deployments, requestId, ip }: TIngestDeploymentsOptions): Promise<TIngestDeploymentsResult> {
  return new Promise((resolve, reject) => {
    const key = laneKey(actor);
    let lane = lanes.get(key);
    if (!lane) lanes.set(key, (lane = { waiting: [], isRunning: false }));
    lane.waiting.push({ request: { deployments, requestId, ip }, resolve, reject });
    if (!lane.isRunning) void drainLane(key, lane, actor);
  });
}

async function drainLane(key: string, lane: TLane, actor: TIngestDeploymentsOptions["actor"]): Promise<void> {
  lane.isRunning = true;
  try {
    while (lane.waiting.length > 0) await runGroup(actor, takeGroup(lane));
  } finally {
    lane.isRunning = false;
    if (lane.waiting.length === 0) lanes.delete(key);
  }
}

/**
 * The oldest waiting requests that fit together, in order: the group ends at the first one that does not (a
 * deployment repeated, or too many), so that no later request ever goes before an earlier one.
 */
function takeGroup(lane: TLane): TWaiting[] {
  const seen = new Set<string>();
  let size = 0;
  let count = 0;
  for (const w of lane.waiting) {
    const keys = w.request.deployments.map(deploymentKey);
    const fits = count === 0 || (size + keys.length <= MAX_GROUP_DEPLOYMENTS && keys.every((k) => !seen.has(k)));
    if (!fits) break;
    count += 1;
    size += keys.length;
    for (const k of keys) seen.add(k);
  }
  return lane.waiting.splice(0, count);
}

async function runGroup(actor: TIngestDeploymentsOptions["actor"], group: TWaiting[]): Promise<void> {
  let pending = group;
  while (pending.length > 0) {
    let outcomes: TIngestRequestOutcome[];
    try {
      ingestBatchStats.statements += 1;
      ingestBatchStats.requests += pending.length;
      outcomes = await ingestDeploymentRequests(
        actor,
        pending.map((w) => w.request),
      );
    } catch (error) {
      if (pending.length === 1 || isActorError(error)) {
        // The actor's check applies to every request in the statement alike (the same token).
        for (const w of pending) w.reject(error);
        return;
      }
      // Something in one request failed the statement (or the statement failed for another reason): each request
      // goes again on its own, in order, so that only what fails alone fails.
      for (const w of pending) await runGroup(actor, [w]);
      return;
    }
    const again: TWaiting[] = [];
    outcomes.forEach((outcome, i) => {
      const w = pending[i]!;
      if ("retry" in outcome) again.push(w);
      else if ("error" in outcome) w.reject(outcome.error);
      else w.resolve(outcome.result);
    });
    pending = again;
  }
}
