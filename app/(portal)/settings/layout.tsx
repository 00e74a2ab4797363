import type { ReactNode } from "react";
import { SettingsTabs } from "@/components/settings/settings-tabs";
import { PageHeader } from "@/components/ui/page-header";
import { holdsAnywhere, holdsEverywhere } from "@/lib/auth/permissions";
import { requireViewer } from "@/lib/auth/server/viewer";

export default async function SettingsLayout({ children }: { children: ReactNode }) {
  const viewer = await requireViewer();
  const tabs = [
    { href: "/settings", label: "AWS accounts" },
    { href: "/settings/sync", label: "Sync status" },
    { href: "/settings/postmortems", label: "Postmortem rules" },
    ...(holdsAnywhere(viewer, "token.manage") ? [{ href: "/settings/tokens", label: "API tokens" }] : []),
    ...(holdsEverywhere(viewer, "catalog.import") ? [{ href: "/settings/catalog", label: "Catalog import" }] : []),
    ...(holdsEverywhere(viewer, "user.manage") ? [{ href: "/settings/people", label: "People" }] : []),
    ...(holdsEverywhere(viewer, "audit.read") ? [{ href: "/settings/audit", label: "Audit log" }] : []),
  ];
  return (
    <>
      <PageHeader title="Settings" description="Where Portside reads from, who may send it data, and who may change what." />
      <SettingsTabs tabs={tabs} />
      {children}
    </>
  );
}
