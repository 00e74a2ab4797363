/**
 * CodePipeline sync for one account × region, and for every account × region.
 * Reads AWS only; what to store comes back as plain data, and what is stored
 * comes in as plain data (no database here).
 */
import { CodePipelineClient } from "@aws-sdk/client-codepipeline";
import { awsClients, describeAwsError, newSyncStats, type TAwsAccountRef, type TSyncStats } from "@/lib/aws/clients";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { listAllPipelines } from "@/lib/pipelines/collect/codepipeline";
import { syncPipeline, type TExecutionSync, type TPipelineSync, type TSyncPipelineOptions } from "@/lib/pipelines/collect/sync-pipeline";
import type { TStoredPipeline } from "@/lib/pipelines/collect/types";

export const DEFAULT_PIPELINE_CONCURRENCY = 4;
export const DEFAULT_REGION_CONCURRENCY = 4;
/** With a 5-minute schedule, every pipeline's definition and tags are read again about once a day. */
export const DEFAULT_DEFINITION_REFRESH_ROUNDS = 288;

/** A stable number for a string (FNV-1a), to spread resources over refresh rounds. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Whether it is this resource's turn to be read again in full: each one once
 * every `rounds` syncs, a slice at a time (0: never). The round is the sync's
 * start time in schedule intervals, so every instance agrees on it.
 */
export function isRefreshRound(key: string, { now, intervalMinutes, rounds }: { now: Date; intervalMinutes: number; rounds: number }): boolean {
  if (rounds <= 0) return false;
  const round = Math.floor(now.getTime() / (intervalMinutes * 60_000));
  return hash(key) % rounds === round % rounds;
}

interface TTuning extends Pick<TSyncPipelineOptions, "isDefinitionRefreshForced" | "maxFirstSyncExecutions" | "maxIncrementalExecutions"> {
  /** When the sync started: picks the pipelines whose definition and tags are read again (see isRefreshRound). */
  now?: Date;
  /** Every pipeline's definition and tags are read again once in this many syncs (default about a day's worth; 0: never). */
  definitionRefreshRounds?: number;
  /** The schedule's interval, to count syncs (default 5). */
  intervalMinutes?: number;
}

export interface TSyncRegionOptions extends TTuning {
  client: CodePipelineClient;
  accountId: string;
  region: string;
  /** The stats the client counts into (see createAwsClientFactory); returned as they stand at the end. */
  stats: TSyncStats;
  /** Stored pipelines of this account × region, by pipeline name. */
  stored?: ReadonlyMap<string, TStoredPipeline>;
  /** Pipelines synced at the same time. */
  concurrency?: number;
}

