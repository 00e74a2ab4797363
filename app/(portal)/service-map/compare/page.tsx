import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { CompareMaps } from "@/components/servicemap/compare-maps";
import { formatMs, formatPercent } from "@/components/servicemap/format";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requireViewer } from "@/lib/auth/server/viewer";
import { isAppError } from "@/lib/errors";
import type { TChange } from "@/lib/servicemap/compare";
import { compareDeployment, type TDeploymentComparison } from "@/lib/servicemap/server/compare-deployment";

export const metadata: Metadata = { title: "Before and after a deployment" };

const utc = (iso: string) => `${iso.replace("T", " ").slice(0, 16)} UTC`;
const failureRate = (n: { requests: number; errors: number; faults: number; throttles: number } | null) => (n && n.requests > 0 ? formatPercent((n.errors + n.faults + n.throttles) / n.requests) : "–");

function ChangeBadge({ change }: { change: TChange }) {
  const value = (v: number) => (change.metric === "failure rate" ? formatPercent(v) : formatMs(v));
  return (
    <Badge tone={change.direction === "worse" ? "bad" : "good"}>
      {change.direction === "worse" ? "Worse" : "Better"}: {change.metric} {value(change.before)} → {value(change.after)}
    </Badge>
  );
}

export default async function ComparePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  await requireViewer();
  const sp = await searchParams;
  const id = Number(sp.deployment);
  const minutes = [15, 30, 60, 180, 360].includes(Number(sp.minutes)) ? Number(sp.minutes) : 60;
  if (!Number.isInteger(id) || id <= 0) notFound();
  let result: TDeploymentComparison;
  try {
    result = await compareDeployment({ deploymentId: id, minutes });
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_FOUND") notFound();
    if (isAppError(error) && error.code === "CONFLICT") return <EmptyState title="Too early to compare">{error.message}</EmptyState>;
    throw error;
  }
  const d = result.deployment;
  const changed = result.nodes.filter((n) => n.changes.length > 0);
  const afterMap = `/service-map?window=custom&from=${encodeURIComponent(result.after.from)}&to=${encodeURIComponent(result.after.to)}&service=${d.service.slug}`;
  const beforeMap = `/service-map?window=custom&from=${encodeURIComponent(result.before.from)}&to=${encodeURIComponent(result.before.to)}&service=${d.service.slug}`;
  return (
    <>
      <PageHeader
        title={`${d.service.name} ${d.version ?? `deployment #${d.id}`}: before and after`}
        description={`${result.minutes} minutes before the deployment started (${utc(result.before.from)} – ${utc(result.before.to)}) against ${result.minutes} minutes after it finished (${utc(result.after.from)} – ${utc(result.after.to)}), for ${d.service.name} and the services and resources it talks to.`}
        actions={
          <span className="flex gap-3 text-sm">
            <Link href={beforeMap} className="text-sky-700 hover:underline dark:text-sky-400">Map before</Link>
            <Link href={afterMap} className="text-sky-700 hover:underline dark:text-sky-400">Map after</Link>
          </span>
        }
      />
      <form action="/service-map/compare" className="mb-4 flex items-end gap-2 text-sm" aria-label="Comparison length">
        <input type="hidden" name="deployment" value={d.id} />
        <label>
          <span className="mb-1 block text-xs font-medium text-zinc-700 dark:text-zinc-300">Length of each side</span>
          <select name="minutes" defaultValue={String(minutes)} className="rounded-md border border-zinc-300 bg-white px-2 py-1.5 dark:border-zinc-700 dark:bg-zinc-900">
            {[15, 30, 60, 180, 360].map((m) => (
              <option key={m} value={m}>{m < 60 ? `${m} minutes` : `${m / 60} hour${m === 60 ? "" : "s"}`}</option>
            ))}
          </select>
        </label>
        <button type="submit" className="rounded-md border border-zinc-300 px-3 py-1.5 font-medium hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800">Compare</button>
      </form>
      <p className="mb-4 text-sm" role="status">
        {changed.length === 0 && result.edges.length === 0
          ? "No node's or connection's failure rate or latency changed significantly."
          : `Changed significantly: ${changed.length} node${changed.length === 1 ? "" : "s"} and ${result.edges.length} connection${result.edges.length === 1 ? "" : "s"}, marked on both maps.`}
      </p>
      <CompareMaps maps={result.maps} nodes={result.nodes} edges={result.edges} />
      <h2 className="mb-2 text-base font-semibold">Every node, before and after</h2>
      <Card>
        <table className="w-full text-sm">
          <caption className="sr-only">Nodes before and after the deployment, changed ones first</caption>
          <thead className="text-left text-xs text-zinc-600 dark:text-zinc-400">
            <tr>
              <th className="py-2 pr-4 font-medium">Node</th>
              <th className="py-2 pr-4 font-medium">Failures before → after</th>
              <th className="py-2 pr-4 font-medium">p95 before → after</th>
              <th className="py-2 font-medium">Change</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {result.nodes.map((n) => (
              <tr key={n.id} className={n.changes.some((c) => c.direction === "worse") ? "bg-red-50/60 dark:bg-red-950/30" : undefined}>
                <td className="py-2 pr-4 font-medium">{n.name}</td>
                <td className="py-2 pr-4 tabular-nums">{failureRate(n.before)} → {failureRate(n.after)}</td>
                <td className="py-2 pr-4 tabular-nums">{formatMs(n.before?.p95Ms ?? null)} → {formatMs(n.after?.p95Ms ?? null)}</td>
                <td className="py-2">
                  <span className="flex flex-wrap gap-1">
                    {n.changes.map((c) => <ChangeBadge key={c.metric} change={c} />)}
                    {n.changes.length === 0 ? <span className="text-zinc-600 dark:text-zinc-400">{!n.before ? "New after" : !n.after ? "Gone after" : "No significant change"}</span> : null}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </>
  );
}
