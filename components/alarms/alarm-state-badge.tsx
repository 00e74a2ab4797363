import { AlertTriangle, CheckCircle2, HelpCircle } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { STATE_LABEL, STATE_TONE, type TBoardState } from "@/lib/alarms/alarm-board";

const ICON = { alarm: AlertTriangle, insufficient_data: HelpCircle, ok: CheckCircle2 } as const;

/** An alarm state as a badge with an icon and a word, never colour alone. */
export function AlarmStateBadge({ state }: { state: TBoardState }) {
  const Icon = ICON[state];
  return (
    <Badge tone={STATE_TONE[state]}>
      <Icon aria-hidden className="size-3" />
      {STATE_LABEL[state]}
    </Badge>
  );
}

export function SeverityBadge({ severity }: { severity: string | null }) {
  if (!severity) return <span className="text-xs text-zinc-500 dark:text-zinc-400">No severity</span>;
  return <Badge tone={severity === "SEV1" || severity === "SEV2" ? "bad" : "neutral"}>{severity}</Badge>;
}
