import type { Metadata } from "next";
import { NotBuilt } from "@/components/ui/not-built";

export const metadata: Metadata = { title: "Incidents" };

export default function Page() {
  return (
    <NotBuilt
      title="Incidents"
      summary="Incidents opened by alarms, by hand or by your paging tool."
      bullets={[
        "Open incidents first, with durations and severity",
        "Attribution to the deployment that caused them",
        "A timeline of everything that happened",
      ]}
    />
  );
}
