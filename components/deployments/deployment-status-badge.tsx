import { Badge, type TBadgeTone } from "@/components/ui/badge";

const LOOK: Record<string, { tone: TBadgeTone; label: string }> = {
  SUCCEEDED: { tone: "good", label: "Succeeded" },
  FAILED: { tone: "bad", label: "Failed" },
  ROLLED_BACK: { tone: "warn", label: "Rolled back" },
  IN_PROGRESS: { tone: "info", label: "In progress" },
};

export function DeploymentStatusBadge({ status }: { status: string }) {
  const look = LOOK[status] ?? { tone: "neutral" as const, label: status };
  return <Badge tone={look.tone}>{look.label}</Badge>;
}
