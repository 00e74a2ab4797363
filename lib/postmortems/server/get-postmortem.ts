import "server-only";
import type { TPrincipal } from "@/lib/auth/server/with-auth";
import { db } from "@/lib/db";
import { deriveMilestones } from "@/lib/postmortems/milestones";
import { isActionItemOverdue, sectionTemplate, SECTION_KEYS, type TSectionKey } from "@/lib/postmortems/schemas";
import { authorIdsOf, workflowActor } from "@/lib/postmortems/server/postmortem-store";
import { redraftTimeline } from "@/lib/postmortems/server/redraft-timeline";
import type { TDurationView, TMilestoneView, TPostmortemView } from "@/lib/postmortems/view";
import { availableActions, isEditable } from "@/lib/postmortems/workflow";

const MILESTONE_LABELS: Record<TMilestoneView["key"], string> = {
  impactStarted: "Impact started",
  detected: "Detected",
  acknowledged: "Acknowledged",
  mitigated: "Mitigated",
  resolved: "Resolved",
};
const DURATION_LABELS: Record<TDurationView["key"], string> = {
  timeToDetect: "Time to detect",
  timeToAcknowledge: "Time to acknowledge",
  timeToMitigate: "Time to mitigate",
  timeToRecover: "Time to recover",
};

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const person = (u: { id: number; name: string } | null | undefined) => (u ? { id: u.id, name: u.name } : null);

export interface TGetPostmortemOptions {
  id: number;
  /** Who is reading: decides the actions offered (null for a reader the rules give none, e.g. an API token). */
  principal: TPrincipal | null;
  now: Date;
}

/**
 * One postmortem as its page shows it: sections in template order (never
 * saved ones empty), the evidence timeline with the milestones derived from
 * it, comments, action items, and what the reader may do. A timeline never
 * drafted (drafting failed on creation, or the rules drafted the postmortem
 * inside the incident's transaction) is drafted now.
 */
