import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { Clock, Eye, Plus } from "lucide-react";
import { FilterForm } from "@/components/ui/filter-form";
import { SeverityBadge } from "@/components/incidents/incident-badges";
import { SearchSnippet } from "@/components/postmortems/search-snippet";
import { PostmortemStatusBadge } from "@/components/postmortems/transition-status-badge";
import { Badge } from "@/components/ui/badge";
import { inputClass, labelClass } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { FilterSelect } from "@/components/ui/filter-select";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { requireViewer } from "@/lib/auth/server/viewer";
import { findTeamOptions } from "@/lib/catalog/server/find-team-options";
import { SEVERITIES } from "@/lib/incidents/schemas";
import { POSTMORTEM_STATUS_LABELS, POSTMORTEM_STATUSES, ZPostmortemQuerySchema, type TPostmortemQuery } from "@/lib/postmortems/schemas";
import { findPostmortems, STALE_DRAFT_DAYS, type TAttentionRow } from "@/lib/postmortems/server/find-postmortems";
import { pageFilters } from "@/lib/schemas";

export const metadata: Metadata = { title: "Postmortems" };

const QUERY_KEYS = ["q", "team", "service", "severity", "status", "from", "to", "page"] as const;

function href(query: TPostmortemQuery, change: Partial<TPostmortemQuery> = {}): string {
  const merged: Record<string, string | number | undefined> = { ...query, ...change };
  const params = new URLSearchParams();
  for (const key of QUERY_KEYS) {
    const value = merged[key];
    if (value !== undefined && value !== "" && !(key === "page" && value === 1)) params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `/postmortems?${qs}` : "/postmortems";
}

const linkClass = "text-sm font-medium text-sky-700 hover:underline dark:text-sky-400";

export default async function PostmortemsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  const viewer = await requireViewer();
  const now = new Date();
  const query: TPostmortemQuery = pageFilters(await searchParams, ZPostmortemQuerySchema);
  const [page, teams] = await Promise.all([findPostmortems({ query, viewer, now }), findTeamOptions()]);
  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  const isFiltered = QUERY_KEYS.some((k) => k !== "page" && query[k] !== undefined);
  const attentionScope = query.team || query.service ? "in this selection" : viewer.teamRoles.size > 0 ? "in your teams" : "across the organisation";

  return (
    <>
      <PageHeader
        title="Postmortems"
        description="Blameless write-ups of what happened, why, and what we will change. Search their titles, text and action items; a draft is started when an incident that needs one is resolved."
        actions={
          <div className="flex flex-wrap items-center gap-4">
            <Link href="/postmortems/actions" className={linkClass}>
              Action items
            </Link>
            <Link href="/postmortems/insights" className={linkClass}>
              Insights
            </Link>
            <Link href="/settings/postmortems" className={linkClass}>
              Rules
            </Link>
            <Link
              href="/postmortems/new"
              className="inline-flex items-center gap-1.5 rounded-md bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800"
            >
              <Plus aria-hidden className="size-4" />
              New postmortem
            </Link>
          </div>
        }
      />

      {page.attention && page.attention.total > 0 ? <NeedsAttention rows={page.attention.rows} total={page.attention.total} scope={attentionScope} query={query} now={now} /> : null}

      <div className="mb-6">
        <FilterForm key={href(query, { page: undefined })} action="/postmortems" label="Search and filter postmortems">
          {query.service ? <input type="hidden" name="service" value={query.service} /> : null}
          <label className="min-w-56 flex-1">
            <span className={labelClass}>Search</span>
            <input type="search" name="q" defaultValue={query.q ?? ""} placeholder="Words, “a phrase”, -without" className={inputClass} />
          </label>
          <FilterSelect name="team" label="Team" value={query.team} all="All teams" options={teams.map((t) => [t.slug, t.name])} />
          <FilterSelect name="severity" label="Severity" value={query.severity} all="Any severity" options={SEVERITIES.map((s) => [s, s])} />
          <FilterSelect name="status" label="State" value={query.status} all="Any state" options={POSTMORTEM_STATUSES.map((s) => [s, POSTMORTEM_STATUS_LABELS[s]])} />
          <label>
            <span className={labelClass}>Incident from</span>
            <input type="date" name="from" defaultValue={query.from ?? ""} className={inputClass} />
          </label>
          <label>
            <span className={labelClass}>to</span>
            <input type="date" name="to" defaultValue={query.to ?? ""} className={inputClass} />
          </label>
        </FilterForm>
      </div>

      {query.service ? (
        <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">
          Service <span className="font-mono">{query.service}</span> only ·{" "}
          <Link href={href(query, { service: undefined, page: undefined })} className="text-sky-700 hover:underline dark:text-sky-400">
            all services
          </Link>
        </p>
      ) : null}

      {page.rows.length === 0 ? (
        <EmptyState title={isFiltered ? "No postmortems match" : "No postmortems yet"}>
          {isFiltered ? (
            <>
              Try other words or fewer filters{query.q ? " (the search matches whole words and their other forms: “retry” finds “retries”)" : ""}.{" "}
              <Link href="/postmortems" className="text-sky-700 hover:underline dark:text-sky-400">
                Show every postmortem
              </Link>
            </>
          ) : (
            <>
              A draft is started when an incident that needs a postmortem is resolved (SEV1 and SEV2 unless your team chose otherwise), or{" "}
              <Link href="/postmortems/new" className="text-sky-700 underline dark:text-sky-400">
                start one yourself
              </Link>
              .
            </>
          )}
        </EmptyState>
      ) : (
        <>
          <p className="mb-2 text-sm text-zinc-600 dark:text-zinc-400" role="status">
            {page.total.toLocaleString("en")} postmortem{page.total === 1 ? "" : "s"}
            {query.q ? <>, best match first</> : <>, latest change first</>}
          </p>
          <Card className="overflow-x-auto p-0">
            <table className="w-full min-w-[48rem] text-sm">
              <caption className="sr-only">{query.q ? `Postmortems matching “${query.q}”, best match first` : "Postmortems, latest change first"}</caption>
              <thead>
                <tr className="border-b border-zinc-200 text-left text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
                  <th scope="col" className="px-5 py-3 font-medium">Postmortem</th>
                  <th scope="col" className="py-3 pr-4 font-medium">State</th>
                  <th scope="col" className="py-3 pr-4 font-medium">Incident</th>
                  <th scope="col" className="py-3 pr-4 font-medium">Open actions</th>
                  <th scope="col" className="py-3 pr-5 font-medium">Changed</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {page.rows.map((p) => (
                  <tr key={p.id} className="align-top" data-testid={`postmortem-${p.id}`}>
                    <td className="px-5 py-3">
                      <Link href={`/postmortems/${p.id}`} className="font-medium text-sky-700 hover:underline dark:text-sky-400">
                        {p.title}
                      </Link>
                      <span className="mt-1 flex flex-wrap items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-400">
                        <Link href={`/teams/${p.team.slug}`} className="hover:underline">{p.team.name}</Link>
                        {p.service ? (
                          <>
                            ·<Link href={`/services/${p.service.slug}`} className="hover:underline">{p.service.name}</Link>
                          </>
                        ) : null}
                        {p.authorName ? <>· by {p.authorName}</> : <>· drafted by Portside</>}
                      </span>
                      {p.snippet ? <SearchSnippet snippet={p.snippet} /> : null}
                    </td>
                    <td className="py-3 pr-4 whitespace-nowrap">
                      <PostmortemStatusBadge status={p.status} />
                      {p.publishedAt ? (
                        <span className="mt-1 block text-xs text-zinc-600 dark:text-zinc-400">
                          published <RelativeTime date={new Date(p.publishedAt)} now={now} />
                        </span>
                      ) : null}
                    </td>
                    <td className="py-3 pr-4 text-xs whitespace-nowrap text-zinc-700 dark:text-zinc-300">
                      {p.incident ? (
                        <>
                          <SeverityBadge severity={p.incident.severity} />
                          <span className="mt-1 block">
                            <Link href={`/incidents/${p.incident.id}`} className="hover:underline">
                              opened <RelativeTime date={new Date(p.incident.openedAt)} now={now} />
                            </Link>
                          </span>
                        </>
                      ) : (
                        <span className="text-zinc-500 dark:text-zinc-400">Stand-alone</span>
                      )}
                    </td>
                    <td className="py-3 pr-4 tabular-nums">{p.openActionItems > 0 ? p.openActionItems : <span className="text-zinc-500 dark:text-zinc-400">none</span>}</td>
                    <td className="py-3 pr-5 whitespace-nowrap text-zinc-700 dark:text-zinc-300">
                      <RelativeTime date={new Date(p.updatedAt)} now={now} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
        </>
      )}
      {pages > 1 ? (
        <nav aria-label="Pages" className="mt-6 flex items-center justify-between text-sm">
          {page.page > 1 ? <Link href={href(query, { page: page.page - 1 })} className="text-sky-700 hover:underline dark:text-sky-400">← Previous</Link> : <span />}
          <span className="text-zinc-600 dark:text-zinc-400">
            Page {page.page} of {pages} ({page.total.toLocaleString("en")} postmortems)
          </span>
          {page.page < pages ? <Link href={href(query, { page: page.page + 1 })} className="text-sky-700 hover:underline dark:text-sky-400">Next →</Link> : <span />}
        </nav>
      ) : null}
    </>
  );
}

/** Postmortems that wait for someone: in review, or drafts nobody has changed for a week. */
function NeedsAttention({ rows, total, scope, query, now }: { rows: TAttentionRow[]; total: number; scope: string; query: TPostmortemQuery; now: Date }) {
  return (
    <Card className="mb-6 border-amber-300 dark:border-amber-800">
      <CardTitle>Needs attention {scope}</CardTitle>
      <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" aria-label="Postmortems that need attention">
        {rows.map((r) => (
          <li key={r.id} className="flex flex-wrap items-start justify-between gap-x-4 gap-y-1 py-2">
            <div className="min-w-0">
              <Link href={`/postmortems/${r.id}`} className="font-medium text-sky-700 hover:underline dark:text-sky-400">
                {r.title}
              </Link>
              <span className="block text-xs text-zinc-600 dark:text-zinc-400">
                {r.team.name}
                {r.service ? ` · ${r.service.name}` : ""}
              </span>
            </div>
            <span className="flex shrink-0 items-center gap-2 text-xs text-zinc-600 dark:text-zinc-400">
              {r.reason === "review" ? (
                <Badge tone="info">
                  <Eye aria-hidden className="size-3" />
                  Waiting for review
                </Badge>
              ) : (
                <Badge tone="warn">
                  <Clock aria-hidden className="size-3" />
                  No progress for {STALE_DRAFT_DAYS}+ days
                </Badge>
              )}
              <span>
                last change <RelativeTime date={new Date(r.since)} now={now} />
              </span>
            </span>
          </li>
        ))}
      </ul>
      {total > rows.length ? (
        <p className="mt-2 text-xs text-zinc-600 dark:text-zinc-400">
          and {total - rows.length} more:{" "}
          <Link href={href({ team: query.team, service: query.service, status: "IN_REVIEW" })} className="text-sky-700 underline dark:text-sky-400">
            all in review
          </Link>
          ,{" "}
          <Link href={href({ team: query.team, service: query.service, status: "DRAFT" })} className="text-sky-700 underline dark:text-sky-400">
            all drafts
          </Link>
        </p>
      ) : null}
    </Card>
  );
}
