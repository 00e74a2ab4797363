/**
 * CloudWatch alarm sync for one account × region (the fan-out over accounts
 * and regions is lib/aws/fan-out.ts's). Reads AWS only; what to store comes
 * back as plain data, and what is stored comes in as plain data (no database here).
 *
 * Calls per region and sync: DescribeAlarms (one per 100 alarms),
 * DescribeAlarmHistory from the stored cursor (one per 100 new entries), and
 * ListTagsForResource only for alarms that are new, whose configuration
 * changed, or whose turn it is to be re-read (tagging an alarm does not
 * change its configuration time, so each alarm's tags are read again about
 * once every `tagRefreshRounds` syncs, a slice at a time).
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { getAlarmTags, listAllAlarms, listStateHistory } from "@/lib/alarms/collect/cloudwatch";
import type { TAlarmRecord, TAlarmTransitionRecord, TStoredAlarm } from "@/lib/alarms/collect/types";
import { describeAwsError, type TSyncStats } from "@/lib/aws/clients";
import { listProblems, mapWithConcurrency, type TRegionReader } from "@/lib/aws/fan-out";
import { isRefreshRound } from "@/lib/aws/refresh-rounds";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";

export const DEFAULT_TAG_CONCURRENCY = 4;
/** With a 5-minute schedule, every alarm's tags are read again about once a day. */
export const DEFAULT_TAG_REFRESH_ROUNDS = 288;
/** History is asked for from a little before the cursor: entries can be written late. Repeats are deduplicated when stored. */
export const HISTORY_OVERLAP_MS = 5 * 60_000;

export interface TSyncedAlarm extends TAlarmRecord {
  /** Null when not read this time: the stored tags stand. */
  tags: Record<string, string> | null;
}

export interface TAlarmRegionResult {
  accountId: string;
  region: string;
  alarms: TSyncedAlarm[];
  /** StateUpdate history since the cursor, oldest first, for alarms that exist. */
  transitions: TAlarmTransitionRecord[];
  /** Stored alarms (ARNs) no longer in AWS. */
  removedAlarms: string[];
  /** The new history cursor; null when the history could not be read (the old one stands). */
  historyThrough: Date | null;
  failures: { alarm: string; error: string }[];
  stats: TSyncStats;
}

export interface TSyncAlarmRegionOptions {
  client: CloudWatchClient;
  accountId: string;
  region: string;
  stats: TSyncStats;
  /** Stored alarms of this account × region, by ARN. */
  stored?: ReadonlyMap<string, TStoredAlarm>;
  /** The stored history cursor; null for a first sync (all the history CloudWatch keeps). */
  historyThrough?: Date | null;
  /** When the sync started: picks the slice of alarms whose tags are re-read. */
  now?: Date;
  tagRefreshRounds?: number;
  intervalMinutes?: number;
  tagConcurrency?: number;
}

/** Whether an alarm's tags must be read in this sync. */
export function needsTags(alarm: TAlarmRecord, stored: TStoredAlarm | undefined, rotation: { now: Date; intervalMinutes: number; rounds: number }): boolean {
  if (!stored) return true;
  if ((alarm.configUpdatedAt?.getTime() ?? null) !== (stored.configUpdatedAt?.getTime() ?? null)) return true;
  return isRefreshRound(alarm.arn, rotation);
}

/**
 * Syncs the alarms of one account × region. If DescribeAlarms fails the
 * region fails (UPSTREAM AppError); a tag read or the history failing is
 * recorded in `failures` and the rest is kept.
 */
export async function syncAlarmRegion(options: TSyncAlarmRegionOptions): Promise<TAlarmRegionResult> {
  const { client, accountId, region, stats, stored = new Map<string, TStoredAlarm>() } = options;
  let alarms: TAlarmRecord[];
  try {
    alarms = await listAllAlarms(client);
  } catch (error) {
    throw new AppError("UPSTREAM", `Could not list CloudWatch alarms in account ${accountId}, region ${region}: ${describeAwsError(error, "DescribeAlarms")}`, {
      cause: error,
      details: { accountId, region, operation: "DescribeAlarms" },
    });
  }
  const rotation = { now: options.now ?? new Date(), intervalMinutes: options.intervalMinutes ?? 5, rounds: options.tagRefreshRounds ?? DEFAULT_TAG_REFRESH_ROUNDS };
  const failures: TAlarmRegionResult["failures"] = [];

  const synced = await mapWithConcurrency(alarms, options.tagConcurrency ?? DEFAULT_TAG_CONCURRENCY, async (alarm): Promise<TSyncedAlarm> => {
    if (!needsTags(alarm, stored.get(alarm.arn), rotation)) return { ...alarm, tags: null };
    try {
      return { ...alarm, tags: await getAlarmTags(client, alarm.arn) };
    } catch (error) {
      if (error instanceof Error && error.name === "ResourceNotFoundException") return { ...alarm, tags: null };
      log.warn({ err: error, accountId, region, alarm: alarm.name }, "could not read an alarm's tags");
      failures.push({ alarm: alarm.name, error: describeAwsError(error, "ListTagsForResource") });
      // A new alarm is stored untagged (unmapped) and read again next time, since its stored configuration time stays unset.
      return { ...alarm, tags: null, ...(stored.has(alarm.arn) ? {} : { configUpdatedAt: null }) };
    }
  });

  const previous = options.historyThrough ?? null;
  let transitions: TAlarmTransitionRecord[] = [];
  let historyThrough: Date | null = null;
  try {
    const since = previous ? new Date(previous.getTime() - HISTORY_OVERLAP_MS) : null;
    const names = new Set(alarms.map((a) => a.name));
    const all = await listStateHistory(client, { since });
    transitions = all.filter((t) => names.has(t.alarmName));
    historyThrough = all.reduce<Date | null>((latest, t) => (!latest || t.at > latest ? t.at : latest), previous);
  } catch (error) {
    log.warn({ err: error, accountId, region }, "could not read the alarm history");
    failures.push({ alarm: "(history)", error: describeAwsError(error, "DescribeAlarmHistory") });
  }

  const listed = new Set(alarms.map((a) => a.arn));
  return {
    accountId,
    region,
    alarms: synced,
    transitions,
    removedAlarms: [...stored.keys()].filter((arn) => !listed.has(arn)),
    historyThrough,
    failures,
    stats,
  };
}

/** What the last syncs stored for an account × region: its alarms by ARN, and the history cursor. */
export type TStoredAlarmRegion = Pick<TSyncAlarmRegionOptions, "stored" | "historyThrough">;

/** The collector's knobs (lib/aws/server/run-collector.ts passes them through). */
export type TCloudWatchAlarmTuning = Pick<TSyncAlarmRegionOptions, "now" | "tagRefreshRounds" | "intervalMinutes" | "tagConcurrency">;

/** CloudWatch alarms as the generic collector reads them (lib/aws/fan-out.ts): one account × region's alarms and their history. */
export const cloudWatchAlarmReader: TRegionReader<CloudWatchClient, TStoredAlarmRegion, TAlarmRegionResult, TCloudWatchAlarmTuning> = {
  label: "CloudWatch alarm sync",
  clientClass: CloudWatchClient,
  read: ({ client, accountId, region, stats, stored, tuning }) => syncAlarmRegion({ client, accountId, region, stats, ...stored, ...tuning }),
  describeProblems(result) {
    if (result.failures.length === 0) return null;
    return `${result.failures.length} problem(s) over ${result.alarms.length} alarms: ${listProblems(result.failures.map((f) => ({ name: f.alarm, error: f.error })))}`;
  },
};