export interface TSyncRegionResult {
  accountId: string;
  region: string;
  pipelines: Omit<TPipelineSync, "executions">[];
  executions: (TExecutionSync & { pipelineName: string })[];
  /** Pipelines whose sync failed; the others are complete. */
  failures: { pipelineName: string; error: string }[];
  /** Stored pipelines that no longer exist in AWS. */
  removedPipelines: string[];
  stats: TSyncStats;
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

/**
 * Syncs every pipeline of one account × region. A pipeline that fails is
 * recorded in `failures` and the others carry on; if ListPipelines itself
 * fails (access denied, no network, a role that cannot be assumed) the region
 * fails with an UPSTREAM AppError saying so.
 */
export async function syncRegion(options: TSyncRegionOptions): Promise<TSyncRegionResult> {
  const { client, accountId, region, stats, stored = new Map<string, TStoredPipeline>() } = options;
  let summaries;
  try {
    summaries = await listAllPipelines(client);
  } catch (error) {
    throw new AppError("UPSTREAM", `Could not list CodePipeline pipelines in account ${accountId}, region ${region}: ${describeAwsError(error, "ListPipelines")}`, {
      cause: error,
      details: { accountId, region, operation: "ListPipelines" },
    });
  }

  const rotation = { now: options.now ?? new Date(), intervalMinutes: options.intervalMinutes ?? 5, rounds: options.definitionRefreshRounds ?? DEFAULT_DEFINITION_REFRESH_ROUNDS };
  const outcomes = await mapWithConcurrency(summaries, options.concurrency ?? DEFAULT_PIPELINE_CONCURRENCY, async (summary) => {
    try {
      const synced = await syncPipeline({
        client,
        accountId,
        region,
        name: summary.name,
        version: summary.version,
        created: summary.created,
        updated: summary.updated,
        isRefreshDue: isRefreshRound(`${accountId}:${region}:${summary.name}`, rotation),
        stored: stored.get(summary.name),
        isDefinitionRefreshForced: options.isDefinitionRefreshForced,
        maxFirstSyncExecutions: options.maxFirstSyncExecutions,
        maxIncrementalExecutions: options.maxIncrementalExecutions,
      });
      return { ok: true as const, synced };
    } catch (error) {
      // Deleted between ListPipelines and now: gone, not failed.
      if (error instanceof Error && error.name === "PipelineNotFoundException") return { ok: false as const, pipelineName: summary.name, error: null };
      log.warn({ err: error, accountId, region, pipeline: summary.name }, "CodePipeline sync of one pipeline failed");
      return { ok: false as const, pipelineName: summary.name, error: describeAwsError(error) };
    }
  });

  const listed = new Set(summaries.map((s) => s.name));
  const result: TSyncRegionResult = { accountId, region, pipelines: [], executions: [], failures: [], removedPipelines: [], stats };
  for (const outcome of outcomes) {
    if (!outcome.ok) {
      if (outcome.error === null) listed.delete(outcome.pipelineName);
      else result.failures.push({ pipelineName: outcome.pipelineName, error: outcome.error });
      continue;
    }
    const { executions, ...pipeline } = outcome.synced;
    result.pipelines.push(pipeline);
    for (const execution of executions) result.executions.push({ ...execution, pipelineName: pipeline.name });
  }
  result.removedPipelines = [...stored.keys()].filter((name) => !listed.has(name));
  return result;
}

export interface TAwsAccountToSync extends TAwsAccountRef {
  regions: readonly string[];
}

/** SyncRun.status. */
export type TSyncStatus = "SUCCEEDED" | "PARTIAL" | "FAILED";

export interface TRegionOutcome {
  accountId: string;
  region: string;
  /** False when the region could not be synced at all. */
  ok: boolean;
  status: TSyncStatus;
  /** Why the region failed, or which pipelines failed when PARTIAL. */
  error?: string;
  stats: TSyncStats;
  durationMs: number;
  result?: TSyncRegionResult;
}

export interface TSyncAllOptions extends TTuning {
  /** Builds the client for an account × region, counting into `stats`. Defaults to the process-wide factory. */
  createClient?: (account: TAwsAccountRef, region: string, stats: TSyncStats) => CodePipelineClient;
  /** What is stored for an account × region. Defaults to nothing stored (a first sync). */
  loadStored?: (target: { accountId: string; region: string }) => Promise<Pick<TSyncRegionOptions, "stored">>;
  /** Called with each region's result as soon as it is ready (to store it); a rejection fails that region only. */
  onRegionSynced?: (result: TSyncRegionResult) => Promise<void>;
  /** Account × region pairs synced at the same time. */
  regionConcurrency?: number;
  /** Pipelines synced at the same time within a region. */
  pipelineConcurrency?: number;
}

const MAX_LISTED_FAILURES = 3;

function partialMessage(result: TSyncRegionResult): string {
  const listed = result.failures.slice(0, MAX_LISTED_FAILURES).map((f) => `${f.pipelineName}: ${f.error}`);
  const more = result.failures.length > MAX_LISTED_FAILURES ? `; and ${result.failures.length - MAX_LISTED_FAILURES} more` : "";
  const total = result.pipelines.length + result.failures.length;
  return `${result.failures.length} of ${total} pipelines failed: ${listed.join("; ")}${more}`;
}

/**
 * Syncs every account × region. One failing account or region never stops the
 * others: each comes back with its own outcome, stats and duration, ready to
 * be recorded as a SyncRun.
 */
export async function syncAll(accounts: readonly TAwsAccountToSync[], options: TSyncAllOptions = {}): Promise<TRegionOutcome[]> {
  const createClient =
    options.createClient ?? ((account, region, stats) => awsClients().create(CodePipelineClient, { account, region, stats }));
  const targets = accounts.flatMap((account) => account.regions.map((region) => ({ account, region })));

  return mapWithConcurrency(targets, options.regionConcurrency ?? DEFAULT_REGION_CONCURRENCY, async ({ account, region }) => {
    const { accountId } = account;
    const stats = newSyncStats();
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const stored = (await options.loadStored?.({ accountId, region })) ?? {};
      const result = await syncRegion({
        client: createClient(account, region, stats),
        accountId,
        region,
        stats,
        ...stored,
        concurrency: options.pipelineConcurrency,
        isDefinitionRefreshForced: options.isDefinitionRefreshForced,
        now: options.now,
        definitionRefreshRounds: options.definitionRefreshRounds,
        intervalMinutes: options.intervalMinutes,
        maxFirstSyncExecutions: options.maxFirstSyncExecutions,
        maxIncrementalExecutions: options.maxIncrementalExecutions,
      });
      await options.onRegionSynced?.(result);
      const isPartial = result.failures.length > 0;
      return {
        accountId,
        region,
        ok: true,
        status: isPartial ? "PARTIAL" : "SUCCEEDED",
        ...(isPartial ? { error: partialMessage(result) } : {}),
        stats,
        durationMs: elapsed(),
        result,
      } satisfies TRegionOutcome;
    } catch (error) {
      const message = error instanceof AppError ? error.message : `CodePipeline sync of account ${accountId}, region ${region} failed: ${describeAwsError(error)}`;
      log.warn({ err: error, accountId, region }, "CodePipeline sync of a region failed");
      return { accountId, region, ok: false, status: "FAILED", error: message, stats, durationMs: elapsed() } satisfies TRegionOutcome;
    }
  });
}
