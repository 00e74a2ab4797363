import type { Metadata } from "next";
import Link from "next/link";
import { AwsAccountActions, AwsAccountForm } from "@/components/settings/aws-account-form";
import { Card, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Table } from "@/components/ui/table";
import { holdsEverywhere } from "@/lib/auth/permissions";
import { requireViewer } from "@/lib/auth/server/viewer";
import { findAwsAccounts } from "@/lib/catalog/server/find-aws-accounts";
import { memberAccountDefaults } from "@/lib/catalog/server/manage-aws-accounts";

export const metadata: Metadata = { title: "AWS accounts" };

export default async function AwsAccountsPage() {
  const viewer = await requireViewer();
  const canManage = holdsEverywhere(viewer, "account.manage");
  const canAudit = holdsEverywhere(viewer, "audit.read");
  const accounts = await findAwsAccounts();
  return (
    <div className="space-y-6">
      {canManage ? (
        <Card>
          <CardTitle>Add an AWS account</CardTitle>
          <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">
            Deploy the member-account stack in the account first (see “Adding a member account” in docs/deployment.md); it creates the read-only role and prints its ARN and external id.
          </p>
          <AwsAccountForm defaults={memberAccountDefaults()} />
        </Card>
      ) : null}
      <Card>
        <CardTitle>AWS accounts</CardTitle>
        {accounts.length === 0 ? (
          <EmptyState title="No AWS accounts yet">
            {canManage ? "Add one above." : "An admin adds them here once the member-account stack is deployed."}
          </EmptyState>
        ) : (
          <Table
            caption="AWS accounts"
            columns={[{ label: "Account" }, { label: "Access" }, { label: "Regions" }, { label: "Pipelines", align: "end" }, { label: "Alarms", align: "end" }, ...(canManage ? [{ label: "Actions", align: "end" as const }] : [])]}
          >
            {accounts.map((a) => (
              <tr key={a.accountId} className="align-top">
                <td className="py-2 pr-3">
                  <span className="font-medium">{a.name}</span>
                  <span className="block font-mono text-xs text-zinc-500 dark:text-zinc-400">{a.accountId}</span>
                  {canAudit ? (
                    <Link href={`/settings/audit?entityType=AwsAccount&entityId=${a.id}`} className="text-xs text-sky-700 hover:underline dark:text-sky-400">
                      History
                    </Link>
                  ) : null}
                </td>
                <td className="py-2 pr-3 text-xs">
                  {a.roleArn ? (
                    <>
                      <code className="font-mono break-all">{a.roleArn}</code>
                      <span className="block text-zinc-500 dark:text-zinc-400">{a.hasExternalId ? "with an external id" : "no external id"}</span>
                    </>
                  ) : (
                    "Home account (the portal's own role)"
                  )}
                </td>
                <td className="py-2 pr-3 font-mono text-xs">
                  {a.regions.join(", ")}
                  {a.alarmSeverityPattern ? <span className="block text-zinc-500 dark:text-zinc-400">alarm severity: {a.alarmSeverityPattern}</span> : null}
                </td>
                <td className="py-2 pr-3 text-right tabular-nums">{a.pipelines}</td>
                <td className="py-2 pr-3 text-right tabular-nums">{a.alarms}</td>
                {canManage ? (
                  <td className="py-2 text-right">
                    <AwsAccountActions account={{ id: a.id, accountId: a.accountId, name: a.name, roleArn: a.roleArn, hasExternalId: a.hasExternalId, regions: a.regions, alarmSeverityPattern: a.alarmSeverityPattern }} />
                  </td>
                ) : null}
              </tr>
            ))}
          </Table>
        )}
      </Card>
    </div>
  );
}
