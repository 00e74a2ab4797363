import type { Metadata } from "next";
import { NotBuilt } from "@/components/ui/not-built";

export const metadata: Metadata = { title: "Service map" };

export default function Page() {
  return (
    <NotBuilt
      title="Service map"
      summary="The X-Ray service graph of your organisation."
      bullets={[
        "An interactive map filtered by team and time window",
        "Health per node: faults, errors and throttles",
        "Before/after comparison around a deployment",
      ]}
    />
  );
}
