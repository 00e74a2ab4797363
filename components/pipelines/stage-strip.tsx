import { Ban, Check, CircleDashed, Loader, X } from "lucide-react";
import { cn } from "@/components/ui/cn";
import type { TBoardStage } from "@/lib/pipelines/board";

const LOOK: Record<string, { label: string; className: string; Icon: typeof Check }> = {
  Succeeded: { label: "Succeeded", className: "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100", Icon: Check },
  Failed: { label: "Failed", className: "border-red-400 bg-red-50 text-red-900 dark:border-red-700 dark:bg-red-950 dark:text-red-100", Icon: X },
  InProgress: { label: "In progress", className: "border-sky-400 bg-sky-50 text-sky-900 dark:border-sky-700 dark:bg-sky-950 dark:text-sky-100", Icon: Loader },
  Stopping: { label: "Stopping", className: "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100", Icon: Loader },
  Stopped: { label: "Stopped", className: "border-zinc-300 bg-zinc-100 text-zinc-700 dark:border-zinc-700 dark:bg-zinc-800 dark:text-zinc-200", Icon: Ban },
  Cancelled: { label: "Cancelled", className: "border-zinc-300 bg-zinc-100 text-zinc-700 dark:border-zinc-700 dark:bg-zinc-800 dark:text-zinc-200", Icon: Ban },
  Skipped: { label: "Skipped", className: "border-zinc-300 bg-zinc-50 text-zinc-700 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-300", Icon: CircleDashed },
};
const NOT_RUN = { label: "Not run", className: "border-dashed border-zinc-300 text-zinc-700 dark:border-zinc-700 dark:text-zinc-300", Icon: CircleDashed };

export function stageLook(status: string | null) {
  return (status && LOOK[status]) || NOT_RUN;
}

/** A pipeline's stages in order, each with its state in words and an icon (not colour alone). */
export function StageStrip({ stages, pipeline }: { stages: TBoardStage[]; pipeline: string }) {
  return (
    <ol className="flex flex-wrap gap-1 pr-3" aria-label={`Stages of ${pipeline}`}>
      {stages.map((stage) => {
        const look = stageLook(stage.status);
        return (
          <li key={stage.name} className={cn("inline-flex min-w-[7rem] items-center gap-1.5 rounded-md border px-2 py-1 text-xs", look.className)}>
            <look.Icon aria-hidden className={cn("size-3.5 shrink-0", stage.status === "InProgress" && "motion-safe:animate-spin")} />
            <span className="leading-tight">
              <span className="block font-medium">
                {stage.name}
                {stage.isProduction ? <span className="sr-only"> (production)</span> : null}
                {stage.isProduction ? <span aria-hidden className="ml-1 rounded bg-black/5 px-1 text-[10px] dark:bg-white/10">prod</span> : null}
              </span>
              <span className="block">{look.label}</span>
            </span>
          </li>
        );
      })}
    </ol>
  );
}
