import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { Download, MessageSquareWarning } from "lucide-react";
import { SeverityBadge } from "@/components/incidents/incident-badges";
import { ActionItemEditor } from "@/components/postmortems/action-item-editor";
import { CommentsThread } from "@/components/postmortems/comments-thread";
import { MilestonesCard } from "@/components/postmortems/milestones-card";
import { PostmortemEditorProvider, PrintButton } from "@/components/postmortems/postmortem-editor";
import { AnalysisSwitch, TitleEditor } from "@/components/postmortems/postmortem-editor-header";
import { SectionEditor } from "@/components/postmortems/section-editor";
import { TimelineEditor } from "@/components/postmortems/timeline-editor";
import { DualTime } from "@/components/postmortems/timeline-time";
import { TransitionControls } from "@/components/postmortems/transition-controls";
import { PostmortemStatusBadge } from "@/components/postmortems/transition-status-badge";
import { Card, CardTitle } from "@/components/ui/card";
import { requireViewer } from "@/lib/auth/server/viewer";
import { getPostmortem } from "@/lib/postmortems/server/get-postmortem";
import type { TCommentView } from "@/lib/postmortems/view";
import { toDbId } from "@/lib/schemas";
import "@/components/postmortems/postmortem-print.css";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: `Postmortem ${(await params).id}` };
}

const linkClass = "text-sky-700 underline dark:text-sky-400";

/**
 * A postmortem: where it is written (while a draft or in review, by the
 * team), reviewed (approvers' buttons and comments) and read (once approved it
 * reads as a finished report). Rendered on the server; the editors are client
 * leaves that save through the API and render the page again.
 */
