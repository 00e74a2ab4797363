import type { Metadata } from "next";
import { NotBuilt } from "@/components/ui/not-built";

export const metadata: Metadata = { title: "Postmortems" };

export default function Page() {
  return (
    <NotBuilt
      title="Postmortems"
      summary="Blameless postmortems with a timeline drafted from what the portal knows."
      bullets={[
        "A timeline drafted from alarms, deployments and incident events",
        "Five whys and action items with owners and due dates",
        "Review and publish",
      ]}
    />
  );
}
