import "server-only";
import { runRecordedSyncs, type TRecordedSync } from "@/lib/aws/server/recorded-syncs";
import { getPool } from "@/lib/db";
import { env } from "@/lib/env";
import { collectAll, type TCollectAllOptions } from "@/lib/servicemap/collect/collect-region";
import { loadXrayCursors, storeXraySync, type TStoreXraySyncOutcome } from "@/lib/servicemap/server/store-xray-sync";

export interface TSyncXrayOptions extends Omit<TCollectAllOptions, "loadCursors" | "onRegionCollected"> {
  accountId?: string;
  region?: string;
}

export type TSyncXrayOutcome = TRecordedSync<TStoreXraySyncOutcome>;

/**
 * Collects X-Ray (service graph buckets and trace summaries) for the
 * registered accounts × regions once, stores it, and records a SyncRun
 * (source XRAY) per account × region (lib/aws/server/recorded-syncs.ts).
 * One failing account or region never stops the others.
 */
export async function syncXray(options: TSyncXrayOptions = {}): Promise<TSyncXrayOutcome[]> {
  const { accountId, region, ...tuning } = options;
  return runRecordedSyncs<TStoreXraySyncOutcome>({ source: "XRAY", accountId, region }, (accounts, hooks) =>
    collectAll(accounts, {
      backfillMs: env().xrayBackfillHours * 3600_000,
      ...tuning,
      async loadCursors(target) {
        const awsAccountId = await hooks.begin(target);
        return loadXrayCursors(getPool(), awsAccountId, target.region);
      },
      async onRegionCollected(result) {
        await hooks.store(result, (awsAccountId) => storeXraySync({ awsAccountId, result }));
      },
    }),
  );
}