export default async function PostmortemPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const viewer = await requireViewer();
  const id = toDbId((await params).id);
  if (id === null) notFound();
  const now = new Date();
  const view = await getPostmortem({ id, principal: viewer, now });
  if (!view) notFound();

  const { isEditable, mayWrite, actions } = view.viewer;
  const commentsBySection = new Map<string, TCommentView[]>();
  for (const c of view.comments) if (c.sectionKey) commentsBySection.set(c.sectionKey, [...(commentsBySection.get(c.sectionKey) ?? []), c]);
  const overall = view.comments.filter((c) => c.sectionKey === null);
  const lastReview = overall.findLast((c) => c.kind !== "COMMENT");
  const incident = view.incident;

  return (
    <PostmortemEditorProvider postmortemId={view.id} version={view.version} status={view.status} title={view.title}>
      <div data-postmortem-doc className="space-y-6">
        <nav aria-label="Breadcrumb" className="text-sm text-zinc-600 print:hidden dark:text-zinc-400">
          <Link href="/postmortems" className="hover:underline">
            Postmortems
          </Link>
          {" / "}
          <Link href={`/postmortems?team=${encodeURIComponent(view.team.slug)}`} className="hover:underline">
            {view.team.name}
          </Link>
        </nav>

        <header className="space-y-3">
          <TitleEditor title={view.title} isEditable={isEditable} />
          <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-zinc-700 dark:text-zinc-300">
            <PostmortemStatusBadge status={view.status} />
            <span>
              Team <Link href={`/teams/${view.team.slug}`} className={linkClass}>{view.team.name}</Link>
            </span>
            {view.service ? (
              <span>
                Service <Link href={`/services/${view.service.slug}`} className={linkClass}>{view.service.name}</Link>
              </span>
            ) : null}
          </div>
          {incident ? (
            <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm text-zinc-700 dark:text-zinc-300">
              <span>
                Incident{" "}
                <Link href={`/incidents/${incident.id}`} className={linkClass}>
                  #{incident.id} {incident.title}
                </Link>
              </span>
              <SeverityBadge severity={incident.severity} />
              <span>
                opened <DualTime iso={incident.openedAt} isSeconds={false} />
                {incident.resolvedAt ? (
                  <>
                    , resolved <DualTime iso={incident.resolvedAt} isSeconds={false} />
                  </>
                ) : (
                  ", not resolved yet"
                )}
              </span>
            </p>
          ) : (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">Stand-alone: not written for an incident.</p>
          )}
          <dl className="flex flex-wrap gap-x-6 gap-y-1 text-sm">
            <div className="flex gap-1.5">
              <dt className="shrink-0 text-zinc-600 dark:text-zinc-400">Started by</dt>
              <dd>{view.author ? view.author.name : "Drafted by Portside"}</dd>
            </div>
            <div className="flex gap-1.5">
              <dt className="shrink-0 text-zinc-600 dark:text-zinc-400">Authors</dt>
              <dd>{view.authors.length > 0 ? view.authors.map((a) => a.name).join(", ") : "none yet"}</dd>
            </div>
            <div className="flex gap-1.5">
              <dt className="shrink-0 text-zinc-600 dark:text-zinc-400">Approved by</dt>
              <dd>
                {view.approvedBy ? (
                  <>
                    {view.approvedBy.name}
                    {view.approvedAt ? (
                      <>
                        {" "}
                        on <DualTime iso={view.approvedAt} isSeconds={false} />
                      </>
                    ) : null}
                  </>
                ) : (
                  "not yet"
                )}
              </dd>
            </div>
            {view.publishedAt ? (
              <div className="flex gap-1.5">
                <dt className="shrink-0 text-zinc-600 dark:text-zinc-400">Published</dt>
                <dd>
                  <DualTime iso={view.publishedAt} isSeconds={false} />
                </dd>
              </div>
            ) : null}
          </dl>
          {view.status === "NOT_REQUIRED" && view.notRequiredReason ? (
            <p className="text-sm">
              <span className="font-medium">Not required:</span> {view.notRequiredReason}
            </p>
          ) : null}
          <div className="flex flex-wrap items-start gap-2 print:hidden">
            <TransitionControls actions={actions} />
            <a href={`/api/postmortems/${view.id}/export`} download className="inline-flex items-center gap-1.5 rounded-md border border-zinc-300 px-3 py-1.5 text-sm font-medium hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800">
              <Download aria-hidden className="size-4" />
              Export Markdown
            </a>
            <PrintButton />
          </div>
          {!isEditable && !mayWrite ? (
            <p className="text-xs text-zinc-600 print:hidden dark:text-zinc-400">Members of {view.team.name} write this postmortem; its approvers review it.</p>
          ) : !isEditable && (view.status === "APPROVED" || view.status === "PUBLISHED") ? (
            <p className="text-xs text-zinc-600 print:hidden dark:text-zinc-400">Approved postmortems are frozen: an approver can reopen it to change it. Action items stay open to change.</p>
          ) : null}
        </header>

        {view.status === "DRAFT" && lastReview?.kind === "CHANGES_REQUESTED" ? (
          <div role="note" className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-950 print:hidden dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
            <p className="flex items-center gap-1.5 font-medium">
              <MessageSquareWarning aria-hidden className="size-4" />
              Changes requested by {lastReview.author?.name ?? "a reviewer"}
            </p>
            <p className="mt-1 whitespace-pre-wrap">{lastReview.body}</p>
          </div>
        ) : null}

        <Card>
          <CardTitle>Milestones and durations</CardTitle>
          <MilestonesCard milestones={view.milestones} durations={view.durations} isEditable={isEditable} overrides={{ impactStartedAt: view.impactStartedAt, mitigatedAt: view.mitigatedAt }} />
        </Card>

        <Card>
          <CardTitle>Evidence timeline</CardTitle>
          <TimelineEditor
            entries={view.timeline}
            isEditable={isEditable}
            draftedAt={view.timelineDraftedAt}
            marginBeforeMinutes={view.marginBeforeMinutes}
            marginAfterMinutes={view.marginAfterMinutes}
            hasEvidenceWindow={incident !== null || view.impactStartedAt !== null}
            defaultAddAt={incident?.openedAt ?? now.toISOString()}
          />
        </Card>

        <Card>
          <div className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {view.sections.map((section) => (
              <SectionEditor
                key={section.key}
                section={section}
                isEditable={isEditable}
                comments={commentsBySection.get(section.key) ?? []}
                mayComment={mayWrite}
                controls={section.key === "analysis" ? <AnalysisSwitch analysis={view.analysis} /> : undefined}
              />
            ))}
          </div>
        </Card>

        <Card>
          <CardTitle>Action items</CardTitle>
          <ActionItemEditor postmortemId={view.id} items={view.actionItems} members={view.members} mayWrite={mayWrite} viewerId={view.viewer.userId} today={now.toISOString()} />
        </Card>

        <Card className="print:hidden">
          <CardTitle>Comments and reviews</CardTitle>
          <CommentsThread sectionKey={null} label="the whole postmortem" comments={overall} mayComment={mayWrite} />
        </Card>
      </div>
    </PostmortemEditorProvider>
  );
}
