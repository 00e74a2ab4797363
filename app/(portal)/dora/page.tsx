import type { Metadata } from "next";
import { NotBuilt } from "@/components/ui/not-built";

export const metadata: Metadata = { title: "DORA metrics" };

export default function Page() {
  return (
    <NotBuilt
      title="DORA metrics"
      summary="Deployment frequency, change lead time, change fail rate, recovery time and rework rate."
      bullets={[
        "Team dashboards with bands, sample sizes and trends",
        "An executive view across every team",
        "Every figure linked to the deployments and incidents behind it",
      ]}
    />
  );
}
