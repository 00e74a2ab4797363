import type { Metadata } from "next";
import { ExternalLink } from "lucide-react";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { ApprovalAnswers } from "@/components/pipelines/approval-answers";
import { ApprovalControls } from "@/components/pipelines/approval-controls";
import { DurationChart } from "@/components/pipelines/duration-chart";
import { stageLook } from "@/components/pipelines/stage-strip";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { Badge } from "@/components/ui/badge";
import { Card, CardTitle } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table } from "@/components/ui/table";
import { holdsEverywhere, holdsForTeam } from "@/lib/auth/permissions";
import { requireViewer } from "@/lib/auth/server/viewer";
import { formatDuration } from "@/lib/pipelines/board";
import { getPipeline } from "@/lib/pipelines/server/get-pipeline";
import { safeHref, toDbId } from "@/lib/schemas";

export const metadata: Metadata = { title: "Pipeline" };

const EXECUTION_TONE = { SUCCEEDED: "good", FAILED: "bad", IN_PROGRESS: "info", STOPPING: "warn", STOPPED: "neutral", SUPERSEDED: "neutral", CANCELLED: "neutral" } as const;

export default async function PipelinePage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ page?: string }> }) {
  await connection();
  const viewer = await requireViewer();
  const { id } = await params;
  const pageParam = (await searchParams).page ?? "1";
  const pipelineId = toDbId(id);
  if (pipelineId === null || !/^[1-9]\d{0,4}$/.test(pageParam)) notFound();
  const p = await getPipeline(pipelineId, Number(pageParam));
  if (!p) notFound();
  const canApprove = p.service?.team ? holdsForTeam(viewer, "pipeline.approve", p.service.team.id) : holdsEverywhere(viewer, "pipeline.approve");
  const now = new Date();
  const pages = Math.max(1, Math.ceil(p.totalExecutions / p.pageSize));
  return (
    <>
      <AutoRefresh everyMs={15_000} />
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-zinc-600 dark:text-zinc-400">
        <Link href="/pipelines" className="hover:underline">Pipelines</Link>
        {p.service?.team ? (
          <>
            {" / "}
            <Link href={`/pipelines?team=${p.service.team.slug}`} className="hover:underline">{p.service.team.name}</Link>
          </>
        ) : null}
      </nav>
      <PageHeader
        title={p.name}
        description={
          <>
            {p.service ? (
              <>
                Deploys <Link href={`/services/${p.service.slug}`} className="text-sky-700 underline dark:text-sky-400">{p.service.name}</Link>
              </>
            ) : (
              "No service mapped (tag the pipeline portside:service, or annotate the service in its catalog file)"
            )}
            {" · "}
            {p.awsAccount.name} ({p.awsAccount.accountId}) · {p.region} · production stage: {p.prodStage ?? "unknown"}
          </>
        }
        actions={
          <a href={p.consoleUrl} className="inline-flex items-center gap-1 text-sm text-sky-700 hover:underline dark:text-sky-400" rel="noreferrer">
            Open in the AWS console <ExternalLink aria-hidden className="size-3.5" />
          </a>
        }
      />
      {p.deletedAt ? (
        <p role="status" className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
          This pipeline was deleted in AWS <RelativeTime date={p.deletedAt} now={now} />; its history is kept here.
        </p>
      ) : null}
      <p className="mb-4 text-xs text-zinc-600 dark:text-zinc-400">
        {p.stateUpdatedAt ? <>State from AWS as of <RelativeTime date={p.stateUpdatedAt} now={now} /></> : "Not read from AWS yet"}
        {p.lastSyncedAt ? <> · last full sync <RelativeTime date={p.lastSyncedAt} now={now} /></> : null} · refreshes every 15 s
      </p>

      <ApprovalAnswers>
      <Card className="mb-6">
        <CardTitle>Stages now</CardTitle>
        {p.structure.length === 0 ? (
          <EmptyState title="Structure not read yet">It is read at the next sync.</EmptyState>
        ) : (
          <ol className="grid gap-3 md:grid-cols-2 xl:grid-cols-4" aria-label="Stages">
            {p.structure.map((stage) => {
              const current = p.state.find((s) => s.name === stage.name);
              const look = stageLook(current?.latestExecution?.status ?? null);
              return (
                <li key={stage.name} className={cn("rounded-lg border p-3", look.className)}>
                  <p className="flex items-center justify-between gap-2 font-medium">
                    <span>
                      {stage.name}
                      {stage.name === p.prodStage ? <span className="ml-1 text-xs font-normal">(production)</span> : null}
                    </span>
                    <span className="inline-flex items-center gap-1 text-xs">
                      <look.Icon aria-hidden className="size-3.5" />
                      {look.label}
                    </span>
                  </p>
                  <ul className="mt-2 space-y-1 text-xs">
                    {stage.actions.map((action) => {
                      const actionState = current?.actions.find((a) => a.name === action.name);
                      return (
                        <li key={action.name}>
                          <span className="font-medium">{action.name}</span> <span className="opacity-75">({action.provider || action.category})</span>
                          {" — "}
                          {actionState?.status ?? "not run"}
                          {action.category === "Approval" && actionState?.status === "InProgress" ? (
                            canApprove ? (
                              <ApprovalControls pipelineId={p.id} pipelineName={p.name} stage={stage.name} action={action.name} />
                            ) : (
                              <Badge tone="warn">Waiting for approval</Badge>
                            )
                          ) : null}
                          {actionState?.errorMessage ? <span className="block text-red-800 dark:text-red-300">{actionState.errorMessage}</span> : null}
                          {actionState?.externalUrl ? (
                            <a href={safeHref(actionState.externalUrl)} className="block underline" rel="noreferrer">Details</a>
                          ) : null}
                        </li>
                      );
                    })}
                  </ul>
                </li>
              );
            })}
          </ol>
        )}
      </Card>

      <div className="mb-6 grid gap-6 lg:grid-cols-[1fr_16rem]">
        <Card>
          <CardTitle>Duration of recent executions</CardTitle>
          {p.recent.durations.length ? <DurationChart points={p.recent.durations} /> : <EmptyState title="No executions yet" />}
        </Card>
        <Card>
          <CardTitle>Success rate</CardTitle>
          <p className="text-4xl font-semibold tabular-nums">{p.recent.successRate === null ? "—" : `${Math.round(p.recent.successRate * 100)}%`}</p>
          <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
            of the last {p.recent.sample} finished executions (succeeded or failed; superseded and stopped ones are left out)
          </p>
        </Card>
      </div>

      <Card>
        <CardTitle>Executions</CardTitle>
        {p.executions.length === 0 ? (
          <EmptyState title="No executions yet" />
        ) : (
          <Table caption={`Executions of ${p.name}, newest first`} columns={[{ label: "Execution" }, { label: "Status" }, { label: "Commit" }, { label: "Started" }, { label: "Duration", align: "end" }]}>
            {p.executions.map((e) => {
              const revision = e.sourceRevisions[0];
              return (
                <tr key={e.executionId} className="align-top">
                  <td className="py-2 pr-3">
                    <a href={e.consoleUrl} className="font-mono text-xs text-sky-700 hover:underline dark:text-sky-400" rel="noreferrer">
                      {e.executionId.slice(0, 8)}
                    </a>
                    <span className="block text-xs text-zinc-500 dark:text-zinc-400">
                      {e.executionType === "ROLLBACK" ? "Rollback" : [e.trigger?.triggerType, e.trigger?.triggerDetail].filter(Boolean).join(": ") || "—"}
                    </span>
                  </td>
                  <td className="py-2 pr-3">
                    <Badge tone={EXECUTION_TONE[e.status]}>{e.status.replace("_", " ").toLowerCase()}</Badge>
                    {e.failureReason ? (
                      <span className="mt-1 block max-w-md text-xs text-red-800 dark:text-red-300">
                        {e.failedAction ? <span className="font-mono">{e.failedAction}: </span> : null}
                        {e.failureReason}
                      </span>
                    ) : null}
                    {e.deployment ? <span className="block text-xs text-zinc-500 dark:text-zinc-400">production deployment ({e.deployment.status.toLowerCase().replace("_", " ")})</span> : null}
                  </td>
                  <td className="py-2 pr-3 text-xs">
                    {revision?.revisionId ? (
                      <>
                        {revision.revisionUrl ? (
                          <a href={safeHref(revision.revisionUrl)} className="font-mono text-sky-700 hover:underline dark:text-sky-400" rel="noreferrer">{revision.revisionId.slice(0, 7)}</a>
                        ) : (
                          <span className="font-mono">{revision.revisionId.slice(0, 7)}</span>
                        )}
                        {revision.revisionSummary ? <span className="block text-zinc-500 dark:text-zinc-400">{revision.revisionSummary.split("\n")[0]!.slice(0, 80)}</span> : null}
                      </>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td className="py-2 pr-3 text-xs text-zinc-600 dark:text-zinc-400"><RelativeTime date={e.startedAt} now={now} /></td>
                  <td className="py-2 text-right text-xs tabular-nums">{e.status === "IN_PROGRESS" ? `${formatDuration(now.getTime() - e.startedAt.getTime())} so far` : formatDuration(e.durationMs)}</td>
                </tr>
              );
            })}
          </Table>
        )}
        {pages > 1 ? (
          <nav aria-label="Execution pages" className="mt-4 flex items-center justify-between text-sm">
            {p.page > 1 ? <Link href={`/pipelines/${p.id}?page=${p.page - 1}`} className="text-sky-700 hover:underline dark:text-sky-400">← Newer</Link> : <span />}
            <span className="text-zinc-600 dark:text-zinc-400">Page {p.page} of {pages}</span>
            {p.page < pages ? <Link href={`/pipelines/${p.id}?page=${p.page + 1}`} className="text-sky-700 hover:underline dark:text-sky-400">Older →</Link> : <span />}
          </nav>
        ) : null}
      </Card>
      </ApprovalAnswers>
    </>
  );
}
