import "server-only";
import { runCollector, type TCollector, type TRecordedSync, type TRunCollectorOptions } from "@/lib/aws/server/run-collector";
import { getPool } from "@/lib/db";
import { env } from "@/lib/env";
import { xrayReader, type TCollectRegionResult, type TRegionCursors, type TXrayTuning } from "@/lib/servicemap/collect/collect-region";
import type { XRayClient } from "@/lib/servicemap/collect/xray";
import { loadXrayCursors, storeXraySync, type TStoreXraySyncOutcome } from "@/lib/servicemap/server/store-xray-sync";

/** The X-Ray collector: reads service graph buckets and trace summaries since its cursors (lib/servicemap/collect), stores them. */
export const xrayCollector: TCollector<XRayClient, TRegionCursors, TCollectRegionResult, TStoreXraySyncOutcome, TXrayTuning> = {
  source: "XRAY",
  reader: xrayReader,
  loadStored: ({ awsAccountId, region }) => loadXrayCursors(getPool(), awsAccountId, region),
  store: ({ awsAccountId, result }) => storeXraySync({ awsAccountId, result }),
  configuredTuning: () => ({ backfillMs: env().xrayBackfillHours * 3600_000 }),
};

export type TSyncXrayOptions = TRunCollectorOptions<XRayClient, TXrayTuning>;

export type TSyncXrayOutcome = TRecordedSync<TStoreXraySyncOutcome>;

/**
 * Collects X-Ray (service graph buckets and trace summaries) for the
 * registered accounts × regions once, stores it, and records a SyncRun
 * (source XRAY) per account × region (lib/aws/server/run-collector.ts).
 * One failing account or region never stops the others.
 */
export async function syncXray(options: TSyncXrayOptions = {}): Promise<TSyncXrayOutcome[]> {
  return runCollector(xrayCollector, options);
}
