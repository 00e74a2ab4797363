import "server-only";
import type { TAuditOrigin } from "@/lib/audit/server/audit";
import { env } from "@/lib/env";
import { reattributeIncidents } from "@/lib/incidents/server/reattribute-incidents";
import { log } from "@/lib/log";
import { batches } from "@/lib/db/transaction";

const BATCH = 1000;

/**
 * After deployments from CodePipeline are written (a sync, an event, a
 * catalog remap), the incidents the attribution rule may now give to them
 * are attributed again, as for deployments posted to the ingest API. Runs
 * after the write has committed; a failure is logged, not thrown: the
 * deployments stand, and the next change to the incident or deployment
 * applies the rule again.
 */
export async function reattributeAfterWrite(deploymentIds: readonly number[], origin: TAuditOrigin = {}): Promise<number> {
  let changed = 0;
  for (const batch of batches([...new Set(deploymentIds)], BATCH)) {
    try {
      changed += (await reattributeIncidents({ deploymentIds: batch, windowHours: env().attributionWindowHours, origin })).length;
    } catch (error) {
      log.error({ err: error, deployments: batch.length }, "could not attribute incidents to deployments from CodePipeline");
    }
  }
  return changed;
}
