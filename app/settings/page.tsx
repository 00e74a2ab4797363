import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { Badge } from "@/components/ui/badge";
import { Card, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table } from "@/components/ui/table";
import { RelativeTime } from "@/components/ui/relative-time";
import { findApiTokens } from "@/lib/auth/server/find-api-tokens";
import { findAwsAccounts } from "@/lib/catalog/server/find-aws-accounts";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  await connection();
  const [accounts, tokens] = await Promise.all([findAwsAccounts(), findApiTokens()]);
  const now = new Date();
  return (
    <>
      <PageHeader
        title="Settings"
        description="The AWS accounts Portside reads from, and the API tokens machines use to send it data."
        actions={<Link href="/settings/audit" className="text-sm text-sky-700 hover:underline dark:text-sky-400">Audit log</Link>}
      />
      <div className="space-y-6">
        <Card>
          <CardTitle>AWS accounts</CardTitle>
          {accounts.length === 0 ? (
            <EmptyState title="No AWS accounts yet">Deploy the member-account stack in an account, then add it here (see Deploying in the README).</EmptyState>
          ) : (
            <Table caption="AWS accounts" columns={[{ label: "Account" }, { label: "Access" }, { label: "Regions" }, { label: "Pipelines", align: "end" }, { label: "Alarms", align: "end" }]}>
                {accounts.map((a) => (
                  <tr key={a.accountId}>
                    <td className="py-2 pr-3">
                      <span className="font-medium">{a.name}</span>
                      <span className="block font-mono text-xs text-zinc-500 dark:text-zinc-400">{a.accountId}</span>
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
                    <td className="py-2 pr-3 font-mono text-xs">{a.regions.join(", ")}</td>
                    <td className="py-2 text-right tabular-nums">{a.pipelines}</td>
                    <td className="py-2 text-right tabular-nums">{a.alarms}</td>
                  </tr>
                ))}
            </Table>
          )}
        </Card>
        <Card>
          <CardTitle>API tokens</CardTitle>
          <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">
            Until sign-in ships, tokens are created and revoked from the command line:{" "}
            <code className="font-mono text-xs">npm run portside -- token create --name ci --scopes ingest</code> (shown once) and{" "}
            <code className="font-mono text-xs">npm run portside -- token revoke &lt;id&gt;</code>. Only a hash of each token is stored.
          </p>
          {tokens.length === 0 ? (
            <EmptyState title="No API tokens yet" />
          ) : (
            <Table caption="API tokens" columns={[{ label: "Token" }, { label: "Scopes" }, { label: "Team" }, { label: "Last used" }, { label: "State", align: "end" }]}>
                {tokens.map((t) => (
                  <tr key={t.id}>
                    <td className="py-2 pr-3">
                      <span className="font-medium">{t.name}</span>
                      <span className="block font-mono text-xs text-zinc-500 dark:text-zinc-400">#{t.id} · {t.prefix}…</span>
                      <Link href={`/settings/audit?entityType=ApiToken&entityId=${t.id}`} className="text-xs text-sky-700 hover:underline dark:text-sky-400">History</Link>
                    </td>
                    <td className="py-2 pr-3">
                      <span className="flex flex-wrap gap-1">{t.scopes.map((s) => <Badge key={s}>{s}</Badge>)}</span>
                    </td>
                    <td className="py-2 pr-3 text-zinc-700 dark:text-zinc-300">{t.team?.name ?? "Organisation"}</td>
                    <td className="py-2 pr-3 text-zinc-600 dark:text-zinc-400">{t.lastUsedAt ? <RelativeTime date={t.lastUsedAt} now={now} /> : "Never"}</td>
                    <td className="py-2 text-right">
                      {t.revokedAt ? <Badge tone="bad">Revoked</Badge> : t.expiresAt && t.expiresAt < now ? <Badge tone="warn">Expired</Badge> : <Badge tone="good">Active</Badge>}
                    </td>
                  </tr>
                ))}
            </Table>
          )}
        </Card>
      </div>
    </>
  );
}
