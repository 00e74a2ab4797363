import type { Metadata } from "next";
import { connection } from "next/server";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { Badge } from "@/components/ui/badge";
import { Card, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table } from "@/components/ui/table";
import { requireViewer } from "@/lib/auth/server/viewer";
import { findSyncStatus } from "@/lib/catalog/server/find-sync-status";

export const metadata: Metadata = { title: "Sync status" };

const TONE = { FAILED: "bad", PARTIAL: "warn", RUNNING: "info", SUCCEEDED: "good" } as const;
const SOURCE = { CODEPIPELINE: "CodePipeline", CLOUDWATCH: "CloudWatch", XRAY: "X-Ray" } as const;

function seconds(ms: number | null) {
  return ms === null ? "—" : `${(ms / 1000).toFixed(1)} s`;
}

export default async function SyncStatusPage() {
  await connection();
  await requireViewer();
  const { latest, recent } = await findSyncStatus();
  const now = new Date();
  return (
    <div className="space-y-6">
      <AutoRefresh everyMs={30_000} />
      <Card>
        <CardTitle>Each account, region and source</CardTitle>
        <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">
          The newest collector run of each. One that fails (access denied, throttling beyond the retries, a network error) is shown here and never stops the others.
        </p>
        {latest.length === 0 ? (
          <EmptyState title="No collector has run yet">Collectors run on a schedule in production (PORTSIDE_COLLECTORS); `npm run portside -- sync pipelines` runs one now.</EmptyState>
        ) : (
          <Table caption="Latest collector run per account, region and source" columns={[{ label: "Account" }, { label: "Region" }, { label: "Source" }, { label: "Status" }, { label: "Last run" }, { label: "Duration", align: "end" }, { label: "Calls", align: "end" }, { label: "Throttles", align: "end" }, { label: "Errors", align: "end" }]}>
            {latest.map((r) => (
              <tr key={`${r.accountId}-${r.region}-${r.source}`} className="align-top">
                <td className="py-2 pr-3">
                  {r.accountName}
                  <span className="block font-mono text-xs text-zinc-500 dark:text-zinc-400">{r.accountId}</span>
                </td>
                <td className="py-2 pr-3 font-mono text-xs">{r.region}</td>
                <td className="py-2 pr-3">{SOURCE[r.source as keyof typeof SOURCE] ?? r.source}</td>
                <td className="py-2 pr-3">
                  <Badge tone={TONE[r.status as keyof typeof TONE] ?? "neutral"}>{r.status.toLowerCase()}</Badge>
                  {r.errorMessage ? <span className="mt-1 block max-w-md text-xs text-red-800 dark:text-red-300">{r.errorMessage}</span> : null}
                </td>
                <td className="py-2 pr-3 text-xs"><RelativeTime date={r.startedAt} now={now} /></td>
                <td className="py-2 pr-3 text-right text-xs tabular-nums">{seconds(r.durationMs)}</td>
                <td className="py-2 pr-3 text-right tabular-nums">{r.calls}</td>
                <td className="py-2 pr-3 text-right tabular-nums">{r.throttles}</td>
                <td className="py-2 text-right tabular-nums">{r.errors}</td>
              </tr>
            ))}
          </Table>
        )}
      </Card>
      {recent.length > 0 ? (
        <Card>
          <CardTitle>Recent runs</CardTitle>
          <Table caption="The 50 most recent collector runs" columns={[{ label: "Started" }, { label: "Account / region" }, { label: "Source" }, { label: "Status" }, { label: "Duration", align: "end" }, { label: "Calls", align: "end" }]}>
            {recent.map((r) => (
              <tr key={r.id}>
                <td className="py-1.5 pr-3 text-xs"><RelativeTime date={r.startedAt} now={now} /></td>
                <td className="py-1.5 pr-3 text-xs">{r.awsAccount.name} · {r.region}</td>
                <td className="py-1.5 pr-3 text-xs">{SOURCE[r.source]}</td>
                <td className="py-1.5 pr-3"><Badge tone={TONE[r.status]}>{r.status.toLowerCase()}</Badge></td>
                <td className="py-1.5 pr-3 text-right text-xs tabular-nums">{seconds(r.durationMs)}</td>
                <td className="py-1.5 text-right text-xs tabular-nums">{r.calls}</td>
              </tr>
            ))}
          </Table>
        </Card>
      ) : null}
    </div>
  );
}
