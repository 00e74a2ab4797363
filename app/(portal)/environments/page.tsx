import type { Metadata } from "next";
import { NotBuilt } from "@/components/ui/not-built";

export const metadata: Metadata = { title: "Environments" };

export default function Page() {
  return (
    <NotBuilt
      title="Environments"
      summary="Self-service environments with approvals and a time limit."
      bullets={[
        "Request an environment from a template",
        "Approvals by your team's approvers",
        "Provisioned with CloudFormation and torn down when its time is up",
      ]}
    />
  );
}
