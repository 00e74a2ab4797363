import "server-only";
import { env } from "@/lib/env";
import { runRecordedSyncs, type TRecordedSync } from "@/lib/aws/server/recorded-syncs";
import { syncAll, type TSyncAllOptions } from "@/lib/pipelines/collect/sync-region";
import { reattributeAfterWrite } from "@/lib/pipelines/server/reattribute-after-write";
import { loadStoredPipelines } from "@/lib/pipelines/server/load-stored-pipelines";
import { storeRegionSync, type TStoreRegionSyncOutcome } from "@/lib/pipelines/server/store-region-sync";

export interface TSyncPipelinesOptions
  extends Pick<
    TSyncAllOptions,
    "createClient" | "isDefinitionRefreshForced" | "definitionRefreshRounds" | "now" | "maxFirstSyncExecutions" | "maxIncrementalExecutions" | "regionConcurrency" | "pipelineConcurrency"
  > {
  /** Only this account (12-digit id); all registered accounts when absent. */
  accountId?: string;
  /** Only this region of each account; every region the account lists when absent. */
  region?: string;
}

export type TSyncPipelinesOutcome = TRecordedSync<TStoreRegionSyncOutcome>;

/**
 * Syncs CodePipeline for the registered accounts × regions once, stores what
 * it read, and records a SyncRun per account × region (lib/aws/server/recorded-syncs.ts).
 * Incidents the attribution rule now gives to the deployments written are attributed again.
 */
export async function syncPipelines(options: TSyncPipelinesOptions = {}): Promise<TSyncPipelinesOutcome[]> {
  const { accountId, region, ...tuning } = options;
  return runRecordedSyncs<TStoreRegionSyncOutcome>({ source: "CODEPIPELINE", accountId, region }, (accounts, hooks) =>
    syncAll(accounts, {
      // Each pipeline's definition and tags are read again once a day or so (its turn in the rotation), as alarms' tags are.
      intervalMinutes: env().PORTSIDE_SYNC_INTERVAL_MINUTES,
      ...tuning,
      async loadStored(target) {
        const awsAccountId = await hooks.begin(target);
        return { stored: await loadStoredPipelines({ awsAccountId, region: target.region }) };
      },
      async onRegionSynced(result) {
        const stored = await hooks.store(result, (awsAccountId, startedAt) => storeRegionSync({ awsAccountId, result, syncStartedAt: startedAt }));
        await reattributeAfterWrite(stored.deployments.deploymentIds);
      },
    }),
  );
}
