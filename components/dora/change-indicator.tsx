import { ArrowDownRight, ArrowRight, ArrowUpRight } from "lucide-react";
import { cn } from "@/components/ui/cn";
import type { TChange } from "@/components/dora/metric-format";

const ICON = { up: ArrowUpRight, down: ArrowDownRight, flat: ArrowRight } as const;
const COLOUR = {
  better: "text-emerald-700 dark:text-emerald-400",
  worse: "text-red-700 dark:text-red-400",
  same: "text-zinc-600 dark:text-zinc-400",
} as const;
const WORD = { better: "better", worse: "worse", same: "same" } as const;
/** The compact form (hundreds of cells in the executive table) draws its arrow as text: an SVG per cell was most of the page's weight. */
const GLYPH = { up: "↗", down: "↘", flat: "→" } as const;

/** The change against the previous window: arrow, amount and whether that is better, in words as well as colour. */
export function ChangeIndicator({ change, isCompact = false }: { change: TChange | null; isCompact?: boolean }) {
  if (!change) {
    return <span className="text-xs text-zinc-500 dark:text-zinc-400" title="No data in one of the two windows">{isCompact ? "—" : "No earlier figure to compare"}</span>;
  }
  if (isCompact) {
    return (
      <span className={cn("text-xs font-medium whitespace-nowrap", COLOUR[change.verdict])}>
        <span aria-hidden>
          {GLYPH[change.direction]} {change.amount}
        </span>
        <span className="sr-only">{change.text}</span>
      </span>
    );
  }
  const Icon = ICON[change.direction];
  return (
    <span className={cn("inline-flex items-center gap-0.5 text-xs font-medium whitespace-nowrap", COLOUR[change.verdict])} title={change.text}>
      <Icon aria-hidden className="size-3.5" />
      <span aria-hidden>
        {change.amount} · {WORD[change.verdict]}
      </span>
      <span className="sr-only">{change.text}</span>
    </span>
  );
}
