"use client";

import { useQuery } from "@tanstack/react-query";
import { ExternalLink } from "lucide-react";
import Link from "next/link";
import { ApprovalAnswers } from "@/components/pipelines/approval-answers";
import { ApprovalControls } from "@/components/pipelines/approval-controls";
import { StageStrip } from "@/components/pipelines/stage-strip";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { BoardFreshness, BoardRefreshError, Pager, useNow } from "@/components/ui/live-board";
import { RelativeTime } from "@/components/ui/relative-time";
import { apiFetch } from "@/lib/api-client";
import { boardQuery, formatDuration, type TBoardFilters, type TBoardPage, type TBoardPipeline } from "@/lib/pipelines/board";
import { safeHref } from "@/lib/schemas";

/** How often the open board asks for news. Events from EventBridge land within seconds, so this is the delay users see. */
export const BOARD_REFRESH_MS = 10_000;

const STATUS_BADGE = {
  failed: { tone: "bad", label: "Failed" },
  in_progress: { tone: "info", label: "Running" },
  succeeded: { tone: "good", label: "Succeeded" },
  other: { tone: "neutral", label: "Other" },
} as const;

function PipelineRow({ p, now, canApprove }: { p: TBoardPipeline; now: Date; canApprove: boolean }) {
  const status = STATUS_BADGE[p.status];
  return (
    <tr className="align-top" data-testid={`pipeline-${p.name}`}>
      <td className="py-3 pr-4">
        <Link href={`/pipelines/${p.id}`} className="font-medium text-sky-700 hover:underline dark:text-sky-400">
          {p.name}
        </Link>
        <span className="block text-xs text-zinc-500 dark:text-zinc-400">
          {p.service ? (
            <Link href={`/services/${p.service.slug}`} className="hover:underline">
              {p.service.name}
            </Link>
          ) : (
            "No service mapped"
          )}{" "}
          · {p.account.name} · {p.region}
        </span>
        <span className="mt-1 flex flex-wrap gap-1">
          <Badge tone={status.tone}>{status.label}</Badge>
          {p.pendingApprovals.length > 0 ? <Badge tone="warn">Waiting for approval</Badge> : null}
        </span>
      </td>
      <td className="py-3 pr-4">
        <StageStrip stages={p.stages} pipeline={p.name} />
        {canApprove
          ? p.pendingApprovals.map((a) => <ApprovalControls key={`${a.stage}/${a.action}`} pipelineId={p.id} pipelineName={p.name} stage={a.stage} action={a.action} />)
          : null}
      </td>
      <td className="py-3 text-xs text-zinc-700 dark:text-zinc-300">
        {p.latest ? (
          <>
            <span className="block">
              {p.latest.executionType === "ROLLBACK" ? "Rollback · " : ""}
              {p.latest.trigger ?? "Unknown trigger"}
            </span>
            {p.latest.commit?.revisionId ? (
              <span className="block">
                {p.latest.commit.revisionUrl ? (
                  <a href={safeHref(p.latest.commit.revisionUrl)} className="font-mono text-sky-700 hover:underline dark:text-sky-400" rel="noreferrer">
                    {p.latest.commit.revisionId.slice(0, 7)}
                  </a>
                ) : (
                  <span className="font-mono">{p.latest.commit.revisionId.slice(0, 7)}</span>
                )}{" "}
                {p.latest.commit.summary ? <span className="text-zinc-500 dark:text-zinc-400">{p.latest.commit.summary.split("\n")[0]!.slice(0, 80)}</span> : null}
              </span>
            ) : null}
            <span className="block text-zinc-500 dark:text-zinc-400">
              started <RelativeTime date={new Date(p.latest.startedAt)} now={now} /> ·{" "}
              {p.status === "in_progress" ? `running for ${formatDuration(now.getTime() - Date.parse(p.latest.startedAt))}` : `took ${formatDuration(p.latest.durationMs)}`}
            </span>
          </>
        ) : (
          <span className="text-zinc-500 dark:text-zinc-400">No execution yet</span>
        )}
        {p.latest?.failureReason ? (
          <span className="mt-1 block break-words text-red-800 dark:text-red-300">
            {p.latest.failedAction ? <span className="font-mono">{p.latest.failedAction}: </span> : null}
            {p.latest.failureReason}
          </span>
        ) : null}
        <a href={p.consoleUrl} className="mt-1 flex w-fit items-center gap-1 text-sky-700 hover:underline dark:text-sky-400" rel="noreferrer">
          AWS console <ExternalLink aria-hidden className="size-3" />
          <span className="sr-only">for {p.name}</span>
        </a>
      </td>
    </tr>
  );
}

