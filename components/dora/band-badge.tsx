import { Badge, type TBadgeTone } from "@/components/ui/badge";
import { BAND_LABEL } from "@/components/dora/metric-format";
import type { TBand } from "@/lib/dora/bands";

const TONE: Record<TBand, TBadgeTone> = { elite: "good", high: "info", medium: "warn", low: "bad" };
/** Filled bars out of four, so the level reads without colour too. */
const BARS: Record<TBand, number> = { elite: 4, high: 3, medium: 2, low: 1 };

/** A DORA band said in words (and bars), never by colour alone; why there is none when there is none. */
export function BandBadge({ band, isLowSample = false, hasBands = true, isCompact = false }: { band: TBand | null; isLowSample?: boolean; hasBands?: boolean; isCompact?: boolean }) {
  if (!band) {
    if (!hasBands) return <Badge>No published bands</Badge>;
    return isLowSample ? <Badge tone="warn">{isCompact ? "Too few" : "Too few for a band"}</Badge> : <Badge>No band</Badge>;
  }
  // Compact (the executive table's hundreds of cells): the word alone, which already says the band without colour.
  if (isCompact) return <Badge tone={TONE[band]}>{BAND_LABEL[band]}</Badge>;
  return (
    <Badge tone={TONE[band]}>
      <span aria-hidden className="inline-flex items-end gap-px">
        {[1, 2, 3, 4].map((i) => (
          <span key={i} className={i <= BARS[band] ? "w-0.5 bg-current" : "w-0.5 bg-current opacity-25"} style={{ height: `${4 + i * 2}px` }} />
        ))}
      </span>
      {BAND_LABEL[band]}
    </Badge>
  );
}
