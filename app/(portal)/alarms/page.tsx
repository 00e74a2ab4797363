import type { Metadata } from "next";
import { NotBuilt } from "@/components/ui/not-built";

export const metadata: Metadata = { title: "Alarms" };

export default function Page() {
  return (
    <NotBuilt
      title="Alarms"
      summary="CloudWatch alarms from every account and region."
      bullets={[
        "A live board: ALARM first, then INSUFFICIENT_DATA, then OK",
        "Metric charts with deployments drawn as markers",
        "Alarms that open incidents automatically",
      ]}
    />
  );
}