/** The live board: starts from the server's render and polls the API while open. */
/**
 * `approveTeams`: the teams whose pipelines' approvals the viewer may answer
 * ("all" for admins); the API checks again.
 */
export function PipelineBoard({ initial, filters, approveTeams }: { initial: TBoardPage; filters: TBoardFilters; approveTeams: string[] | "all" }) {
  const query = boardQuery(filters);
  const now = useNow(5_000, initial.generatedAt);
  const board = useQuery({
    queryKey: ["pipelines", query],
    queryFn: () => apiFetch<TBoardPage>(`/api/pipelines${query ? `?${query}` : ""}`, { method: "GET" }),
    initialData: initial,
    // When the server read it, not when this browser got it: "checked …" then renders the same on both sides, whatever the browser's clock says.
    initialDataUpdatedAt: Date.parse(initial.generatedAt),
    refetchInterval: BOARD_REFRESH_MS,
    refetchIntervalInBackground: false,
  });
  const data = board.data;
  const groups = new Map<string, { name: string; slug: string | null; pipelines: TBoardPipeline[] }>();
  for (const p of data.pipelines) {
    const key = p.team?.slug ?? "";
    const group = groups.get(key) ?? { name: p.team?.name ?? "No team", slug: p.team?.slug ?? null, pipelines: [] };
    group.pipelines.push(p);
    groups.set(key, group);
  }

  return (
    <ApprovalAnswers>
      <div className="mb-4 flex flex-wrap items-center justify-between gap-3 text-sm">
        <p className="flex flex-wrap gap-2">
          <Badge tone="bad">{data.counts.failed} failed</Badge>
          <Badge tone="info">{data.counts.in_progress} running</Badge>
          <Badge tone="good">{data.counts.succeeded} succeeded</Badge>
          {data.counts.other ? <Badge>{data.counts.other} other</Badge> : null}
        </p>
        <BoardFreshness dataAsOf={data.dataAsOf} checkedAt={new Date(board.dataUpdatedAt)} isFetching={board.isFetching} now={now} />
      </div>
      <BoardRefreshError error={board.isError ? board.error : null} everyMs={BOARD_REFRESH_MS} />
      {data.pipelines.length === 0 ? (
        <EmptyState title="No pipelines match">
          {data.total === 0 && !query ? "Add an AWS account under Settings; its pipelines appear after the first sync." : "Try fewer filters."}
        </EmptyState>
      ) : (
        <div className="space-y-6">
          {[...groups.values()].map((group) => (
            <Card key={group.slug ?? "none"} className="overflow-x-auto p-0">
              <h2 className="border-b border-zinc-200 px-5 py-3 text-sm font-semibold dark:border-zinc-800">
                {group.slug ? (
                  <Link href={`/teams/${group.slug}`} className="hover:underline">
                    {group.name}
                  </Link>
                ) : (
                  group.name
                )}
              </h2>
              <table className="w-full min-w-[60rem] table-fixed text-sm">
                <caption className="sr-only">Pipelines of {group.name}</caption>
                {/* The same widths in every team's table, so the columns line up down the page. */}
                <colgroup>
                  <col className="w-[26%]" />
                  <col className="w-[32rem]" />
                  <col />
                </colgroup>
                <thead>
                  <tr className="text-left text-xs text-zinc-500 dark:text-zinc-400">
                    <th scope="col" className="px-5 pt-3 pb-1 font-medium">Pipeline</th>
                    <th scope="col" className="pt-3 pb-1 font-medium">Stages</th>
                    <th scope="col" className="pt-3 pr-5 pb-1 font-medium">Latest execution</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800 [&_td:first-child]:pl-5 [&_td:last-child]:pr-5">
                  {group.pipelines.map((p) => (
                    <PipelineRow key={p.id} p={p} now={now} canApprove={approveTeams === "all" || (p.team !== null && approveTeams.includes(p.team.slug))} />
                  ))}
                </tbody>
              </table>
            </Card>
          ))}
        </div>
      )}
      <Pager page={data.page} total={data.total} pageSize={data.pageSize} noun="pipelines" hrefFor={(page) => `/pipelines?${boardQuery({ ...filters, page })}`} />
    </ApprovalAnswers>
  );
}