export async function getPostmortem({ id, principal, now }: TGetPostmortemOptions): Promise<TPostmortemView | null> {
  const head = await db.postmortem.findUnique({ where: { id }, select: { timelineDraftedAt: true, incidentId: true, impactStartedAt: true } });
  if (!head) return null;
  if (head.timelineDraftedAt === null && (head.incidentId !== null || head.impactStartedAt !== null)) {
    await redraftTimeline({ postmortemId: id, now, isBestEffort: true });
  }
  const row = await db.postmortem.findUnique({
    where: { id },
    select: {
      id: true,
      title: true,
      status: true,
      notRequiredReason: true,
      analysis: true,
      marginBeforeMinutes: true,
      marginAfterMinutes: true,
      version: true,
      authorId: true,
      impactStartedAt: true,
      mitigatedAt: true,
      timelineDraftedAt: true,
      approvedById: true,
      approvedAt: true,
      publishedAt: true,
      createdAt: true,
      updatedAt: true,
      team: { select: { id: true, slug: true, name: true, memberships: { select: { user: { select: { id: true, name: true } } } } } },
      service: { select: { id: true, slug: true, name: true } },
      author: { select: { id: true, name: true } },
      approvedBy: { select: { id: true, name: true } },
      incident: {
        select: {
          id: true,
          title: true,
          severity: true,
          status: true,
          openedAt: true,
          acknowledgedAt: true,
          resolvedAt: true,
          deployment: { select: { id: true, version: true, service: { select: { slug: true } } } },
        },
      },
      sections: { select: { key: true, body: true, version: true, updatedAt: true, updatedBy: { select: { id: true, name: true } } } },
      timeline: {
        orderBy: [{ at: "asc" }, { id: "asc" }],
        select: {
          id: true,
          at: true,
          source: true,
          kind: true,
          text: true,
          originalText: true,
          originKey: true,
          portalUrl: true,
          consoleUrl: true,
          isSuspect: true,
          isStarred: true,
          isHidden: true,
          serviceId: true,
          editedBy: { select: { id: true, name: true } },
        },
      },
      comments: { orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { id: true, sectionKey: true, kind: true, body: true, createdAt: true, author: { select: { id: true, name: true } } } },
      actionItems: {
        orderBy: [{ id: "asc" }],
        select: {
          id: true,
          title: true,
          type: true,
          priority: true,
          dueAt: true,
          status: true,
          statusReason: true,
          ticketUrl: true,
          completedAt: true,
          version: true,
          owner: { select: { id: true, name: true } },
        },
      },
    },
  });
  if (!row) return null;

  const authorIds = await authorIdsOf(db, { id: row.id, authorId: row.authorId });
  const authors = await db.user.findMany({ where: { id: { in: [...authorIds] } }, select: { id: true, name: true }, orderBy: { name: "asc" } });
  const saved = new Map(row.sections.map((s) => [s.key, s]));
  const actor = principal ? workflowActor(principal, row.team.id) : { userId: -1, mayWrite: false, mayReview: false };
  const state = { status: row.status, authorIds, approvedById: row.approvedById };

  const derived = deriveMilestones({
    incident: row.incident,
    serviceId: row.service?.id ?? null,
    entries: row.timeline,
    overrides: { impactStartedAt: row.impactStartedAt, mitigatedAt: row.mitigatedAt },
  });

  const members = new Map<number, { id: number; name: string }>();
  for (const m of row.team.memberships) members.set(m.user.id, m.user);
  for (const item of row.actionItems) if (item.owner) members.set(item.owner.id, item.owner);

  return {
    id: row.id,
    title: row.title,
    status: row.status,
    notRequiredReason: row.notRequiredReason,
    analysis: row.analysis,
    marginBeforeMinutes: row.marginBeforeMinutes,
    marginAfterMinutes: row.marginAfterMinutes,
    version: row.version,
    team: { id: row.team.id, slug: row.team.slug, name: row.team.name },
    service: row.service,
    incident: row.incident
      ? {
          id: row.incident.id,
          title: row.incident.title,
          severity: row.incident.severity,
          status: row.incident.status,
          openedAt: row.incident.openedAt.toISOString(),
          acknowledgedAt: iso(row.incident.acknowledgedAt),
          resolvedAt: iso(row.incident.resolvedAt),
          deployment: row.incident.deployment ? { id: row.incident.deployment.id, version: row.incident.deployment.version, serviceSlug: row.incident.deployment.service.slug } : null,
        }
      : null,
    author: person(row.author),
    authors,
    approvedBy: person(row.approvedBy),
    approvedAt: iso(row.approvedAt),
    publishedAt: iso(row.publishedAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    timelineDraftedAt: iso(row.timelineDraftedAt),
    impactStartedAt: iso(row.impactStartedAt),
    mitigatedAt: iso(row.mitigatedAt),
    sections: SECTION_KEYS.map((key) => {
      const template = sectionTemplate(key, row.analysis);
      const s = saved.get(key);
      return { key, title: template.title, guidance: template.guidance, body: s?.body ?? "", version: s?.version ?? 0, updatedBy: person(s?.updatedBy), updatedAt: iso(s?.updatedAt) };
    }),
    timeline: row.timeline.map((e) => ({
      id: e.id,
      at: e.at.toISOString(),
      source: e.source,
      kind: e.kind,
      text: e.text,
      originalText: e.originKey !== null && e.originalText !== e.text ? e.originalText : null,
      isManual: e.originKey === null,
      portalUrl: e.portalUrl,
      consoleUrl: e.consoleUrl,
      isSuspect: e.isSuspect,
      isStarred: e.isStarred,
      isHidden: e.isHidden,
      editedBy: person(e.editedBy),
    })),
    milestones: (Object.keys(MILESTONE_LABELS) as TMilestoneView["key"][]).map((key) => ({ key, label: MILESTONE_LABELS[key], at: derived[key].at, basis: derived[key].basis })),
    durations: (Object.keys(DURATION_LABELS) as TDurationView["key"][]).map((key) => ({ key, label: DURATION_LABELS[key], ms: derived.durations[key] })),
    milestoneProblems: derived.problems,
    comments: row.comments.map((c) => ({ id: c.id, sectionKey: c.sectionKey as TSectionKey | null, kind: c.kind, body: c.body, author: person(c.author), createdAt: c.createdAt.toISOString() })),
    actionItems: row.actionItems.map((a) => ({
      id: a.id,
      title: a.title,
      owner: person(a.owner),
      type: a.type,
      priority: a.priority,
      dueDate: a.dueAt ? a.dueAt.toISOString().slice(0, 10) : null,
      status: a.status,
      statusReason: a.statusReason,
      ticketUrl: a.ticketUrl,
      completedAt: iso(a.completedAt),
      version: a.version,
      isOverdue: isActionItemOverdue(a, now),
    })),
    members: [...members.values()].sort((a, b) => a.name.localeCompare(b.name)),
    viewer: {
      userId: principal?.kind === "user" ? principal.userId : null,
      mayWrite: actor.mayWrite,
      mayReview: actor.mayReview,
      isEditable: isEditable(row.status) && actor.mayWrite,
      actions: availableActions(state, actor),
    },
  };
}
