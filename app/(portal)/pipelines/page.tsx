import type { Metadata } from "next";
import { NotBuilt } from "@/components/ui/not-built";

export const metadata: Metadata = { title: "Pipelines" };

export default function Page() {
  return (
    <NotBuilt
      title="Pipelines"
      summary="Every CodePipeline pipeline across your AWS accounts and regions."
      bullets={[
        "A live board of pipelines grouped by team, failures first",
        "Stage strips with the failure reason of the latest execution",
        "Manual approvals from the portal",
      ]}
    />
  );
}
