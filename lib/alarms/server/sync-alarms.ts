import "server-only";
import type { CloudWatchClient } from "@/lib/alarms/collect/cloudwatch";
import { cloudWatchAlarmReader, type TAlarmRegionResult, type TCloudWatchAlarmTuning, type TStoredAlarmRegion } from "@/lib/alarms/collect/sync-region";
import { configuredIncidentRules } from "@/lib/alarms/server/alarm-store";
import { loadStoredAlarms } from "@/lib/alarms/server/load-stored-alarms";
import { storeAlarmSync, type TStoreAlarmSyncOutcome } from "@/lib/alarms/server/store-alarm-sync";
import { runCollector, type TCollector, type TRecordedSync, type TRunCollectorOptions } from "@/lib/aws/server/run-collector";
import { env } from "@/lib/env";

/** The CloudWatch alarm collector: reads alarms and their history (lib/alarms/collect), stores them with the incidents they open or resolve. */
export const cloudWatchAlarmCollector: TCollector<CloudWatchClient, TStoredAlarmRegion, TAlarmRegionResult, TStoreAlarmSyncOutcome, TCloudWatchAlarmTuning> = {
  source: "CLOUDWATCH",
  reader: cloudWatchAlarmReader,
  loadStored: loadStoredAlarms,
  store: ({ awsAccountId, result, syncStartedAt }) => storeAlarmSync({ awsAccountId, result, syncStartedAt, incidentRules: configuredIncidentRules() }),
  configuredTuning: () => ({ intervalMinutes: env().PORTSIDE_SYNC_INTERVAL_MINUTES }),
};

export type TSyncAlarmsOptions = TRunCollectorOptions<CloudWatchClient, TCloudWatchAlarmTuning>;

export type TSyncAlarmsOutcome = TRecordedSync<TStoreAlarmSyncOutcome>;

/**
 * Syncs CloudWatch alarms for the registered accounts × regions once, stores
 * what it read (with the incidents it opens or resolves), and records a
 * SyncRun (source CLOUDWATCH) per account × region
 * (lib/aws/server/run-collector.ts). One account or region failing never
 * stops the others.
 */
export async function syncAlarms(options: TSyncAlarmsOptions = {}): Promise<TSyncAlarmsOutcome[]> {
  return runCollector(cloudWatchAlarmCollector, options);
}
