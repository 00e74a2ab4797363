import Link from "next/link";
import { SeverityBadge } from "@/components/incidents/incident-badges";
import { PostmortemStatusBadge } from "@/components/postmortems/transition-status-badge";
import { Card, CardTitle } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import { findPostmortems } from "@/lib/postmortems/server/find-postmortems";

/**
 * A team's (with its nested teams) or a service's latest postmortems, the
 * latest change first (at most `limit`), with the way to all of them. A
 * server component that reads its own rows.
 */
export async function PostmortemsCard({ filter, now, limit = 5 }: { filter: { team: string } | { service: string }; now: Date; limit?: number }) {
  const page = await findPostmortems({ query: filter, now, pageSize: limit });
  const params = new URLSearchParams(filter);
  return (
    <Card>
      <CardTitle
        action={
          <Link href={`/postmortems?${params}`} className="text-sm font-normal text-sky-700 normal-case hover:underline dark:text-sky-400">
            All postmortems
          </Link>
        }
      >
        Postmortems
      </CardTitle>
      {page.total === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          No postmortems yet. A draft is started when an incident that needs one is resolved, or anyone in the team can{" "}
          <Link href="/postmortems/new" className="text-sky-700 underline dark:text-sky-400">
            write one
          </Link>
          .
        </p>
      ) : (
        <>
          <ul className="space-y-3" aria-label="Postmortems">
            {page.rows.map((p) => (
              <li key={p.id}>
                <Link href={`/postmortems/${p.id}`} className="text-sm font-medium text-sky-700 hover:underline dark:text-sky-400">
                  {p.title}
                </Link>
                <p className="mt-1 flex flex-wrap items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-400">
                  <PostmortemStatusBadge status={p.status} />
                  {p.incident ? <SeverityBadge severity={p.incident.severity} /> : null}
                  changed <RelativeTime date={new Date(p.updatedAt)} now={now} />
                  {"team" in filter && p.service ? <> · {p.service.name}</> : null}
                  {p.openActionItems > 0 ? <> · {p.openActionItems} open action item{p.openActionItems === 1 ? "" : "s"}</> : null}
                </p>
              </li>
            ))}
          </ul>
          {page.total > page.rows.length ? (
            <Link href={`/postmortems?${params}`} className="mt-3 block text-xs text-sky-700 hover:underline dark:text-sky-400">
              and {page.total - page.rows.length} more
            </Link>
          ) : null}
        </>
      )}
    </Card>
  );
}
