import { AlertOctagon, CheckCircle2, Eye } from "lucide-react";
import { Badge, type TBadgeTone } from "@/components/ui/badge";
import type { TIncidentStatus, TSeverity } from "@/lib/incidents/schemas";

const SEVERITY: Record<TSeverity, { tone: TBadgeTone; label: string }> = {
  SEV1: { tone: "bad", label: "SEV1 · critical" },
  SEV2: { tone: "bad", label: "SEV2 · major" },
  SEV3: { tone: "warn", label: "SEV3 · minor" },
  SEV4: { tone: "neutral", label: "SEV4 · low" },
};

const STATUS: Record<TIncidentStatus, { tone: TBadgeTone; label: string; Icon: typeof AlertOctagon }> = {
  open: { tone: "bad", label: "Open", Icon: AlertOctagon },
  acknowledged: { tone: "warn", label: "Acknowledged", Icon: Eye },
  resolved: { tone: "good", label: "Resolved", Icon: CheckCircle2 },
};

export function SeverityBadge({ severity }: { severity: TSeverity }) {
  const s = SEVERITY[severity];
  return <Badge tone={s.tone}>{s.label}</Badge>;
}

/** Status with an icon and its name, never colour alone. */
export function IncidentStatusBadge({ status }: { status: TIncidentStatus }) {
  const s = STATUS[status];
  return (
    <Badge tone={s.tone}>
      <s.Icon aria-hidden className="size-3" />
      {s.label}
    </Badge>
  );
}

/** "caused by a change", "not caused by a change", or nothing said yet. */
export function causeText(causedByChange: boolean | null): string {
  if (causedByChange === true) return "caused by a change";
  if (causedByChange === false) return "not caused by a change";
  return "cause not known";
}
