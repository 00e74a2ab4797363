import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { requireViewer } from "@/lib/auth/server/viewer";

/**
 * Everything in the portal needs a signed-in person (proxy.ts redirects
 * requests without a session cookie; this checks the session itself). Pages
 * that show restricted data check again: layouts do not re-run on navigation.
 */
export default async function PortalLayout({ children }: { children: ReactNode }) {
  const viewer = await requireViewer();
  return <AppShell viewer={{ name: viewer.name, email: viewer.email, orgRole: viewer.orgRole }}>{children}</AppShell>;
}
