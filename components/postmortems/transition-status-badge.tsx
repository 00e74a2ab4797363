import { BookOpenCheck, CircleCheck, CircleMinus, Eye, PencilLine } from "lucide-react";
import { Badge, type TBadgeTone } from "@/components/ui/badge";
import { POSTMORTEM_STATUS_LABELS, type TPostmortemStatus } from "@/lib/postmortems/schemas";

const STATUS: Record<TPostmortemStatus, { tone: TBadgeTone; Icon: typeof Eye }> = {
  DRAFT: { tone: "neutral", Icon: PencilLine },
  IN_REVIEW: { tone: "info", Icon: Eye },
  APPROVED: { tone: "good", Icon: CircleCheck },
  PUBLISHED: { tone: "good", Icon: BookOpenCheck },
  NOT_REQUIRED: { tone: "neutral", Icon: CircleMinus },
};

/** A postmortem's state with an icon and its name, never colour alone. */
export function PostmortemStatusBadge({ status }: { status: TPostmortemStatus }) {
  const { tone, Icon } = STATUS[status];
  return (
    <Badge tone={tone}>
      <Icon aria-hidden className="size-3" />
      {POSTMORTEM_STATUS_LABELS[status]}
    </Badge>
  );
}
