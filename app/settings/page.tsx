import type { Metadata } from "next";
import { NotBuilt } from "@/components/ui/not-built";

export const metadata: Metadata = { title: "Settings" };

export default function Page() {
  return (
    <NotBuilt
      title="Settings"
      summary="AWS accounts, API tokens and the organisation's settings."
      bullets={[
        "AWS accounts and the role Portside assumes in each",
        "API tokens for CI and EventBridge, shown once and revocable",
        "Sync status per account, region and source",
      ]}
    />
  );
}
