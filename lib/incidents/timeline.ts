/**
 * The timeline an incident page shows: what was recorded as it happened,
 * plus its opening, acknowledgement and resolution from the incident's own
 * times when no entry says so (incidents imported or recorded before
 * timelines were kept). Pure.
 */
export interface TTimelineEntry {
  at: string;
  kind: string;
  message: string;
  actor: string | null;
  /** Taken from the incident's times, not from a recorded entry. */
  isDerived: boolean;
}

const DERIVED = [
  ["opened", "openedAt", "Opened"],
  ["acknowledged", "acknowledgedAt", "Acknowledged"],
  ["resolved", "resolvedAt", "Resolved"],
] as const;

export function incidentTimeline(
  incident: { openedAt: string; acknowledgedAt: string | null; resolvedAt: string | null },
  recorded: readonly { at: string; kind: string; message: string; actor: string | null }[],
): TTimelineEntry[] {
  const kinds = new Set(recorded.map((e) => e.kind));
  const derived = DERIVED.flatMap(([kind, field, message]) => {
    const at = incident[field];
    return at !== null && !kinds.has(kind) ? [{ at, kind, message, actor: null, isDerived: true }] : [];
  });
  // Stable: entries at the same instant keep their order (recorded order, derived ones in life-cycle order).
  return [...recorded.map((e) => ({ ...e, isDerived: false })), ...derived].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}
