/**
 * CodePipeline sync for one account × region (the fan-out over accounts and
 * regions is lib/aws/fan-out.ts's). Reads AWS only; what to store comes back
 * as plain data, and what is stored comes in as plain data (no database here).
 */
import { CodePipelineClient } from "@aws-sdk/client-codepipeline";
import { describeAwsError, type TSyncStats } from "@/lib/aws/clients";
import { listProblems, mapWithConcurrency, type TRegionReader } from "@/lib/aws/fan-out";
import { isRefreshRound } from "@/lib/aws/refresh-rounds";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { listAllPipelines } from "@/lib/pipelines/collect/codepipeline";
import { syncPipeline, type TExecutionSync, type TPipelineSync, type TSyncPipelineOptions } from "@/lib/pipelines/collect/sync-pipeline";
import type { TStoredPipeline } from "@/lib/pipelines/collect/types";

export const DEFAULT_PIPELINE_CONCURRENCY = 4;
/** With a 5-minute schedule, every pipeline's definition and tags are read again about once a day. */
export const DEFAULT_DEFINITION_REFRESH_ROUNDS = 288;

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

/** The collector's knobs (lib/aws/server/run-collector.ts passes them through). */
export interface TCodePipelineTuning extends TTuning {
  /** Pipelines synced at the same time within a region. */
  pipelineConcurrency?: number;
}

/** CodePipeline as the generic collector reads it (lib/aws/fan-out.ts): one account × region's pipelines, stored by name. */
export const codePipelineReader: TRegionReader<CodePipelineClient, ReadonlyMap<string, TStoredPipeline>, TSyncRegionResult, TCodePipelineTuning> = {
  label: "CodePipeline sync",
  clientClass: CodePipelineClient,
  read: ({ client, accountId, region, stats, stored, tuning: { pipelineConcurrency, ...tuning } }) =>
    syncRegion({ client, accountId, region, stats, stored, concurrency: pipelineConcurrency, ...tuning }),
  describeProblems(result) {
    if (result.failures.length === 0) return null;
    const total = result.pipelines.length + result.failures.length;
    return `${result.failures.length} of ${total} pipelines failed: ${listProblems(result.failures.map((f) => ({ name: f.pipelineName, error: f.error })))}`;
  },
};
