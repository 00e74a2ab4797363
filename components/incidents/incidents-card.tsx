import Link from "next/link";
import { IncidentStatusBadge, SeverityBadge } from "@/components/incidents/incident-badges";
import { Card, CardTitle } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import { ZIncidentFiltersSchema } from "@/lib/incidents/schemas";
import { findIncidents } from "@/lib/incidents/server/find-incidents";

/**
 * A team's (with its nested teams) or a service's unresolved incidents,
 * open before acknowledged, newest first (at most `limit`), with the way to
 * all of them. A server component that reads its own rows.
 */
export async function IncidentsCard({ filter, limit = 5 }: { filter: { team?: string; service?: string }; limit?: number }) {
  const page = await findIncidents(ZIncidentFiltersSchema.parse({ ...filter, status: "unresolved" }), limit);
  const shown = page.incidents;
  const params = new URLSearchParams({ ...filter, status: "unresolved" });
  const all = new URLSearchParams(filter);
  const now = new Date();
  return (
    <Card>
      <CardTitle
        action={
          <Link href={`/incidents?${all}`} className="text-sm font-normal text-sky-700 normal-case hover:underline dark:text-sky-400">
            All incidents
          </Link>
        }
      >
        Open incidents
      </CardTitle>
      {page.total === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">No open incidents.</p>
      ) : (
        <>
          <ul className="space-y-3" aria-label="Open incidents">
            {shown.map((i) => (
              <li key={i.id}>
                <Link href={`/incidents/${i.id}`} className="text-sm font-medium text-sky-700 hover:underline dark:text-sky-400">
                  {i.title}
                </Link>
                <p className="mt-1 flex flex-wrap items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-400">
                  <SeverityBadge severity={i.severity} />
                  <IncidentStatusBadge status={i.status} />
                  opened <RelativeTime date={new Date(i.openedAt)} now={now} />
                  {filter.team ? <> · {i.service.name}</> : null}
                </p>
              </li>
            ))}
          </ul>
          {page.total > shown.length ? (
            <Link href={`/incidents?${params}`} className="mt-3 block text-xs text-sky-700 hover:underline dark:text-sky-400">
              and {page.total - shown.length} more open
            </Link>
          ) : null}
        </>
      )}
    </Card>
  );
}
