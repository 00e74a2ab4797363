import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { AlertTriangle } from "lucide-react";
import { FilterForm } from "@/components/ui/filter-form";
import { ActionItemsTable } from "@/components/postmortems/action-items-table";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { FilterSelect } from "@/components/ui/filter-select";
import { PageHeader } from "@/components/ui/page-header";
import { requireViewer } from "@/lib/auth/server/viewer";
import { findTeamOptions } from "@/lib/catalog/server/find-team-options";
import { ACTION_ITEM_PRIORITIES, ACTION_ITEM_PRIORITY_LABELS, ACTION_ITEM_STATUS_LABELS, ACTION_ITEM_STATUSES, ZActionItemQuerySchema, type TActionItemQuery } from "@/lib/postmortems/schemas";
import { findActionItems } from "@/lib/postmortems/server/find-action-items";
import { pageFilters } from "@/lib/schemas";

export const metadata: Metadata = { title: "Action items" };

const QUERY_KEYS = ["team", "owner", "status", "priority", "overdue", "page"] as const;
/** The page shows open and in-progress items unless asked otherwise (the API's default is every status). */
const DEFAULTS = { status: "active" } as const;

function href(query: TActionItemQuery, change: Partial<Record<(typeof QUERY_KEYS)[number], string | number | undefined>> = {}): string {
  const merged: Record<string, string | number | undefined> = { ...query, ...change };
  const params = new URLSearchParams();
  for (const key of QUERY_KEYS) {
    const value = merged[key];
    if (value === undefined || value === "" || (key === "page" && value === 1) || (key === "status" && value === DEFAULTS.status)) continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `/postmortems/actions?${qs}` : "/postmortems/actions";
}

const STATUS_OPTIONS: [string, string][] = [["active", "Open or in progress"], ...ACTION_ITEM_STATUSES.map((s): [string, string] => [s, ACTION_ITEM_STATUS_LABELS[s]])];

export default async function ActionItemsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  const viewer = await requireViewer();
  const now = new Date();
  const query: TActionItemQuery = pageFilters(await searchParams, ZActionItemQuerySchema, DEFAULTS);
  const [page, teams] = await Promise.all([findActionItems({ query, viewerUserId: viewer.userId, now }), findTeamOptions()]);
  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  const isMine = query.owner === "me" || query.owner === viewer.userId;
  const isFiltered = query.team !== undefined || query.owner !== undefined || query.priority !== undefined || query.overdue !== undefined || query.status !== DEFAULTS.status;
  const ownerOptions: [string, string][] = [["me", "Me"]];
  if (typeof query.owner === "number" && query.owner !== viewer.userId) ownerOptions.push([String(query.owner), `Person #${query.owner}`]);

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-zinc-600 dark:text-zinc-400">
        <Link href="/postmortems" className="hover:underline">Postmortems</Link>
      </nav>
      <PageHeader
        title="Action items"
        description="The follow-ups every postmortem commits to, across the organisation: open ones first and overdue before the rest. Each is changed on its postmortem."
        actions={
          <Link href="/postmortems/insights" className="text-sm font-medium text-sky-700 hover:underline dark:text-sky-400">
            Completion and age in insights
          </Link>
        }
      />
      <div className="mb-6">
        <FilterForm key={href(query, { page: undefined })} action="/postmortems/actions" label="Filter action items" defaults={DEFAULTS}>
          <FilterSelect name="team" label="Team" value={query.team} all="All teams" options={teams.map((t) => [t.slug, t.name])} />
          <FilterSelect name="owner" label="Owner" value={query.owner === undefined ? undefined : String(query.owner)} all="Anyone" options={ownerOptions} />
          <FilterSelect name="status" label="Status" value={query.status} options={STATUS_OPTIONS} />
          <FilterSelect name="priority" label="Priority" value={query.priority} all="Any priority" options={ACTION_ITEM_PRIORITIES.map((p) => [p, ACTION_ITEM_PRIORITY_LABELS[p]])} />
          <FilterSelect name="overdue" label="Due" value={query.overdue} all="Any due date" options={[["true", "Overdue only"], ["false", "Not overdue"]]} />
        </FilterForm>
      </div>

      {page.rows.length === 0 ? (
        <EmptyState title={isMine && !query.team && !query.priority && !query.overdue ? "You have no open action items" : isFiltered ? "No action items match" : "No open action items"}>
          {isFiltered ? (
            <>
              Try fewer filters, or{" "}
              <Link href="/postmortems/actions" className="text-sky-700 hover:underline dark:text-sky-400">
                see every open action item
              </Link>
              .
            </>
          ) : (
            "Action items are added to a postmortem while it is written: what to change so that it does not happen again, with an owner and a due date."
          )}
        </EmptyState>
      ) : (
        <>
          <p className="mb-2 flex flex-wrap items-center gap-2 text-sm text-zinc-600 dark:text-zinc-400" role="status">
            {page.total.toLocaleString("en")} action item{page.total === 1 ? "" : "s"}
            {page.overdue > 0 ? (
              <Badge tone="bad">
                <AlertTriangle aria-hidden className="size-3" />
                {page.overdue.toLocaleString("en")} overdue
              </Badge>
            ) : null}
          </p>
          <Card className="p-0">
            <ActionItemsTable items={page.rows} now={now} caption="Action items, open first, overdue before the rest" isPadded />
          </Card>
        </>
      )}
      {pages > 1 ? (
        <nav aria-label="Pages" className="mt-6 flex items-center justify-between text-sm">
          {page.page > 1 ? <Link href={href(query, { page: page.page - 1 })} className="text-sky-700 hover:underline dark:text-sky-400">← Previous</Link> : <span />}
          <span className="text-zinc-600 dark:text-zinc-400">
            Page {page.page} of {pages} ({page.total.toLocaleString("en")} action items)
          </span>
          {page.page < pages ? <Link href={href(query, { page: page.page + 1 })} className="text-sky-700 hover:underline dark:text-sky-400">Next →</Link> : <span />}
        </nav>
      ) : null}
    </>
  );
}
