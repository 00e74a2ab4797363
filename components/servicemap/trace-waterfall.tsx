import Link from "next/link";
import { formatMs } from "@/components/servicemap/format";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import type { TSpan } from "@/lib/servicemap/trace-waterfall";

/** The segments and subsegments of a trace on one time axis; every bar's figures are in text beside it. */
export function TraceWaterfall({ spans, durationMs }: { spans: TSpan[]; durationMs: number }) {
  const total = Math.max(durationMs, ...spans.map((s) => s.startOffsetMs + (s.durationMs ?? 0)), 1);
  return (
    <ol className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800" aria-label="Trace segments, in call order">
      {spans.map((s) => {
        const left = (s.startOffsetMs / total) * 100;
        const width = Math.max(((s.durationMs ?? total - s.startOffsetMs) / total) * 100, 0.4);
        const tone = s.hasFault ? "bg-red-600" : s.hasThrottle ? "bg-purple-600" : s.hasError ? "bg-orange-500" : s.kind === "segment" ? "bg-sky-600" : "bg-sky-400 dark:bg-sky-500";
        return (
          <li key={s.id} className="grid grid-cols-[minmax(0,2fr)_minmax(0,3fr)] items-center gap-4 py-1.5" data-testid="trace-span">
            <div className="min-w-0" style={{ paddingLeft: `${Math.min(s.depth, 12) * 14}px` }}>
              <div className="flex items-center gap-1.5">
                {s.kind === "segment" ? (
                  <Link href={`/service-map?q=${encodeURIComponent(s.name)}`} className="truncate font-medium text-sky-700 underline dark:text-sky-400" title="Find it on the service map">
                    {s.name}
                  </Link>
                ) : (
                  <span className="truncate">{s.name}</span>
                )}
                {s.hasFault ? <Badge tone="bad">Fault</Badge> : null}
                {s.hasThrottle ? <Badge tone="warn">Throttled</Badge> : null}
                {s.hasError && !s.hasThrottle ? <Badge tone="warn">Error</Badge> : null}
                {s.httpStatus ? <span className="text-xs text-zinc-600 dark:text-zinc-400">{s.httpStatus}</span> : null}
              </div>
              <div className="truncate text-xs text-zinc-600 dark:text-zinc-400">
                {[s.origin, s.httpMethod && s.httpUrl ? `${s.httpMethod} ${s.httpUrl}` : null, s.cause, ...Object.entries(s.annotations).map(([k, v]) => `${k}=${String(v)}`)].filter(Boolean).join(" · ")}
              </div>
            </div>
            <div className="flex items-center gap-2">
              <div className="relative h-3 flex-1 rounded bg-zinc-100 dark:bg-zinc-800">
                <div className={cn("absolute inset-y-0 rounded", tone)} style={{ left: `${left}%`, width: `${Math.min(width, 100 - left)}%` }} />
              </div>
              <span className="w-24 shrink-0 text-right text-xs tabular-nums">
                {s.isInProgress ? "in progress" : formatMs(s.durationMs)} <span className="text-zinc-500 dark:text-zinc-400">+{formatMs(s.startOffsetMs)}</span>
              </span>
            </div>
          </li>
        );
      })}
    </ol>
  );
}
