import "server-only";
import { preparedQuery } from "@/lib/db";

export interface TRefreshDoraFactsOptions {
  deploymentIds: number[];
}

/**
 * For a writer that takes the DORA refresh off its own statement: it sets
 * `SET LOCAL portside.dora_defer = 'on'` in its transaction (the triggers on
 * Deployment, Change and Incident then skip it) and calls this right after
 * committing — inline or from a queued job — with the deployments it wrote.
 * Recomputes their facts and those of every deployment they affect (failures
 * they end, commits they share), which updates the rollups. Idempotent.
 */
export async function refreshDoraFacts({ deploymentIds }: TRefreshDoraFactsOptions): Promise<void> {
  if (deploymentIds.length === 0) return;
  await preparedQuery(
    "dora-refresh-deployments",
    `SELECT dora_refresh(dora_deployment_dependents(ARRAY(SELECT d FROM "Deployment" d WHERE d.id = ANY ($1::int[]))))`,
    [deploymentIds],
  );
}
