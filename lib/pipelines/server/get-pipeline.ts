import "server-only";
import { consoleUrls } from "@/lib/pipelines/board";
import type { TExecutionStage, TSourceRevision, TStageDeclaration, TStageState } from "@/lib/pipelines/collect/types";
import { db } from "@/lib/db";

export const EXECUTIONS_PAGE_SIZE = 20;
/** Executions the chart and success rate look at. */
const RECENT = 50;

/** One pipeline: structure, current state per stage and action, and its execution history, newest first. */
export async function getPipeline(id: number, page = 1) {
  const pipeline = await db.pipeline.findUnique({
    where: { id },
    select: {
      id: true,
      name: true,
      arn: true,
      region: true,
      version: true,
      prodStage: true,
      structure: true,
      state: true,
      latestStatus: true,
      stateUpdatedAt: true,
      lastSyncedAt: true,
      deletedAt: true,
      awsAccount: { select: { accountId: true, name: true } },
      service: { select: { slug: true, name: true, team: { select: { id: true, slug: true, name: true } } } },
      _count: { select: { executions: true } },
    },
  });
  if (!pipeline) return null;
  const [executions, recent] = await Promise.all([
    db.pipelineExecution.findMany({
      where: { pipelineId: id },
      orderBy: [{ startedAt: "desc" }, { id: "desc" }],
      skip: (page - 1) * EXECUTIONS_PAGE_SIZE,
      take: EXECUTIONS_PAGE_SIZE,
      select: {
        executionId: true,
        status: true,
        executionType: true,
        rollbackOf: true,
        trigger: true,
        sourceRevisions: true,
        stages: true,
        failureReason: true,
        failedAction: true,
        startedAt: true,
        lastUpdatedAt: true,
        deployment: { select: { id: true, status: true } },
      },
    }),
    db.pipelineExecution.findMany({
      where: { pipelineId: id },
      orderBy: { startedAt: "desc" },
      take: RECENT,
      select: { executionId: true, status: true, startedAt: true, lastUpdatedAt: true },
    }),
  ]);
  const urls = consoleUrls(pipeline.region, pipeline.name);
  const finished = recent.filter((e) => e.status === "SUCCEEDED" || e.status === "FAILED");
  const structure = (pipeline.structure ?? []) as unknown as TStageDeclaration[];
  const state = (pipeline.state ?? []) as unknown as TStageState[];
  return {
    ...pipeline,
    structure,
    state,
    prodStage: pipeline.prodStage ?? structure.at(-1)?.name ?? null,
    consoleUrl: urls.pipeline,
    executions: executions.map((e) => ({
      ...e,
      sourceRevisions: (e.sourceRevisions ?? []) as unknown as TSourceRevision[],
      stages: (e.stages ?? []) as unknown as TExecutionStage[],
      trigger: e.trigger as { triggerType?: string | null; triggerDetail?: string | null } | null,
      durationMs: e.lastUpdatedAt.getTime() - e.startedAt.getTime(),
      consoleUrl: urls.execution(e.executionId),
    })),
    totalExecutions: pipeline._count.executions,
    page,
    pageSize: EXECUTIONS_PAGE_SIZE,
    recent: {
      /** Succeeded / (succeeded + failed) over the last RECENT executions; superseded and stopped ones do not count. */
      successRate: finished.length ? finished.filter((e) => e.status === "SUCCEEDED").length / finished.length : null,
      sample: finished.length,
      durations: recent
        .slice()
        .reverse()
        .map((e) => ({ executionId: e.executionId, startedAt: e.startedAt.toISOString(), minutes: Math.round(((e.lastUpdatedAt.getTime() - e.startedAt.getTime()) / 60_000) * 10) / 10, status: e.status })),
    },
  };
}

export type TPipelineDetail = NonNullable<Awaited<ReturnType<typeof getPipeline>>>;
