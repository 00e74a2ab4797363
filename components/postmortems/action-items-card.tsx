import Link from "next/link";
import { AlertTriangle } from "lucide-react";
import { ActionItemsTable } from "@/components/postmortems/action-items-table";
import { Badge } from "@/components/ui/badge";
import { Card, CardTitle } from "@/components/ui/card";
import { findActionItems } from "@/lib/postmortems/server/find-action-items";

/**
 * Open action items (open or in progress), overdue first and marked, those
 * due within a week marked "due soon": one person's (`owner: "me"`) or a
 * team's with its nested teams (at most `limit`), with the way to all of
 * them. On a team's card the reader's own items in the team come first, on
 * their own. A server component that reads its own rows.
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
  const isMine = "owner" in filter;
  const [page, mine] = await Promise.all([
    findActionItems({ query: { ...filter, status: "active" }, viewerUserId, now, pageSize: limit }),
    isMine ? null : findActionItems({ query: { ...filter, owner: "me", status: "active" }, viewerUserId, now, pageSize: limit }),
  ]);
  const params = new URLSearchParams({ ...filter });
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
          {mine && mine.total > 0 ? (
            <div className="mb-4">
              <h3 className="mb-1 text-sm font-medium">
                Yours in this team ({mine.total}
                {mine.overdue > 0 ? `, ${mine.overdue} overdue` : ""})
              </h3>
              <ActionItemsTable items={mine.rows} now={now} caption="Your open action items in this team" showOwner={false} showTeam={false} />
              {mine.total > mine.rows.length ? (
                <Link href={`/postmortems/actions?${new URLSearchParams({ ...filter, owner: "me" })}`} className="mt-2 block text-xs text-sky-700 hover:underline dark:text-sky-400">
                  and {mine.total - mine.rows.length} more of yours
                </Link>
              ) : null}
              <h3 className="mt-4 mb-1 text-sm font-medium">All of the team&apos;s</h3>
            </div>
          ) : null}
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
