import type { Metadata } from "next";
import Link from "next/link";
import { RevokeTokenButton } from "@/components/settings/revoke-token-button";
import { TokenCreateForm } from "@/components/settings/token-create-form";
import { Badge } from "@/components/ui/badge";
import { Card, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table } from "@/components/ui/table";
import { holdsEverywhere, teamsHolding } from "@/lib/auth/permissions";
import { findApiTokens } from "@/lib/auth/server/find-api-tokens";
import { requireViewerWith } from "@/lib/auth/server/viewer";
import { findTeamOptions } from "@/lib/catalog/server/find-team-options";

export const metadata: Metadata = { title: "API tokens" };

export default async function TokensPage() {
  const viewer = await requireViewerWith("token.manage");
  const orgWide = holdsEverywhere(viewer, "token.manage");
  const teamIds = orgWide ? null : teamsHolding(viewer, "token.manage");
  const [tokens, teams] = await Promise.all([
    findApiTokens({ teamIds }),
    findTeamOptions({ teamIds }),
  ]);
  const isAdmin = holdsEverywhere(viewer, "audit.read");
  const now = new Date();
  return (
    <div className="space-y-6">
      <Card>
        <CardTitle>New token</CardTitle>
        <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">
          For machines: CI posting deployments (<code className="font-mono text-xs">ingest</code>), scripts reading data (<code className="font-mono text-xs">read</code>).
          Only a hash is stored; the token is shown once.{orgWide ? "" : " As a team maintainer you create tokens for your teams."}
        </p>
        <TokenCreateForm teams={teams} orgWide={orgWide} />
      </Card>
      <Card>
        <CardTitle>{orgWide ? "All tokens" : "Your teams' tokens"}</CardTitle>
        {tokens.length === 0 ? (
          <EmptyState title="No API tokens yet">Create one above, or from the command line: npm run portside -- token create --name ci --scopes ingest.</EmptyState>
        ) : (
          <Table
            caption="API tokens"
            columns={[{ label: "Token" }, { label: "Scopes" }, { label: "Team" }, { label: "Created" }, { label: "Last used" }, { label: "State" }, { label: "Actions", align: "end" }]}
          >
            {tokens.map((t) => {
              const expired = t.expiresAt !== null && t.expiresAt < now;
              return (
                <tr key={t.id}>
                  <td className="py-2 pr-3">
                    <span className="font-medium">{t.name}</span>
                    <span className="block font-mono text-xs text-zinc-500 dark:text-zinc-400">
                      #{t.id} · {t.prefix}…
                    </span>
                    {isAdmin ? (
                      <Link href={`/settings/audit?entityType=ApiToken&entityId=${t.id}`} className="text-xs text-sky-700 hover:underline dark:text-sky-400">
                        History
                      </Link>
                    ) : null}
                  </td>
                  <td className="py-2 pr-3">
                    <span className="flex flex-wrap gap-1">
                      {t.scopes.map((s) => (
                        <Badge key={s}>{s}</Badge>
                      ))}
                    </span>
                  </td>
                  <td className="py-2 pr-3 text-zinc-700 dark:text-zinc-300">{t.team?.name ?? "Organisation"}</td>
                  <td className="py-2 pr-3 text-zinc-600 dark:text-zinc-400">
                    <RelativeTime date={t.createdAt} now={now} />
                    {t.createdBy ? <span className="block text-xs">by {t.createdBy.name}</span> : null}
                  </td>
                  <td className="py-2 pr-3 text-zinc-600 dark:text-zinc-400">{t.lastUsedAt ? <RelativeTime date={t.lastUsedAt} now={now} /> : "Never"}</td>
                  <td className="py-2 pr-3">
                    {t.revokedAt ? <Badge tone="bad">Revoked</Badge> : expired ? <Badge tone="warn">Expired</Badge> : <Badge tone="good">Active</Badge>}
                    {!t.revokedAt && t.expiresAt && !expired ? (
                      <span className="block text-xs text-zinc-500 dark:text-zinc-400">
                        expires <RelativeTime date={t.expiresAt} now={now} />
                      </span>
                    ) : null}
                  </td>
                  <td className="py-2 text-right">{t.revokedAt ? null : <RevokeTokenButton id={t.id} name={t.name} />}</td>
                </tr>
              );
            })}
          </Table>
        )}
      </Card>
    </div>
  );
}
