import "server-only";
import type { CodePipelineClient } from "@/lib/pipelines/collect/codepipeline";
import { runCollector, type TCollector, type TRecordedSync, type TRunCollectorOptions } from "@/lib/aws/server/run-collector";
import { env } from "@/lib/env";
import { codePipelineReader, type TCodePipelineTuning, type TSyncRegionResult } from "@/lib/pipelines/collect/sync-region";
import type { TStoredPipeline } from "@/lib/pipelines/collect/types";
import { loadStoredPipelines } from "@/lib/pipelines/server/load-stored-pipelines";
import { reattributeAfterWrite } from "@/lib/pipelines/server/reattribute-after-write";
import { storeRegionSync, type TStoreRegionSyncOutcome } from "@/lib/pipelines/server/store-region-sync";

/**
 * The CodePipeline collector: reads pipelines, their state and executions
 * (lib/pipelines/collect), stores them and the deployments they make, and
 * attributes again the incidents the attribution rule now gives to the
 * deployments written.
 */
export const codePipelineCollector: TCollector<CodePipelineClient, ReadonlyMap<string, TStoredPipeline>, TSyncRegionResult, TStoreRegionSyncOutcome, TCodePipelineTuning> = {
  source: "CODEPIPELINE",
  reader: codePipelineReader,
  loadStored: loadStoredPipelines,
  async store({ awsAccountId, result, syncStartedAt }) {
    const stored = await storeRegionSync({ awsAccountId, result, syncStartedAt });
    await reattributeAfterWrite(stored.deployments.deploymentIds);
    return stored;
  },
  // Each pipeline's definition and tags are read again once a day or so (its turn in the rotation), as alarms' tags are.
  configuredTuning: () => ({ intervalMinutes: env().PORTSIDE_SYNC_INTERVAL_MINUTES }),
};

export type TSyncPipelinesOptions = TRunCollectorOptions<CodePipelineClient, TCodePipelineTuning>;

export type TSyncPipelinesOutcome = TRecordedSync<TStoreRegionSyncOutcome>;

/**
 * Syncs CodePipeline for the registered accounts × regions once, stores what
 * it read, and records a SyncRun per account × region (lib/aws/server/run-collector.ts).
 */
export async function syncPipelines(options: TSyncPipelinesOptions = {}): Promise<TSyncPipelinesOutcome[]> {
  return runCollector(codePipelineCollector, options);
}
