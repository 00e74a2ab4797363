import Link from "next/link";
import { StageStrip } from "@/components/pipelines/stage-strip";
import { Badge } from "@/components/ui/badge";
import { Card, CardTitle } from "@/components/ui/card";
import { boardQuery, type TBoardPage } from "@/lib/pipelines/board";

const TONE = { failed: "bad", in_progress: "info", succeeded: "good", other: "neutral" } as const;
const LABEL = { failed: "Failed", in_progress: "Running", succeeded: "Succeeded", other: "Other" } as const;

/** A team's or a service's pipelines, failures first, as on the board (at most `limit`). */
export function PipelinesCard({ board, filter, limit = 6 }: { board: TBoardPage; filter: { team?: string; service?: string }; limit?: number }) {
  const shown = board.pipelines.slice(0, limit);
  return (
    <Card>
      <CardTitle
        action={
          <Link href={`/pipelines?${boardQuery(filter)}`} className="text-sm font-normal text-sky-700 normal-case hover:underline dark:text-sky-400">
            All on the board
          </Link>
        }
      >
        Pipelines
      </CardTitle>
      {board.total === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">No pipeline is mapped here yet (tag it portside:service, or annotate the service in its catalog file).</p>
      ) : (
        <>
          <p className="mb-3 flex flex-wrap gap-2 text-sm">
            {board.counts.failed ? <Badge tone="bad">{board.counts.failed} failed</Badge> : null}
            {board.counts.in_progress ? <Badge tone="info">{board.counts.in_progress} running</Badge> : null}
            <Badge tone="good">{board.counts.succeeded} succeeded</Badge>
          </p>
          <ul className="space-y-3" aria-label="Pipelines">
            {shown.map((p) => (
              <li key={p.id}>
                <p className="mb-1 flex flex-wrap items-center gap-2 text-sm">
                  <Link href={`/pipelines/${p.id}`} className="font-medium text-sky-700 hover:underline dark:text-sky-400">
                    {p.name}
                  </Link>
                  <Badge tone={TONE[p.status]}>{LABEL[p.status]}</Badge>
                </p>
                <StageStrip stages={p.stages} pipeline={p.name} />
                {p.latest?.failureReason ? <p className="mt-1 text-xs text-red-800 dark:text-red-300">{p.latest.failureReason}</p> : null}
              </li>
            ))}
          </ul>
          {board.total > shown.length ? <p className="mt-3 text-xs text-zinc-600 dark:text-zinc-400">and {board.total - shown.length} more on the board</p> : null}
        </>
      )}
    </Card>
  );
}
