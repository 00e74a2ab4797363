import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { formatMs } from "@/components/servicemap/format";
import { TraceWaterfall } from "@/components/servicemap/trace-waterfall";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requireViewer } from "@/lib/auth/server/viewer";
import { isAppError } from "@/lib/errors";
import { getTrace, type TTraceDetail } from "@/lib/servicemap/server/get-trace";

export const metadata: Metadata = { title: "Trace" };

export default async function TracePage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  await requireViewer();
  const { id } = await params;
  let trace: TTraceDetail;
  try {
    trace = await getTrace({ traceId: id });
  } catch (error) {
    if (isAppError(error) && (error.code === "NOT_FOUND" || error.code === "INVALID_INPUT")) notFound();
    if (isAppError(error) && error.code === "UPSTREAM") {
      return (
        <>
          <PageHeader title={`Trace ${id}`} description="One request through your services, from X-Ray." />
          <EmptyState title="X-Ray did not answer">{error.message} Try again in a moment.</EmptyState>
        </>
      );
    }
    throw error;
  }
  const s = trace.summary;
  return (
    <>
      <PageHeader
        title={`${s.httpMethod ?? ""} ${s.httpUrl ?? trace.traceId}`.trim()}
        description={`Trace ${trace.traceId} · ${new Date(s.startedAt).toISOString().replace("T", " ").slice(0, 19)} UTC · account ${trace.accountId}, ${trace.region}`}
        actions={
          <Link href={s.entryPoint ? `/service-map?q=${encodeURIComponent(s.entryPoint)}` : "/service-map"} className="text-sm text-sky-700 hover:underline dark:text-sky-400">
            On the service map
          </Link>
        }
      />
      <div className="mb-4 flex flex-wrap items-center gap-2 text-sm">
        <Badge tone="neutral">{formatMs(s.durationMs)}</Badge>
        {s.httpStatus ? <Badge tone={s.httpStatus >= 500 ? "bad" : s.httpStatus >= 400 ? "warn" : "good"}>HTTP {s.httpStatus}</Badge> : null}
        {s.hasFault ? <Badge tone="bad">Fault</Badge> : null}
        {s.hasThrottle ? <Badge tone="warn">Throttled</Badge> : null}
        {s.hasError ? <Badge tone="warn">Error</Badge> : null}
        {s.service ? (
          <Link href={`/services/${s.service.slug}`} className="text-sky-700 underline dark:text-sky-400">
            {s.service.name}
          </Link>
        ) : null}
      </div>
      <Card>
        {trace.status === "transaction-search" ? (
          <EmptyState title="This account sends its traces to CloudWatch Transaction Search">
            X-Ray&apos;s BatchGetTraces cannot read spans stored in CloudWatch Logs, so the portal cannot show this trace&apos;s segments. Open it in the CloudWatch console
            under Application Signals → Transaction Search; the summary above is what X-Ray indexed.
          </EmptyState>
        ) : trace.status === "expired" ? (
          <EmptyState title="X-Ray no longer has this trace">X-Ray keeps traces for 30 days; the summary above is what the portal collected.</EmptyState>
        ) : (
          <>
            <TraceWaterfall spans={trace.spans} durationMs={s.durationMs} />
            {trace.isTruncated ? <p className="mt-3 text-sm text-zinc-600 dark:text-zinc-400">The trace has more segments than the page shows; the first {trace.spans.length} are listed.</p> : null}
          </>
        )}
      </Card>
    </>
  );
}
