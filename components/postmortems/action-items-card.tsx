import Link from "next/link";
import { AlertTriangle } from "lucide-react";
import { ActionItemsTable } from "@/components/postmortems/action-items-table";
import { Badge } from "@/components/ui/badge";
import { Card, CardTitle } from "@/components/ui/card";
import { findActionItems } from "@/lib/postmortems/server/find-action-items";

/**
 * Open action items (open or in progress), overdue first: one person's
 * (`owner: "me"`) or a team's with its nested teams (at most `limit`), with
 * the way to all of them. A server component that reads its own rows.
 */
export async function ActionItemsCard({
  title,
  filter,
  viewerUserId,
  now,
  empty,
  limit = 5,
}: {
  title: string;
  filter: { owner: "me" } | { team: string };
  viewerUserId: number;
  now: Date;
  /** What to say when there are none, in the reader's terms. */
  empty: string;
  limit?: number;
}) {
  const page = await findActionItems({ query: { ...filter, status: "active" }, viewerUserId, now, pageSize: limit });
  const params = new URLSearchParams({ ...filter });
  const isMine = "owner" in filter;
  return (
    <Card>
      <CardTitle
        action={
          <Link href={`/postmortems/actions?${params}`} className="text-sm font-normal text-sky-700 normal-case hover:underline dark:text-sky-400">
            {isMine ? "All my action items" : "All of the team's"}
          </Link>
        }
      >
        {title}
      </CardTitle>
      {page.total === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">{empty}</p>
      ) : (
        <>
          <p className="mb-3 flex flex-wrap gap-2 text-sm">
            <Badge>{page.total} open</Badge>
            {page.overdue > 0 ? (
              <Badge tone="bad">
                <AlertTriangle aria-hidden className="size-3" />
                {page.overdue} overdue
              </Badge>
            ) : null}
          </p>
          <ActionItemsTable items={page.rows} now={now} caption={title} showOwner={!isMine} />
          {page.total > page.rows.length ? (
            <Link href={`/postmortems/actions?${params}`} className="mt-3 block text-xs text-sky-700 hover:underline dark:text-sky-400">
              and {page.total - page.rows.length} more open
            </Link>
          ) : null}
        </>
      )}
    </Card>
  );
}
