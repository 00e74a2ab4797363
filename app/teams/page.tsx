import type { Metadata } from "next";
import { NotBuilt } from "@/components/ui/not-built";

export const metadata: Metadata = { title: "Teams" };

export default function Page() {
  return (
    <NotBuilt
      title="Teams"
      summary="Teams, their members and the services they own."
      bullets={[
        "Searchable list of teams and groups",
        "A page per team with members, services, DORA metrics, alarms and incidents",
        "Catalog import from Backstage-style catalog-info.yaml",
      ]}
    />
  );
}
