import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { PostmortemStartForm } from "@/components/postmortems/postmortem-editor-start-form";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requireViewerWith } from "@/lib/auth/server/viewer";
import { findPostmortemCandidates } from "@/lib/postmortems/server/find-postmortem-candidates";
import { toDbId } from "@/lib/schemas";

export const metadata: Metadata = { title: "Start a postmortem" };

const linkClass = "text-sky-700 underline dark:text-sky-400";

/** Starts a postmortem for an incident (`?incident=<id>` offers that one first) or a stand-alone one for a team. */
export default async function NewPostmortemPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  const viewer = await requireViewerWith("postmortem.write");
  const raw = (await searchParams).incident;
  const incidentId = typeof raw === "string" ? toDbId(raw) : null;
  const { incidents, teams, requested } = await findPostmortemCandidates({ roles: viewer, now: new Date(), incidentId });
  const preselected = incidentId !== null && requested === null ? incidentId : null;

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-zinc-600 dark:text-zinc-400">
        <Link href="/postmortems" className="hover:underline">
          Postmortems
        </Link>
      </nav>
      <PageHeader title="Start a postmortem" description="Blameless: it asks what in the system made the failure possible, not who made a mistake." />
      {requested ? (
        <p role="note" className="mb-4 max-w-2xl rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
          {requested.postmortemId !== null ? (
            <>
              Incident #{requested.id} already has a postmortem:{" "}
              <Link href={`/postmortems/${requested.postmortemId}`} className="underline">
                open postmortem #{requested.postmortemId}
              </Link>
              .
            </>
          ) : requested.title === null ? (
            <>There is no incident #{requested.id}.</>
          ) : (
            <>Only the members of its team can write the postmortem of incident #{requested.id}.</>
          )}
        </p>
      ) : null}
      <Card>
        {incidents.length === 0 && teams.length === 0 ? (
          <p className="text-sm">
            You write postmortems for no team. Ask a maintainer of your team to make you a member, or see the <Link href="/postmortems" className={linkClass}>published postmortems</Link>.
          </p>
        ) : (
          <PostmortemStartForm incidents={incidents} teams={teams} preselected={preselected} />
        )}
      </Card>
    </>
  );
}
