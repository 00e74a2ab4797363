import { Badge } from "@/components/ui/badge";

const TIER_LABEL = { TIER_1: "Tier 1", TIER_2: "Tier 2", TIER_3: "Tier 3", TIER_4: "Tier 4" } as const;

export function TierBadge({ tier }: { tier: keyof typeof TIER_LABEL }) {
  return <Badge>{TIER_LABEL[tier]}</Badge>;
}
