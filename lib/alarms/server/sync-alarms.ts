import "server-only";
import { syncAllAlarms, type TSyncAllAlarmsOptions } from "@/lib/alarms/collect/sync-region";
import { configuredIncidentRules } from "@/lib/alarms/server/alarm-store";
import { loadStoredAlarms } from "@/lib/alarms/server/load-stored-alarms";
import { storeAlarmSync, type TStoreAlarmSyncOutcome } from "@/lib/alarms/server/store-alarm-sync";
import { runRecordedSyncs, type TRecordedSync } from "@/lib/aws/server/recorded-syncs";
import { env } from "@/lib/env";

export interface TSyncAlarmsOptions extends Pick<TSyncAllAlarmsOptions, "createClient" | "regionConcurrency" | "tagConcurrency" | "tagRefreshRounds" | "now"> {
  /** Only this account (12-digit id); all registered accounts when absent. */
  accountId?: string;
  /** Only this region of each account. */
  region?: string;
}

export type TSyncAlarmsOutcome = TRecordedSync<TStoreAlarmSyncOutcome>;

/**
 * Syncs CloudWatch alarms for the registered accounts × regions once, stores
 * what it read (with the incidents it opens or resolves), and records a
 * SyncRun (source CLOUDWATCH) per account × region
 * (lib/aws/server/recorded-syncs.ts). One account or region failing never
 * stops the others.
 */
export async function syncAlarms(options: TSyncAlarmsOptions = {}): Promise<TSyncAlarmsOutcome[]> {
  const { accountId, region, ...tuning } = options;
  const settings = env();
  const incidentRules = configuredIncidentRules();
  return runRecordedSyncs<TStoreAlarmSyncOutcome>({ source: "CLOUDWATCH", accountId, region }, (accounts, hooks) =>
    syncAllAlarms(accounts, {
      ...tuning,
      intervalMinutes: settings.PORTSIDE_SYNC_INTERVAL_MINUTES,
      async loadStored(target) {
        const awsAccountId = await hooks.begin(target);
        return loadStoredAlarms({ awsAccountId, region: target.region });
      },
      async onRegionSynced(result) {
        await hooks.store(result, (awsAccountId, startedAt) => storeAlarmSync({ awsAccountId, result, syncStartedAt: startedAt, incidentRules }));
      },
    }),
  );
}
