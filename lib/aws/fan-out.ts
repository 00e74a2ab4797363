/**
 * The part every AWS collector shares: read each account × region with a
 * client of its own (AssumeRole, adaptive retries, call counting: see
 * clients.ts), a few at a time, and never let one failing account or region
 * stop the others. What a collector reads in one account × region is its
 * adapter's (TRegionReader, in lib/<domain>/collect); storing and recording
 * it is lib/aws/server/run-collector.ts's. No database here.
 */
import { awsClients, describeAwsError, newSyncStats, type TAwsAccountRef, type TAwsClientClass, type TInstrumentable, type TSyncStats } from "@/lib/aws/clients";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";

export const DEFAULT_REGION_CONCURRENCY = 4;

/** A registered account and the regions to read in it. */
export interface TAwsAccountToSync extends TAwsAccountRef {
  regions: readonly string[];
}

/** SyncRun.status. */
export type TSyncStatus = "SUCCEEDED" | "PARTIAL" | "FAILED";

export interface TRegionTarget {
  accountId: string;
  region: string;
}

/** Runs `fn` over `items`, at most `limit` at a time; results in input order. `fn` must not reject. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** Builds the client for an account × region, counting its calls into `stats`. */
export type TCreateClient<TClient> = (account: TAwsAccountRef, region: string, stats: TSyncStats) => TClient;

/**
 * One AWS service's adapter, as the generic collector sees it: how to read
 * one account × region (SDK → our types), and what in the result makes the
 * sync PARTIAL. `TStored` is what the last runs stored and the reader needs
 * (versions, cursors); `TTuning` its own knobs (concurrency, refresh rounds, now).
 */
export interface TRegionReader<TClient extends TInstrumentable, TStored, TResult, TTuning> {
  /** Names the collector in messages and logs: "CodePipeline sync". */
  label: string;
  /** The SDK client class the default factory builds. */
  clientClass: TAwsClientClass<TClient>;
  /** Reads one account × region; throws (an UPSTREAM AppError saying why) when the region cannot be read at all. */
  read(input: TRegionTarget & { client: TClient; stats: TSyncStats; stored: TStored | undefined; tuning: TTuning }): Promise<TResult>;
  /** Why the sync is PARTIAL (what failed while the rest went through), or null when nothing did. */
  describeProblems(result: TResult): string | null;
}

export interface TRegionOutcome<TResult> {
  accountId: string;
  region: string;
  /** False when the region could not be read (or stored) at all. */
  ok: boolean;
  status: TSyncStatus;
  /** Why the region failed, or what failed when PARTIAL. */
  error?: string;
  stats: TSyncStats;
  durationMs: number;
  result?: TResult;
}

export interface TReadRegionsOptions<TClient, TStored, TResult, TTuning> {
  tuning: TTuning;
  /** Defaults to the process-wide factory (lib/aws/clients.ts). */
  createClient?: TCreateClient<TClient>;
  /** What is stored for an account × region; nothing (a first sync) when absent. A rejection fails that region only. */
  loadStored?: (target: TRegionTarget) => Promise<TStored>;
  /** Called with each region's result as soon as it is read (to store it); a rejection fails that region only. */
  onRegionRead?: (result: TResult, target: TRegionTarget) => Promise<void>;
  /** Account × region pairs read at the same time. */
  regionConcurrency?: number;
}

/**
 * Reads every account × region with `reader`. One failing account or region
 * never stops the others: each comes back with its own outcome, stats and
 * duration, ready to be recorded as a SyncRun.
 */
export async function readRegions<TClient extends TInstrumentable, TStored, TResult, TTuning>(
  accounts: readonly TAwsAccountToSync[],
  reader: TRegionReader<TClient, TStored, TResult, TTuning>,
  options: TReadRegionsOptions<TClient, TStored, TResult, TTuning>,
): Promise<TRegionOutcome<TResult>[]> {
  const createClient: TCreateClient<TClient> =
    options.createClient ?? ((account, region, stats) => awsClients().create(reader.clientClass, { account, region, stats }));
  const targets = accounts.flatMap((account) => account.regions.map((region) => ({ account, region })));

  return mapWithConcurrency(targets, options.regionConcurrency ?? DEFAULT_REGION_CONCURRENCY, async ({ account, region }): Promise<TRegionOutcome<TResult>> => {
    const { accountId } = account;
    const stats = newSyncStats();
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const stored = await options.loadStored?.({ accountId, region });
      const result = await reader.read({ client: createClient(account, region, stats), accountId, region, stats, stored, tuning: options.tuning });
      await options.onRegionRead?.(result, { accountId, region });
      const problems = reader.describeProblems(result);
      return { accountId, region, ok: true, status: problems ? "PARTIAL" : "SUCCEEDED", ...(problems ? { error: problems } : {}), stats, durationMs: elapsed(), result };
    } catch (error) {
      const message = error instanceof AppError ? error.message : `${reader.label} of account ${accountId}, region ${region} failed: ${describeAwsError(error)}`;
      log.warn({ err: error, accountId, region }, `${reader.label} of a region failed`);
      return { accountId, region, ok: false, status: "FAILED", error: message, stats, durationMs: elapsed() };
    }
  });
}

/** "3 of 40 pipelines failed: a: …; b: …; c: …; and 2 more": the first few problems of a PARTIAL sync, for SyncRun.errorMessage. */
export function listProblems(problems: readonly { name: string; error: string }[], max = 3): string {
  const listed = problems.slice(0, max).map((p) => `${p.name}: ${p.error}`);
  const more = problems.length > max ? `; and ${problems.length - max} more` : "";
  return `${listed.join("; ")}${more}`;
}
