import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table } from "@/components/ui/table";
import { findTeams } from "@/lib/catalog/server/find-teams";

export const metadata: Metadata = { title: "Teams" };

export default async function TeamsPage({ searchParams }: { searchParams: Promise<{ q?: string | string[] }> }) {
  await connection();
  const raw = (await searchParams).q;
  const query = (Array.isArray(raw) ? raw[0] : raw)?.slice(0, 100) ?? "";
  const teams = await findTeams({ query });
  return (
    <>
      <PageHeader
        title="Teams"
        description="Every team and group, with what they own. Import more with npm run portside -- catalog import <catalog-info.yaml>."
      />
      <form role="search" className="mb-6 flex max-w-lg gap-2" action="/teams">
        <label htmlFor="team-search" className="sr-only">Search teams</label>
        <input
          id="team-search"
          name="q"
          type="search"
          defaultValue={query}
          placeholder="Search by name or description"
          className="w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"
        />
        <button type="submit" className="rounded-md bg-zinc-900 px-4 py-2 text-sm font-medium text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300">
          Search
        </button>
      </form>
      {teams.length === 0 ? (
        <EmptyState title={query ? `No team matches “${query}”` : "No teams yet"}>
          {query ? <Link className="text-sky-700 underline dark:text-sky-400" href="/teams">Show all teams</Link> : "Import a catalog-info.yaml, or run npm run db:seed for the demo organisation."}
        </EmptyState>
      ) : (
        <Card className="p-0">
          <Table caption={`Teams${query ? ` matching ${query}` : ""}`} isPadded columns={[{ label: "Team" }, { label: "Group" }, { label: "Services", align: "end" }, { label: "Members", align: "end" }]}>
              {teams.map((t) => (
                <tr key={t.slug}>
                  <td className="px-5 py-3">
                    <Link href={`/teams/${t.slug}`} className="font-medium text-sky-700 hover:underline dark:text-sky-400">{t.name}</Link>
                    {t.description ? <p className="text-xs text-zinc-600 dark:text-zinc-400">{t.description}</p> : null}
                  </td>
                  <td className="px-5 py-3 text-zinc-700 dark:text-zinc-300">
                    {t.group ? <Link href={`/teams/${t.group.slug}`} className="hover:underline">{t.group.name}</Link> : t.teams > 0 ? `Group of ${t.teams}` : "—"}
                  </td>
                  <td className="px-5 py-3 text-right tabular-nums">{t.services}</td>
                  <td className="px-5 py-3 text-right tabular-nums">{t.members}</td>
                </tr>
              ))}
          </Table>
        </Card>
      )}
    </>
  );
}
