/**
 * The demo organisation's postmortems: what a team that writes them has after
 * six months. The database drafts one for every resolved incident its rules
 * require (the trigger of the postmortems migration); this module decides what
 * became of each (the newest still empty drafts, then drafts being written, in
 * review, approved; older ones published after a review by an approver who
 * wrote none of it, a few marked not required), adds the ones people started
 * by hand (a near miss, a slow burn, a SEV3), and writes their text,
 * revisions, comments and action items. Pure and deterministic for a given
 * `now` and seed; scripts/lib/seed-runner.ts stores it.
 */
import {
  SECTION_KEYS, defaultDueAt,
  type TActionItemPriority, type TActionItemStatus, type TActionItemType, type TAnalysisStyle, type TPostmortemStatus, type TSectionKey,
} from "@/lib/postmortems/schemas";
import type { TCatalog, TSeedOptions } from "@/lib/seed/demo-org";
import { Random } from "@/lib/seed/random";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How many of the newest incident postmortems are written in detail (several revisions, section comments, a drafted timeline). */
export const DETAILED_POSTMORTEMS = 30;
/** Incidents resolved within this many days are still on their way to publication. */
const IN_FLIGHT_DAYS = 10;

/** An incident as the seed reads it back: one the rules drafted a postmortem for, or a resolved SEV3 nobody had to write up. */
export interface TPostmortemIncident {
  id: number;
  postmortemId: number | null;
  serviceId: number;
  teamId: number;
  title: string;
  severity: "SEV1" | "SEV2" | "SEV3" | "SEV4";
  openedAt: Date;
  acknowledgedAt: Date | null;
  resolvedAt: Date;
  causedByChange: boolean | null;
  deploymentVersion: string | null;
  deployedAt: Date | null;
}

export interface TPostmortemRow {
  id: number;
  incidentId: number | null;
  teamId: number;
  serviceId: number | null;
  title: string;
  status: TPostmortemStatus;
  notRequiredReason: string | null;
  analysis: TAnalysisStyle;
  /** null: drafted by Portside (the rules' trigger). */
  authorId: number | null;
  approvedById: number | null;
  approvedAt: Date | null;
  publishedAt: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}
export interface TSectionRow { postmortemId: number; key: TSectionKey; body: string; version: number; updatedById: number; updatedAt: Date }
export interface TRevisionRow { postmortemId: number; key: TSectionKey; version: number; body: string; authorId: number; at: Date }
export interface TCommentRow { postmortemId: number; sectionKey: TSectionKey | null; kind: "COMMENT" | "CHANGES_REQUESTED" | "APPROVAL"; body: string; authorId: number; createdAt: Date }
export interface TActionItemRow {
  postmortemId: number; teamId: number; title: string; ownerId: number; type: TActionItemType; priority: TActionItemPriority; dueAt: Date;
  status: TActionItemStatus; statusReason: string | null; ticketUrl: string | null; completedAt: Date | null; version: number; createdAt: Date; updatedAt: Date;
}
/** An entry a person added by hand (stand-alone postmortems have no evidence to draft from). */
export interface TTimelineRow { postmortemId: number; at: Date; text: string; isStarred: boolean; editedById: number; createdAt: Date }

interface TContext {
  service: string;
  team: string;
  /** Another service it calls. */
  dependency: string;
  title: string;
  symptom: string;
  severity: string;
  region: string;
  openedAt: Date;
  acknowledgedAt: Date;
  resolvedAt: Date;
  version: string | null;
  deployedAt: Date | null;
  /** Requests per second at the time, and the share that failed. */
  rps: number;
  errorRate: number;
}

type TContent = { kind: "theme"; theme: number; ctx: TContext } | { kind: "near-miss" | "slow-burn"; ctx: TContext };

interface TSectionPlan { key: TSectionKey; revisions: { authorId: number; at: Date }[] }

/** One postmortem, everything decided but its section text (rendered on demand: there are hundreds of thousands at benchmark size). */
export interface TPostmortemStory {
  row: TPostmortemRow;
  /** Written by a person (inserted by the seed); false: drafted by the rules and only updated. */
  isNew: boolean;
  seed: number;
  content: TContent;
  sections: TSectionPlan[];
  comments: TCommentRow[];
  actionItems: TActionItemRow[];
  timeline: TTimelineRow[];
}

export interface TPostmortemPlan {
  /** How many postmortems `stories` yields. */
  count: number;
  /**
   * Every postmortem, the drafted ones (newest first) then those written by hand, made one at a time as they are
   * read: at benchmark sizes there are hundreds of thousands. Each call starts again and yields the same.
   */
  stories: () => Generator<TPostmortemStory>;
  /** Incident postmortems whose timeline is drafted from the evidence: the newest, the ones people open. */
  timelineIds: number[];
  /** Of those, the ones people wrote: their key entries are starred. */
  starredIds: number[];
}

/** The team whose own rule asks for more than the organisation's SEV1 and SEV2: the golden-path owners. */
export function postmortemRuleOverride(catalog: TCatalog): { teamId: number; severities: ("SEV1" | "SEV2" | "SEV3")[] } | null {
  const leaves = catalog.teams.filter((t) => t.parentId !== null);
  const team = leaves.find((t) => t.slug === "infrastructure") ?? leaves.at(-1);
  return team ? { teamId: team.id, severities: ["SEV1", "SEV2", "SEV3"] } : null;
}

interface TPeople { writer: number; coWriter: number; approver: number }

function peopleOf(catalog: TCatalog, teamId: number, rng: Random): TPeople {
  const members = catalog.memberships.filter((m) => m.teamId === teamId);
  const approver = members.find((m) => m.role === "APPROVER")?.userId ?? 1;
  const writers = members.filter((m) => m.userId !== approver).map((m) => m.userId);
  const first = writers.length ? rng.pick(writers) : approver === 1 ? 2 : 1;
  const second = writers.find((w) => w !== first) ?? first;
  return { writer: first, coWriter: second, approver };
}

type TStage = "empty" | "writing" | "review" | "approved" | "published" | "not_required" | "stale";

/**
 * What became of each postmortem. The newest in-flight ones (resolved within
 * IN_FLIGHT_DAYS, at least eight) are spread in order over the states a
 * postmortem passes through; older ones are mostly published, some marked not
 * required, a few abandoned as drafts. Every state occurs when there are
 * enough incidents (the default demo has about 150).
 */
function stagesByRecency(count: number, inFlight: number, rng: Random): TStage[] {
  const stages: TStage[] = [];
  for (let i = 0; i < count; i++) {
    if (i < inFlight) {
      const f = (i + 0.5) / inFlight;
      stages.push(f < 0.15 ? "empty" : f < 0.4 ? "writing" : f < 0.7 ? "review" : "approved");
      continue;
    }
    const r = rng.next();
    stages.push(i === inFlight ? "published" : r < 0.08 ? "not_required" : r < 0.1 ? "stale" : "published");
  }
  if (count > inFlight + 2 && !stages.includes("not_required")) stages[inFlight + 2] = "not_required";
  return stages;
}

export function planPostmortems({ catalog, options, incidents }: { catalog: TCatalog; options: TSeedOptions; incidents: TPostmortemIncident[] }): TPostmortemPlan {
  const now = options.now.getTime();
  const drafted = incidents.filter((i) => i.postmortemId !== null).sort((a, b) => b.resolvedAt.getTime() - a.resolvedAt.getTime() || b.id - a.id);
  const inFlight = Math.min(drafted.length, Math.max(8, drafted.filter((i) => now - i.resolvedAt.getTime() < IN_FLIGHT_DAYS * DAY).length));
  const stages = stagesByRecency(drafted.length, inFlight, new Random(options.seed * 7 + 18));
  const firstNewId = drafted.reduce((max, i) => Math.max(max, i.postmortemId!), 0) + 1;
  // A SEV3 someone chose to write up although no rule asked: the newest resolved one old enough to be published.
  const sev3 = incidents
    .filter((i) => i.postmortemId === null && i.severity === "SEV3")
    .sort((a, b) => b.resolvedAt.getTime() - a.resolvedAt.getTime() || b.id - a.id);
  const handPicked = sev3.find((i) => now - i.resolvedAt.getTime() >= 8 * DAY) ?? sev3[0];
  const standAlone = (["near-miss", "slow-burn"] as const).filter((kind) => standAloneService(catalog, kind));

  function* stories(): Generator<TPostmortemStory> {
    const forced = { overdue: false, done: false, wontDo: false, fiveWhys: false };
    for (const [i, incident] of drafted.entries()) {
      yield storyFor(catalog, options, incident, incident.postmortemId!, stages[i]!, { isDetailed: i < DETAILED_POSTMORTEMS, isNew: false }, forced);
    }
    let id = firstNewId;
    if (handPicked) {
      const stage = now - handPicked.resolvedAt.getTime() >= 8 * DAY ? "published" : "review";
      yield storyFor(catalog, options, handPicked, id++, stage, { isDetailed: true, isNew: true }, forced);
    }
    for (const kind of standAlone) yield standAloneStory(catalog, options, kind, id++);
  }

  const recent = drafted.slice(0, DETAILED_POSTMORTEMS);
  const timelineIds = [...recent.map((i) => i.postmortemId!), ...(handPicked ? [firstNewId] : [])];
  const isWritten = (stage: TStage) => stage !== "empty" && stage !== "not_required";
  const starredIds = [...recent.filter((_, i) => isWritten(stages[i]!)).map((i) => i.postmortemId!), ...(handPicked ? [firstNewId] : [])];
  return { count: drafted.length + (handPicked ? 1 : 0) + standAlone.length, stories, timelineIds, starredIds };
}

function contextFor(catalog: TCatalog, incident: TPostmortemIncident, rng: Random): TContext {
  const service = catalog.services[incident.serviceId - 1];
  // Another service, never itself (ids are 1..n).
  const n = catalog.services.length;
  const other = n > 1 ? (incident.serviceId * 7 + incident.id) % (n - 1) : -1;
  const dependency = catalog.services[other >= incident.serviceId - 1 ? other + 1 : other]?.slug ?? "the shared database";
  return {
    service: service?.slug ?? `service-${incident.serviceId}`,
    team: catalog.teams[incident.teamId - 1]?.name ?? "the team",
    dependency,
    title: incident.title,
    symptom: incident.title.split(": ").at(-1) ?? incident.title,
    severity: incident.severity,
    region: service?.region ?? "eu-west-1",
    openedAt: incident.openedAt,
    acknowledgedAt: incident.acknowledgedAt ?? new Date(incident.openedAt.getTime() + 4 * MINUTE),
    resolvedAt: incident.resolvedAt,
    version: incident.deploymentVersion,
    deployedAt: incident.deployedAt,
    rps: rng.int(4, 90) * 10,
    errorRate: rng.int(4, 60) / 100,
  };
}

function storyFor(
  catalog: TCatalog,
  options: TSeedOptions,
  incident: TPostmortemIncident,
  id: number,
  stage: TStage,
  { isDetailed, isNew }: { isDetailed: boolean; isNew: boolean },
  forced: { overdue: boolean; done: boolean; wontDo: boolean; fiveWhys: boolean },
): TPostmortemStory {
  const rng = new Random(options.seed * 104_729 + id * 7_919);
  const people = peopleOf(catalog, incident.teamId, rng);
  const ctx = contextFor(catalog, incident, rng);
  const themes = incident.causedByChange ? CHANGE_THEMES : OTHER_THEMES;
  const theme = rng.int(0, themes.length - 1) + (incident.causedByChange ? 0 : CHANGE_THEMES.length);
  const resolved = incident.resolvedAt.getTime();
  // The story's clock: a day per step for old postmortems, squeezed for recent ones so that nothing happens after `now`.
  const unit = Math.min(DAY, (options.now.getTime() - resolved) / 7);
  const at = (units: number) => new Date(resolved + Math.round(units * unit));
  let analysis: TAnalysisStyle = rng.chance(0.35) ? "FIVE_WHYS" : "CONTRIBUTING_FACTORS";
  if (!forced.fiveWhys && stage === "review") {
    analysis = "FIVE_WHYS";
    forced.fiveWhys = true;
  }
  const story = baseStory(id, incident, isNew, people, ctx, theme, analysis, isNew ? at(0.2) : incident.resolvedAt);
  if (stage === "empty") return story;
  if (stage === "not_required") {
    story.row.status = "NOT_REQUIRED";
    story.row.notRequiredReason = NOT_REQUIRED_REASONS[id % NOT_REQUIRED_REASONS.length]!(ctx);
    story.row.version = 2;
    story.row.updatedAt = at(rng.int(5, 20) / 10);
    return story;
  }

  const keys = stage === "writing" || stage === "stale" ? SECTION_KEYS.slice(0, stage === "stale" ? rng.int(1, 3) : rng.int(3, 6)) : SECTION_KEYS;
  const writingEnds = stage === "stale" ? 1.2 : 3;
  story.sections = keys.map((key) => {
    const count = isDetailed ? (key === "summary" ? rng.int(2, 3) : rng.int(1, 3)) : 1;
    const times = Array.from({ length: count }, () => rng.int(3, writingEnds * 10) / 10).sort((a, b) => a - b);
    const starter = key === "detection" || key === "response" ? people.coWriter : people.writer;
    const other = starter === people.writer ? people.coWriter : people.writer;
    return { key, revisions: times.map((t, n) => ({ authorId: n % 2 === 0 ? starter : other, at: at(t) })) };
  });
  const comment = (kind: TCommentRow["kind"], sectionKey: TSectionKey | null, authorId: number, units: number, body: string) =>
    story.comments.push({ postmortemId: id, sectionKey, kind, body, authorId, createdAt: at(units) });
  if (isDetailed) {
    const note = rng.pick(SECTION_NOTES);
    if (keys.includes(note.key)) comment("COMMENT", note.key, people.coWriter, writingEnds * 0.6, note.body(ctx));
  }
  story.actionItems = actionItemsFor(story, stage, rng, at, options.now, forced);

  let transitions = 0;
  if (stage === "review" || stage === "approved" || stage === "published") {
    transitions++; // submit
    if (stage === "review" && isDetailed) {
      const note = rng.pick(REVIEW_NOTES);
      comment("COMMENT", note.key, people.approver, 3.5, note.body(ctx));
    }
  }
  if (stage === "approved" || stage === "published") {
    if (isDetailed || rng.chance(0.4)) {
      const request = rng.pick(CHANGES_REQUESTED);
      comment("CHANGES_REQUESTED", null, people.approver, 3.6, request.body(ctx));
      story.sections.find((s) => s.key === request.key)?.revisions.push({ authorId: people.writer, at: at(3.8) });
      transitions += 2; // request changes, submit again
    }
    const approvedAt = at(rng.int(46, 58) / 10);
    story.comments.push({ postmortemId: id, sectionKey: null, kind: "APPROVAL", body: rng.pick(APPROVALS)(ctx), authorId: people.approver, createdAt: approvedAt });
    transitions++;
    story.row.status = "APPROVED";
    story.row.approvedById = people.approver;
    story.row.approvedAt = approvedAt;
    story.row.updatedAt = approvedAt;
    if (stage === "published") {
      const publishedAt = new Date(approvedAt.getTime() + Math.round((rng.int(1, 8) / 10) * unit));
      transitions++;
      story.row.status = "PUBLISHED";
      story.row.publishedAt = publishedAt;
      story.row.updatedAt = publishedAt;
    }
  } else {
    story.row.status = stage === "review" ? "IN_REVIEW" : "DRAFT";
    story.row.updatedAt = stage === "review" ? at(3.2) : lastRevisionAt(story);
  }
  story.row.version = 1 + story.sections.reduce((n, s) => n + s.revisions.length, 0) + transitions;
  return story;
}

function baseStory(id: number, incident: TPostmortemIncident | null, isNew: boolean, people: TPeople, ctx: TContext, theme: number | TContent, analysis: TAnalysisStyle, createdAt: Date): TPostmortemStory {
  return {
    row: {
      id,
      incidentId: incident?.id ?? null,
      teamId: incident?.teamId ?? 0,
      serviceId: incident?.serviceId ?? null,
      title: incident?.title ?? ctx.title,
      status: "DRAFT",
      notRequiredReason: null,
      analysis,
      authorId: isNew ? people.writer : null,
      approvedById: null,
      approvedAt: null,
      publishedAt: null,
      version: 1,
      createdAt,
      updatedAt: createdAt,
    },
    isNew,
    seed: id,
    content: typeof theme === "number" ? { kind: "theme", theme, ctx } : theme,
    sections: [],
    comments: [],
    actionItems: [],
    timeline: [],
  };
}

function lastRevisionAt(story: TPostmortemStory): Date {
  const times = story.sections.flatMap((s) => s.revisions.map((r) => r.at.getTime()));
  return new Date(Math.max(story.row.createdAt.getTime(), ...times));
}

/**
 * Two to four follow-ups from the theme. Written during the draft; once a
 * postmortem is approved the team works them off: most done by their due
 * date, some open past it (the overdue list is never empty), now and then
 * one dropped with a reason.
 */
function actionItemsFor(
  story: TPostmortemStory,
  stage: TStage,
  rng: Random,
  at: (units: number) => Date,
  now: Date,
  forced: { overdue: boolean; done: boolean; wontDo: boolean },
): TActionItemRow[] {
  if (stage === "stale") return [];
  const specs = actionSpecs(story.content);
  const wanted = Math.min(specs.length, rng.int(2, 4));
  const team = ticketPrefix(story.content.ctx.team);
  const people = new Set(story.sections.flatMap((s) => s.revisions.map((r) => r.authorId)));
  const owners = [...people];
  const isFollowUp = stage === "approved" || stage === "published";
  return specs.slice(0, wanted).map((spec, n) => {
    const createdAt = at(rng.int(15, 25) / 10);
    const dueAt = defaultDueAt(spec.priority, createdAt);
    const elapsed = now.getTime() - createdAt.getTime();
    const item: TActionItemRow = {
      postmortemId: story.row.id,
      teamId: story.row.teamId,
      title: spec.title,
      ownerId: owners[n % Math.max(1, owners.length)] ?? story.row.authorId ?? 1,
      type: spec.type,
      priority: spec.priority,
      dueAt,
      status: "OPEN",
      statusReason: null,
      ticketUrl: rng.chance(0.6) ? `https://example.atlassian.net/browse/${team}-${100 + ((story.row.id * 37 + n * 11) % 900)}` : null,
      completedAt: null,
      version: 1,
      createdAt,
      updatedAt: createdAt,
    };
    const progress = (status: TActionItemStatus, when: Date, extra: Partial<TActionItemRow> = {}) =>
      Object.assign(item, { status, updatedAt: when, version: item.version + 1, ...extra });
    const when = (share: number) => new Date(createdAt.getTime() + Math.round(share * Math.min(elapsed, (dueAt.getTime() - createdAt.getTime()) * 1.3)));
    // The newest published postmortem carries the cases every page must show: a P1 still open past its date, a done one, a dropped one.
    if (stage === "published" && !forced.overdue && n === 0) {
      forced.overdue = true;
      item.priority = "P1";
      item.dueAt = defaultDueAt("P1", createdAt);
      return progress("IN_PROGRESS", when(0.2));
    }
    if (stage === "published" && !forced.done && n === 1) {
      forced.done = true;
      const doneAt = when(0.7);
      return progress("DONE", doneAt, { completedAt: doneAt });
    }
    if (stage === "published" && !forced.wontDo && n === 2) {
      forced.wontDo = true;
      return progress("WONT_DO", when(0.5), { statusReason: rng.pick(WONT_DO_REASONS) });
    }
    const r = rng.next();
    if (!isFollowUp) {
      if (spec.type === "REPAIR" && r < 0.5) {
        const doneAt = when(0.3);
        return progress("DONE", doneAt, { completedAt: doneAt });
      }
      return r < 0.35 ? progress("IN_PROGRESS", when(0.4)) : item;
    }
    const doneShare = Math.min(0.85, Math.max(0.15, elapsed / ((dueAt.getTime() - createdAt.getTime()) * 1.2)));
    if (r < 0.06) return progress("WONT_DO", when(0.5), { statusReason: rng.pick(WONT_DO_REASONS) });
    if (r < 0.06 + doneShare) {
      const doneAt = when(0.2 + rng.next() * 0.75);
      progress("IN_PROGRESS", when(0.1));
      return progress("DONE", doneAt, { completedAt: doneAt });
    }
    return r < 0.06 + doneShare + (1 - doneShare) * 0.5 ? progress("IN_PROGRESS", when(0.3)) : item;
  });
}

const ticketPrefix = (team: string) => team.replace(/[^A-Za-z]/g, "").slice(0, 4).toUpperCase() || "OPS";

// ─────────────── Stand-alone postmortems: written by hand, no incident behind them ───────────────

function standAloneService(catalog: TCatalog, kind: "near-miss" | "slow-burn") {
  const spec = STAND_ALONE[kind];
  return catalog.services.find((s) => s.slug === spec.service) ?? catalog.services[spec.fallbackService];
}

function standAloneStory(catalog: TCatalog, options: TSeedOptions, kind: "near-miss" | "slow-burn", id: number): TPostmortemStory {
  const spec = STAND_ALONE[kind];
  const service = standAloneService(catalog, kind)!;
  const rng = new Random(options.seed * 104_729 + id * 7_919);
  const people = peopleOf(catalog, service.teamId, rng);
  const anchor = spec.anchor(options.now);
  const unit = Math.min(DAY, (options.now.getTime() - anchor) / 7);
  const at = (units: number) => new Date(anchor + Math.round(units * unit));
  const ctx: TContext = {
    service: service.slug,
    team: catalog.teams[service.teamId - 1]?.name ?? "the team",
    dependency: "",
    title: spec.title(service.slug),
    symptom: "",
    severity: "",
    region: service.region,
    openedAt: new Date(anchor),
    acknowledgedAt: new Date(anchor),
    resolvedAt: new Date(anchor + 3 * HOUR),
    version: null,
    deployedAt: null,
    rps: 0,
    errorRate: 0,
  };
  const story = baseStory(id, null, true, people, ctx, { kind, ctx }, "CONTRIBUTING_FACTORS", at(0.3));
  story.row.teamId = service.teamId;
  story.row.serviceId = service.id;
  story.row.title = ctx.title;
  const keys = kind === "slow-burn" ? SECTION_KEYS.filter((k) => k !== "went_well" && k !== "lucky") : SECTION_KEYS;
  story.sections = keys.map((key, n) => ({
    key,
    revisions: Array.from({ length: 1 + ((n + id) % 3) }, (_, v) => ({ authorId: v % 2 === 0 ? people.writer : people.coWriter, at: at(0.5 + n * 0.2 + v * 0.1) })),
  }));
  story.timeline = spec.timeline.map((e, n) => ({ postmortemId: id, at: new Date(anchor + e.minutes * MINUTE), text: e.text(service.slug), isStarred: e.isStarred, editedById: people.writer, createdAt: at(0.4 + n * 0.02) }));
  story.actionItems = spec.actions.map((a, n) => {
    const createdAt = at(2.4);
    const dueAt = defaultDueAt(a.priority, createdAt);
    const doneAt = a.status === "DONE" ? at(5) : null;
    return {
      postmortemId: id, teamId: service.teamId, title: a.title(service.slug), ownerId: n % 2 === 0 ? people.writer : people.coWriter, type: a.type, priority: a.priority, dueAt,
      status: a.status, statusReason: null, ticketUrl: null, completedAt: doneAt, version: a.status === "OPEN" ? 1 : 2, createdAt, updatedAt: doneAt ?? (a.status === "OPEN" ? createdAt : at(3)),
    };
  });
  let transitions = 0;
  if (spec.isPublished) {
    story.comments.push({ postmortemId: id, sectionKey: "detection", kind: "COMMENT", body: "Do we know how many other certificates are imported rather than issued by ACM? That answers whether this can happen elsewhere.", authorId: people.approver, createdAt: at(3.4) });
    story.comments.push({ postmortemId: id, sectionKey: null, kind: "APPROVAL", body: "A near miss written up like an outage: exactly what we want more of. Approved.", authorId: people.approver, createdAt: at(4.6) });
    story.row.status = "PUBLISHED";
    story.row.approvedById = people.approver;
    story.row.approvedAt = at(4.6);
    story.row.publishedAt = at(4.9);
    story.row.updatedAt = at(4.9);
    transitions = 3;
  } else {
    story.comments.push({ postmortemId: id, sectionKey: "impact", kind: "COMMENT", body: "Support saw 14 tickets about stale results over the weekend; worth adding here.", authorId: people.coWriter, createdAt: at(2) });
    story.row.updatedAt = lastRevisionAt(story);
  }
  story.row.version = 1 + story.sections.reduce((n, s) => n + s.revisions.length, 0) + story.timeline.length + transitions;
  return story;
}

const STAND_ALONE = {
  "near-miss": {
    service: "payment-gateway",
    fallbackService: 1,
    // 09:12 UTC three weeks ago, when the response section says it was noticed.
    anchor: (now: Date) => Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 21, 9, 12),
    isPublished: true,
    title: (svc: string) => `Near miss: ${svc}'s TLS certificate was 31 hours from expiring`,
    timeline: [
      { minutes: -14 * 24 * 60, text: () => "The certificate authority's renewal reminder goes to the mailbox of an engineer who left the team in the spring.", isStarred: false },
      { minutes: 0, text: (svc: string) => `While rotating an unrelated secret, an engineer notices that ${svc}'s certificate expires tomorrow at 16:00 UTC: 31 hours left.`, isStarred: true },
      { minutes: 38, text: () => "Near-miss channel opened; the team's approver and the infrastructure on-call join.", isStarred: false },
      { minutes: 128, text: (svc: string) => `Renewed certificate deployed to ${svc}'s load balancer listeners.`, isStarred: true },
      { minutes: 178, text: () => "Checked from three regions: every listener serves the new certificate (valid for 13 months).", isStarred: false },
    ],
    actions: [
      { title: () => "Alarm on certificate expiry at 30, 14 and 7 days for every certificate in both accounts", type: "DETECT" as const, priority: "P2" as const, status: "DONE" as const },
      { title: (svc: string) => `Move ${svc} to an ACM-issued certificate with automatic renewal`, type: "PREVENT" as const, priority: "P2" as const, status: "IN_PROGRESS" as const },
      { title: () => "Send renewal reminders to the team's shared address, not to a person", type: "PREVENT" as const, priority: "P3" as const, status: "DONE" as const },
    ],
  },
  "slow-burn": {
    service: "indexer",
    fallbackService: 3,
    // The last Saturday, 09:30 UTC, at least three days ago: the lag grew over a weekend.
    anchor: (now: Date) => {
      const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 3);
      return day - ((new Date(day).getUTCDay() + 1) % 7) * DAY + 9.5 * HOUR;
    },
    isPublished: false,
    title: (svc: string) => `Slow burn: ${svc} fell six hours behind over a weekend without paging anyone`,
    timeline: [
      { minutes: 0, text: (svc: string) => `${svc}'s consumer lag starts to grow after the Saturday catalogue import (about 2 million updates).`, isStarred: true },
      { minutes: 6 * 60, text: () => "Lag reaches six hours; search results show prices from Saturday morning.", isStarred: false },
      { minutes: 26 * 60, text: () => "A support ticket about stale prices reaches the team's channel on Sunday.", isStarred: true },
      { minutes: 27 * 60, text: (svc: string) => `Consumers of ${svc} scaled from 4 to 12; lag back under a minute by 13:10 UTC.`, isStarred: false },
    ],
    actions: [
      { title: (svc: string) => `Alarm on ${svc} consumer lag above 15 minutes, paging outside office hours`, type: "DETECT" as const, priority: "P1" as const, status: "IN_PROGRESS" as const },
      { title: () => "Scale the consumers on lag, not on CPU", type: "MITIGATE" as const, priority: "P2" as const, status: "OPEN" as const },
      { title: () => "Split the weekend catalogue import into hourly batches", type: "PREVENT" as const, priority: "P3" as const, status: "OPEN" as const },
    ],
  },
};

const BESPOKE: Record<"near-miss" | "slow-burn", (ctx: TContext) => Partial<Record<TSectionKey, string>>> = {
  "near-miss": ({ service, team }) => ({
    summary: `\`${service}\`'s TLS certificate was **31 hours** from expiring when an engineer noticed it by chance. Had it expired, every card payment would have failed until a new one was issued and deployed: about two hours, at the evening peak. Nobody was paged and no customer was affected.`,
    impact: `None to customers. What it would have been:\n\n- **Card payments failing:** all of them, for about two hours (the time the renewal took)\n- **Orders lost at the evening peak:** roughly 9,000, at an average basket of 64 EUR\n- **Error budget:** the whole quarter's, in one evening`,
    leadup: `The certificate was bought from a commercial authority in 2024 and imported into the load balancer by hand, before ${team} moved to ACM-issued certificates. ACM renews the certificates it issues; it only reminds about imported ones, and nothing in our accounts listened to the reminder.\n\nThe authority's renewal emails went to the engineer who had bought it, who left in the spring.`,
    detection: `By chance: an engineer rotating a database secret opened the load balancer's listeners and read the expiry date. No alarm covers certificate expiry, and the synthetic checks would have caught it only once it had expired.`,
    response: `1. 09:12 UTC: expiry noticed.\n2. 09:50: near-miss channel opened; the infrastructure on-call confirms the certificate is imported, not ACM-issued; renewal through the authority starts.\n3. 11:20: the renewed certificate is imported and attached to both listeners.\n4. 12:10: verified from three regions, channel closed.`,
    analysis: `**Contributing factors**\n\n- Imported certificates are outside ACM's automatic renewal, and ours was the last one left: easy to forget because it was the exception.\n- Renewal reminders went to a person, not to the team.\n- We alarm on what breaks, not on what is about to: nothing measured days to expiry.\n- Offboarding has no step for "things this person receives on the team's behalf".`,
    went_well: `- The engineer who noticed treated it as an incident and opened a channel instead of fixing it quietly.\n- The renewal took under two hours, with time to spare.`,
    went_badly: `- Nobody knew where the certificate had come from; it took 40 minutes to find out it was imported.\n- The renewal procedure was not written down anywhere.`,
    lucky: `Entirely. The secret rotation that led to the discovery was scheduled for the following week and moved forward by a day.`,
    open_questions: `- Are there other imported certificates, in this account or the platform one? (the infrastructure team is checking)\n- What else goes to one person's mailbox? Domain renewals, app store accounts, the PagerDuty billing contact?`,
  }),
  "slow-burn": ({ service }) => ({
    summary: `Over a weekend, \`${service}\` fell up to **six hours** behind the catalogue. Search showed stale prices and stock for about 28 hours; nobody was paged because no alarm watches consumer lag.`,
    impact: `- **Window:** Saturday 09:30 to Sunday 13:10 UTC\n- **Stale results:** prices and stock up to six hours old; about 1,200 orders were placed for items that had sold out\n- **Refunds:** 310 so far`,
    leadup: `The weekend catalogue import doubled in size when the new supplier feed went live (about 2 million updates instead of 900,000). \`${service}\`'s consumers scale on CPU, and parsing the updates was cheap: CPU stayed at 35% while the queue grew.`,
    detection: `A customer ticket about a price, on Sunday afternoon, 26 hours after the lag started. The lag metric exists but has no alarm; the dashboard showing it is looked at on weekdays.`,
    response: `The on-call engineer found the lag on the ${service} dashboard within ten minutes of the ticket, raised the consumer count from 4 to 12 and watched the lag drain in about 40 minutes.`,
    analysis: `**Contributing factors**\n\n- Scaling on CPU assumes the work is CPU-bound; consuming updates is I/O-bound.\n- The supplier feed went live without anyone telling the search team the import would double.`,
    went_badly: `- 26 hours from the first stale result to the first person looking at it.`,
    open_questions: `- Should stale search results count against the search SLO? Today they do not.`,
  }),
};

// ─────────────── Themes: what went wrong, told a handful of ways ───────────────

interface TTheme {
  cause: (c: TContext) => string;
  leadup: (c: TContext) => string;
  fix: (c: TContext) => string;
  factors: (c: TContext) => string[];
  whys: (c: TContext) => string[];
  badly: (c: TContext) => string[];
  lucky: (c: TContext) => string;
  questions: (c: TContext) => string[];
  actions: (c: TContext) => { title: string; type: TActionItemType; priority: TActionItemPriority }[];
}

const release = (c: TContext) => (c.version ? `\`${c.version}\`` : "the latest release");
const deployClock = (c: TContext) => clock(c.deployedAt ?? new Date(c.openedAt.getTime() - 20 * MINUTE));

const CHANGE_THEMES: TTheme[] = [
  {
    cause: (c) => `release ${release(c)} lowered the client timeout on calls to \`${c.dependency}\` from 3 s to 800 ms`,
    leadup: (c) =>
      `Release ${release(c)} of \`${c.service}\` reached production at ${deployClock(c)}. Among its changes was a new HTTP client configuration that set an 800 ms timeout on calls to \`${c.dependency}\`, down from 3 s, to stop slow calls holding threads.\n\nIn staging, \`${c.dependency}\` is a stub that answers in 20 ms. In production its p99 is 1.1 s at the afternoon peak, so about 4% of calls now timed out, and each timeout failed the whole request.`,
    fix: (c) => `rolling back to the previous release of \`${c.service}\``,
    factors: (c) => [
      `**Staging has no realistic latency.** \`${c.dependency}\` is stubbed in staging with a 20 ms response, so no test could see the new timeout fire.`,
      `**The timeout was chosen from the median, not the tail.** The pull request cited the dashboard's p50 (180 ms); the p99 was one click away.`,
      `**The canary stage sends 5% of traffic for 10 minutes,** too little for 4% of calls to a single dependency to trip the error-rate alarm before promotion.`,
      `**A timeout change looks like a safe change.** It went through the normal review with one approver; nothing marks configuration of this kind as risky.`,
    ],
    whys: (c) => [
      `Why did requests fail? Calls from \`${c.service}\` to \`${c.dependency}\` timed out after 800 ms.`,
      `Why 800 ms? The new client configuration in ${release(c)} lowered it from 3 s to free threads faster.`,
      `Why did nobody see it would fire? The value was picked from the median latency, and staging answers in 20 ms.`,
      `Why does staging answer in 20 ms? \`${c.dependency}\` is stubbed there, and the stub has no latency profile.`,
      `Why is there no latency profile? The golden path's stub generator does not support one; nobody has asked for it until now.`,
    ],
    badly: (c) => [
      `The first responder looked at \`${c.dependency}\` first, because its name was in every error; it was healthy, and that cost ${Math.max(5, Math.round(minutesOf(c) / 4))} minutes.`,
      `The deployment marker on the dashboard was hidden behind the legend.`,
    ],
    lucky: (c) => `Only requests that needed \`${c.dependency}\` failed; browsing kept working.`,
    questions: (c) => [`Is 800 ms still the right timeout once \`${c.dependency}\` is faster, or should it come from its SLO?`, `Which other services copied the same client configuration?`],
    actions: (c) => [
      { title: `Add latency injection for ${c.dependency} to the staging stage`, type: "PREVENT", priority: "P2" },
      { title: `Alarm on the p99 latency of calls to ${c.dependency}, not only on 5xx`, type: "DETECT", priority: "P2" },
      { title: "Derive client timeouts from the dependency's p99 in the service template", type: "PREVENT", priority: "P3" },
      { title: "Lengthen the canary to 30 minutes for tier 1 services", type: "MITIGATE", priority: "P3" },
    ],
  },
  {
    cause: (c) => `a database migration in ${release(c)} locked the \`events\` table of \`${c.service}\` while it built an index`,
    leadup: (c) =>
      `Release ${release(c)} of \`${c.service}\` (deployed ${deployClock(c)}) carried a migration adding an index on \`events(account_id, created_at)\`. It ran as \`CREATE INDEX\` without \`CONCURRENTLY\`, which takes a lock that blocks writes until the index is built.\n\nOn a table of 40 million rows that took ${Math.max(4, Math.round(minutesOf(c) / 3))} minutes. Writes queued behind the lock, the connection pool filled, and \`${c.service}\` stopped answering.`,
    fix: () => `cancelling the migration, restarting the tasks to release the pool, and running the index build again with \`CONCURRENTLY\` at night`,
    factors: (c) => [
      `**The migration tool's default is the locking form.** Writing \`CONCURRENTLY\` is opt-in, and it cannot run inside the transaction the tool wraps every migration in.`,
      `**Migrations run during the deployment,** at whatever time the pipeline reaches production, here in the middle of the day.`,
      `**Staging's \`events\` table has 50,000 rows;** the same migration took 0.4 s there.`,
      `**\`${c.service}\` has no statement timeout for migrations,** so nothing stopped a lock that lasted minutes.`,
    ],
    whys: (c) => [
      `Why did \`${c.service}\` stop answering? Its connection pool was full of writes waiting for a lock.`,
      `Why was there a lock? The migration built an index with plain \`CREATE INDEX\`, which blocks writes.`,
      `Why plain? The tool wraps migrations in a transaction, where \`CONCURRENTLY\` is not allowed, and its template does not say so.`,
      `Why did staging not show it? Staging's table is 800 times smaller; the build took under a second.`,
      `Why is there no guard? Migrations are reviewed like code; nothing checks them for locks on large tables.`,
    ],
    badly: () => [`Cancelling the migration needed database credentials only two people had at hand.`, `The error messages said "timeout acquiring connection", which pointed at the pool, not the lock.`],
    lucky: () => `Reads go to a replica, which the lock did not touch: customers could still browse; only changes failed.`,
    questions: (c) => [`Should migrations of \`${c.service}\` run in their own pipeline stage, outside the peak?`, `Which other services use the same migration template?`],
    actions: (c) => [
      { title: "Lint migrations for locking index builds on tables over a million rows", type: "PREVENT", priority: "P2" },
      { title: `Set a 5 s lock_timeout for ${c.service} migrations`, type: "MITIGATE", priority: "P1" },
      { title: "Document CONCURRENTLY in the migration template", type: "PREVENT", priority: "P4" },
      { title: "Give the on-call role the right to cancel a migration", type: "REPAIR", priority: "P2" },
    ],
  },
  {
    cause: (c) => `an HTTP client upgrade in ${release(c)} turned on three retries without jitter, which tripled the load on \`${c.dependency}\` when it slowed down`,
    leadup: (c) =>
      `${release(c)} of \`${c.service}\` (deployed ${deployClock(c)}) bumped the HTTP client library by a major version. The new version retries failed calls three times by default, immediately and without jitter; the old one did not retry.\n\nWhen \`${c.dependency}\` had a short slowdown of its own, every slow call from \`${c.service}\` became four. The extra load kept \`${c.dependency}\` slow, and the retries kept coming.`,
    fix: (c) => `turning the retries off with a configuration flag and scaling \`${c.dependency}\` out to drain the backlog`,
    factors: (c) => [
      `**A dependency bump changed behaviour, not just code.** The changelog mentioned the new retry default in its fourth paragraph.`,
      `**Nothing limits retries across the fleet:** no retry budget, no circuit breaker between \`${c.service}\` and \`${c.dependency}\`.`,
      `**Load tests run against a healthy \`${c.dependency}\`,** so retries never happened in them.`,
    ],
    whys: (c) => [
      `Why was \`${c.dependency}\` overloaded? It received about three times its normal traffic.`,
      `Why three times? \`${c.service}\` retried each failed call three times, at once.`,
      `Why did it retry? The new major version of the HTTP client retries by default.`,
      `Why did we not notice the new default? Dependency bumps are reviewed by their diff, and the diff was a version number.`,
      `Why is that enough to ship? Nothing in the pipeline compares behaviour under a slow dependency before and after a change.`,
    ],
    badly: (c) => [`Both teams looked at their own dashboards for ${Math.max(6, Math.round(minutesOf(c) / 3))} minutes before anyone put the two request rates side by side.`, `The service map showed the edge red but not its request rate tripling.`],
    lucky: (c) => `\`${c.dependency}\` had spare capacity in its auto-scaling group; a tighter maximum would have turned the slowdown into an outage.`,
    questions: () => [`Should the platform set a default retry budget in the service template?`, `Are any other services on the new client version?`],
    actions: (c) => [
      { title: `Add a circuit breaker between ${c.service} and ${c.dependency}`, type: "MITIGATE", priority: "P2" },
      { title: "Pin HTTP client retry settings explicitly in every service", type: "PREVENT", priority: "P2" },
      { title: "Alert on a dependency's request rate doubling within 10 minutes", type: "DETECT", priority: "P3" },
      { title: "Add a slow-dependency scenario to the load test", type: "PREVENT", priority: "P4" },
    ],
  },
  {
    cause: (c) => `a feature flag switched on with ${release(c)} sent every request down a new query path that made one database call per item`,
    leadup: (c) =>
      `${release(c)} of \`${c.service}\` (deployed ${deployClock(c)}) shipped a new way of loading lists behind the \`list-v2\` flag, and the flag was turned on for everyone 15 minutes later.\n\nThe new path loaded each item's details with its own query. A list of 40 items meant 41 queries; at ${c.rps} requests per second the database's CPU reached 97% and every query slowed down, including the ones that had nothing to do with lists.`,
    fix: (c) => `turning \`list-v2\` off, after which \`${c.service}\`'s database recovered within two minutes`,
    factors: () => [
      `**Flags go from 0% to 100% in one step.** The flag service supports percentages; our habit is to flip.`,
      `**The query count per request is not measured,** so the review could not see 41 queries where there had been 2.`,
      `**Test data has lists of three items.**`,
    ],
    whys: (c) => [
      `Why did \`${c.service}\` slow down? Its database's CPU was at 97%.`,
      `Why? Each request made one query per item in the list.`,
      `Why did that reach everyone at once? The flag was turned on for 100% of traffic in one step.`,
      `Why in one step? Nothing suggests a ramp, and the flag had been on in staging for a week without trouble.`,
      `Why no trouble in staging? Staging lists have three items, so the extra queries were invisible.`,
    ],
    badly: () => [`The flag change is not on the deployment timeline, so the first theory was the deployment itself.`],
    lucky: () => `Turning a flag off takes seconds; a rollback would have taken eleven minutes.`,
    questions: () => [`Should the flag service refuse a jump from 0% to 100% on tier 1 services?`],
    actions: (c) => [
      { title: `Batch the item lookups of the list-v2 path in ${c.service}`, type: "REPAIR", priority: "P1" },
      { title: "Show flag changes on the deployment timeline", type: "DETECT", priority: "P3" },
      { title: "Ramp flags on tier 1 services through 1%, 10% and 50%", type: "PREVENT", priority: "P2" },
      { title: "Track queries per request in the service dashboard", type: "DETECT", priority: "P3" },
    ],
  },
];

const OTHER_THEMES: TTheme[] = [
  {
    cause: (c) => `\`${c.dependency}\` became slow during a database failover, and \`${c.service}\` waited on it without a circuit breaker`,
    leadup: (c) =>
      `No change of ours was involved. \`${c.dependency}\`'s database failed over to its standby at ${clock(new Date(c.openedAt.getTime() - 3 * MINUTE))} after a storage problem on the primary; for the failover and the minutes after it, \`${c.dependency}\` answered in 5 to 20 s instead of 150 ms.\n\n\`${c.service}\` calls it on every request, with a 30 s timeout and no circuit breaker. Its workers filled up waiting, and requests that never needed \`${c.dependency}\` queued behind them.`,
    fix: (c) => `\`${c.dependency}\` recovering on its own; \`${c.service}\`'s queue drained over the following minutes`,
    factors: (c) => [
      `**A 30 s timeout on a call that normally takes 150 ms** turned a slow dependency into a full worker pool.`,
      `**No bulkhead:** one thread pool serves calls that need \`${c.dependency}\` and calls that do not.`,
      `**Failovers are treated as instant.** The runbook for \`${c.dependency}\` says "about 30 seconds"; this one took several minutes to settle.`,
    ],
    whys: (c) => [
      `Why did \`${c.service}\` fail? Its workers were all busy.`,
      `Why? They were waiting on \`${c.dependency}\`, which took up to 20 s to answer.`,
      `Why wait so long? The timeout is 30 s, a default nobody revisited.`,
      `Why did unrelated requests fail too? One worker pool serves all requests.`,
      `Why one pool? The service predates the golden path's bulkhead pattern and was never migrated.`,
    ],
    badly: (c) => [`\`${c.service}\`'s alarm paged its team, \`${c.dependency}\`'s paged another; the two channels found each other after ${Math.max(5, Math.round(minutesOf(c) / 5))} minutes.`],
    lucky: (c) => `The failover happened in ${c.region} only; the other region took the traffic its health checks moved.`,
    questions: (c) => [`Why did \`${c.dependency}\`'s failover take minutes rather than seconds? (its team is looking)`],
    actions: (c) => [
      { title: `Lower ${c.service}'s timeout on ${c.dependency} to 2 s with one retry`, type: "MITIGATE", priority: "P1" },
      { title: `Give calls to ${c.dependency} their own worker pool`, type: "PREVENT", priority: "P2" },
      { title: "Link incidents that open within 10 minutes on services that call each other", type: "DETECT", priority: "P3" },
    ],
  },
  {
    cause: () => `a campaign email sent traffic to three times its usual level within ten minutes, faster than auto-scaling could follow`,
    leadup: (c) =>
      `Marketing sent the autumn campaign to 1.8 million subscribers at ${clock(new Date(c.openedAt.getTime() - 12 * MINUTE))}. Traffic to \`${c.service}\` rose from ${c.rps} to about ${c.rps * 3} requests per second in ten minutes.\n\n\`${c.service}\` scales on CPU averaged over five minutes, with a maximum of 12 tasks. New tasks take four minutes to pass their health checks; by the time they did, the running ones were saturated and failing health checks themselves.`,
    fix: (c) => `raising \`${c.service}\`'s maximum to 30 tasks and shedding the image-heavy endpoints until the new tasks were healthy`,
    factors: () => [
      `**Nobody told us about the campaign.** Marketing's calendar is not shared with engineering.`,
      `**Scaling reacts on a five-minute average** and new tasks need four minutes: nine minutes behind a surge that took ten.`,
      `**The maximum of 12 tasks was set two years ago,** when peak traffic was half today's.`,
    ],
    whys: (c) => [
      `Why did requests fail? \`${c.service}\`'s tasks were saturated and failing health checks.`,
      `Why saturated? Traffic tripled in ten minutes.`,
      `Why could scaling not follow? It reacts on a five-minute average and stops at 12 tasks.`,
      `Why 12? The limit was set for the traffic of two years ago and never revisited.`,
      `Why never revisited? Capacity limits have no owner and no review date.`,
    ],
    badly: () => [`The first ten minutes went on looking for a bad deployment; there was none.`, `Raising the maximum took a pull request and a pipeline run: 14 minutes.`],
    lucky: () => `The campaign went out on a weekday morning, with the whole team at their desks.`,
    questions: () => [`Could marketing's sending tool throttle a campaign to a rate we agree on?`],
    actions: (c) => [
      { title: `Scale ${c.service} on request count per target, with a one-minute period`, type: "MITIGATE", priority: "P1" },
      { title: "Share the marketing campaign calendar with the on-call rota", type: "PREVENT", priority: "P3" },
      { title: `Review ${c.service}'s capacity limits every quarter`, type: "PREVENT", priority: "P4" },
      { title: "Let the on-call engineer change scaling limits without a deployment", type: "REPAIR", priority: "P2" },
    ],
  },
  {
    cause: (c) => `a network problem in one availability zone of ${c.region} made a third of \`${c.service}\`'s tasks lose their connection to the cache, and they kept taking traffic`,
    leadup: (c) =>
      `At ${clock(c.openedAt)} AWS reported "increased network error rates" in one availability zone of ${c.region}. \`${c.service}\`'s tasks in that zone could not reach the cache cluster, but their health check only asks whether the process is up, so the load balancer kept sending them a third of the traffic.`,
    fix: (c) => `taking the zone's tasks out of the target group by hand; AWS resolved the network problem ${Math.round(minutesOf(c) * 0.7)} minutes in`,
    factors: (c) => [
      `**The health check is shallow:** it checks the process, not its dependencies, so broken tasks looked healthy.`,
      `**There is no runbook step for evacuating a zone,** so it was improvised under pressure.`,
      `**\`${c.service}\` treats a cache miss as an error** instead of falling back to the database.`,
    ],
    whys: (c) => [
      `Why did a third of requests fail? A third of \`${c.service}\`'s tasks could not reach the cache.`,
      `Why did they still get traffic? Their health check passed.`,
      `Why did it pass? It checks that the process answers, not that it can do its work.`,
      `Why so shallow? A deep health check once took the whole service down when the cache blipped.`,
      `Why did that happen? Deep checks without a threshold fail every task at once; we removed them instead of fixing them.`,
    ],
    badly: () => [`The AWS Health event arrived 18 minutes after our alarm.`],
    lucky: () => `The cache cluster itself was in the two healthy zones.`,
    questions: () => [`Should we use zonal shift for this load balancer?`],
    actions: (c) => [
      { title: `Make ${c.service}'s health check cover the cache, with a failure threshold`, type: "DETECT", priority: "P2" },
      { title: "Write and rehearse the runbook for evacuating an availability zone", type: "MITIGATE", priority: "P2" },
      { title: `Fall back to the database on cache errors in ${c.service}`, type: "PREVENT", priority: "P3" },
    ],
  },
];

const NOT_REQUIRED_REASONS: ((c: TContext) => string)[] = [
  (c) => `Duplicate: the same event as the ${c.dependency} incident opened two minutes earlier, which has its own postmortem.`,
  () => "False alarm: the synthetic check's own runner lost network access; no customer request failed.",
  () => "Planned maintenance, announced to customers a week ahead; it ran over by a few minutes and set off the alarm.",
  (c) => `Under two minutes of errors on \`${c.service}\`, well within the error budget; reviewed in the weekly operations meeting instead.`,
];

const SECTION_NOTES: { key: TSectionKey; body: (c: TContext) => string }[] = [
  { key: "impact", body: () => "Can we put a number on the orders we lost? Finance will ask." },
  { key: "summary", body: () => "Maybe lead with the customer impact: the first sentence is what people read in the digest." },
  { key: "leadup", body: (c) => `Worth linking the change that shipped before it, so people can find it from \`${c.service}\`'s page.` },
  { key: "detection", body: (c) => `Was there an earlier signal? The p99 latency alarm of \`${c.service}\` seems to have moved a few minutes before the 5xx one.` },
];

const REVIEW_NOTES: { key: TSectionKey; body: (c: TContext) => string }[] = [
  { key: "analysis", body: () => "The second point reads as if a person missed something. What made it easy to miss? That is the factor we can fix." },
  { key: "response", body: () => "Please add when we decided to roll back, not only when it finished: the gap between the two is the interesting part." },
  { key: "detection", body: (c) => `How long between the first failed request and the page? The ${c.severity} target is five minutes.` },
  { key: "open_questions", body: () => "Who owns each question? Without a name they stay open for ever." },
];

/** A reviewer's request for changes, and the section the writer revised for it. */
const CHANGES_REQUESTED: { key: TSectionKey; body: (c: TContext) => string }[] = [
  { key: "analysis", body: () => "The analysis stops at the first cause. What made it look safe at the time? Please add that factor, and an action item for it." },
  { key: "impact", body: (c) => `Good write-up, but the impact section needs numbers: how many requests failed, and for which customers of \`${c.service}\`?` },
  { key: "analysis", body: () => "One point says \"be more careful\". Can we turn it into a change to the system? Nobody can action care." },
  { key: "response", body: () => "The timeline and the response section disagree about when recovery started. Which one is right?" },
];

const APPROVALS: ((c: TContext) => string)[] = [
  () => "Clear, blameless and the action items go to the cause, not the symptom. Approved.",
  (c) => `Thanks for the extra detail on detection. Approved; please share it in the ${c.team} channel.`,
  () => "Approved. The analysis reads well: every point in it is something we can change.",
  () => "Looks good now. Approved.",
];

const WONT_DO_REASONS = [
  "Superseded by the platform-wide change to the service template, tracked there.",
  "The service is being retired next quarter; not worth the work.",
  "Tried it: the extra alarm fired weekly on noise. The p99 alarm covers the same case.",
  "Covered by the load-test work another team already has planned.",
];

// ─────────────── Rendering ───────────────

const minutesOf = (c: TContext) => Math.max(1, Math.round((c.resolvedAt.getTime() - c.openedAt.getTime()) / MINUTE));
const clock = (d: Date) => `${d.toISOString().slice(11, 16)} UTC`;
// One formatter each: toLocale*String builds a new one per call, which made rendering the benchmark's 28,000 postmortems slow.
const DAY_FORMAT = new Intl.DateTimeFormat("en-GB", { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" });
const COUNT_FORMAT = new Intl.NumberFormat("en");
const day = (d: Date) => DAY_FORMAT.format(d);
const formatCount = (n: number) => COUNT_FORMAT.format(n);

function duration(minutes: number): string {
  if (minutes < 120) return `${minutes} minutes`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} hours ${minutes % 60 ? `${minutes % 60} minutes` : ""}`.trim();
  return `${Math.round(minutes / (24 * 60))} days`;
}

function numbers(c: TContext) {
  const minutes = minutesOf(c);
  // Traffic is lower at night and during long incidents the share failing falls off once people work around it.
  const failed = Math.round(c.rps * 60 * Math.min(minutes, 240) * c.errorRate);
  const budget = Math.round(((Math.min(minutes, 240) * c.errorRate) / 43.2) * 100);
  return { minutes, failed, customers: Math.max(3, Math.round(failed / 9)), budget, detect: Math.max(1, Math.round((c.acknowledgedAt.getTime() - c.openedAt.getTime()) / MINUTE)) };
}

function themeSections(theme: TTheme, c: TContext, analysis: TAnalysisStyle, rng: Random): Record<TSectionKey, string> {
  const n = numbers(c);
  const budget = n.budget >= 100 ? "the whole 30-day error budget, and more" : `${n.budget}% of the 30-day error budget`;
  const summaries = [
    () => `On ${day(c.openedAt)}, \`${c.service}\` was degraded (${c.symptom}) for ${duration(n.minutes)} after ${theme.cause(c)}. About ${formatCount(n.customers)} customers saw errors. It ended by ${theme.fix(c)}.`,
    () => `For ${duration(n.minutes)} on ${day(c.openedAt)}, ${Math.round(c.errorRate * 100)}% of requests to \`${c.service}\` failed (${c.severity}). The trigger: ${theme.cause(c)}. Recovery came from ${theme.fix(c)}.`,
    () => `${c.title}. Between ${clock(c.openedAt)} and ${clock(c.resolvedAt)} on ${day(c.openedAt)}, ${theme.cause(c)}. We recovered by ${theme.fix(c)}; ${formatCount(n.failed)} requests failed in between.`,
  ];
  const impact = [
    () =>
      `- **Window:** ${clock(c.openedAt)} to ${clock(c.resolvedAt)}, ${day(c.openedAt)} (${duration(n.minutes)})\n- **Requests failed:** ${formatCount(n.failed)} (${Math.round(c.errorRate * 100)}% of traffic at the worst point)\n- **Customers affected:** about ${formatCount(n.customers)}\n- **SLO:** ${budget}\n- **People paged:** ${rng.int(2, 6)}`,
    () =>
      `About ${formatCount(n.customers)} customers got errors from \`${c.service}\` over ${duration(n.minutes)}: ${formatCount(n.failed)} failed requests in all. That spent ${budget}.\n\nSupport received ${rng.int(3, 60)} tickets; no data was lost.`,
  ];
  const detection = [
    () => `The \`${c.service}-5xx-rate\` alarm went to ALARM at ${clock(c.openedAt)} and paged the on-call engineer, who acknowledged ${n.detect} minutes later. Time to detect was good; a p99 latency alarm would have fired a few minutes earlier still.`,
    () => `A customer report in the support channel came first; the \`${c.service}-5xx-rate\` alarm followed at ${clock(c.openedAt)} and the on-call engineer acknowledged after ${n.detect} minutes. The alarm needs five minutes of errors before it fires, which is too long for a ${c.severity}.`,
  ];
  // In order even when the incident resolved before anyone acknowledged it.
  const acknowledged = Math.min(c.acknowledgedAt.getTime(), c.resolvedAt.getTime());
  const step = (c.resolvedAt.getTime() - acknowledged) / 3;
  const response =
    `1. ${clock(c.openedAt)}: alarm, incident opened.\n2. ${clock(new Date(acknowledged))}: acknowledged by the on-call engineer of ${c.team}; incident channel opened.\n` +
    `3. ${clock(new Date(acknowledged + step))}: cause narrowed down: ${theme.cause(c)}.\n` +
    `4. ${clock(new Date(acknowledged + 2 * step))}: recovery started by ${theme.fix(c)}.\n5. ${clock(c.resolvedAt)}: error rate back to normal, incident resolved.`;
  const wentWell = rng.pick([
    [`The alarm paged within ${n.detect} minutes of the first errors.`, "One incident commander from the start; the channel stayed readable."],
    ["The runbook linked from the service page was up to date.", "The status page was updated within 15 minutes of the page."],
    [`The deployment marker on \`${c.service}\`'s dashboard pointed at the right change straight away.`, "Customer support had a reply ready after the first update."],
  ]);
  const analysisBody =
    analysis === "FIVE_WHYS"
      ? theme.whys(c).map((w, i) => `${i + 1}. ${w}`).join("\n")
      : theme.factors(c).map((f) => `- ${f}`).join("\n");
  return {
    summary: rng.pick(summaries)(),
    impact: rng.pick(impact)(),
    leadup: theme.leadup(c),
    detection: rng.pick(detection)(),
    response,
    analysis: analysisBody,
    went_well: wentWell.map((w) => `- ${w}`).join("\n"),
    went_badly: theme.badly(c).map((b) => `- ${b}`).join("\n"),
    lucky: theme.lucky(c),
    open_questions: theme.questions(c).map((q) => `- ${q}`).join("\n"),
  };
}

const ALL_THEMES = [...CHANGE_THEMES, ...OTHER_THEMES];

function actionSpecs(content: TContent): { title: string; type: TActionItemType; priority: TActionItemPriority }[] {
  return content.kind === "theme" ? ALL_THEMES[content.theme]!.actions(content.ctx) : [];
}

/** What a section said at an earlier version: the first part of the final text (longer at each version), still being written. */
function earlier(body: string, version: number, of: number): string {
  const ends = [...body.matchAll(/\S+/g)].map((m) => m.index + m[0].length);
  const end = ends[Math.max(0, Math.round((ends.length * version) / of) - 1)] ?? body.length;
  return `${body.slice(0, end)}…\n\n_Still being written._`;
}

/**
 * A postmortem's rows besides its header: sections, their earlier revisions, comments, action items, hand-written
 * timeline. A section's latest revision is the section itself (same text, author and time): the store copies it
 * from the section rows rather than sending the text twice.
 */
export function renderPostmortem(story: TPostmortemStory) {
  const rng = new Random(story.seed * 31 + 5);
  const { content } = story;
  const bodies = content.kind === "theme" ? themeSections(ALL_THEMES[content.theme]!, content.ctx, story.row.analysis, rng) : BESPOKE[content.kind](content.ctx);
  const sections: TSectionRow[] = [];
  const earlierRevisions: TRevisionRow[] = [];
  for (const plan of story.sections) {
    const body = bodies[plan.key];
    const last = plan.revisions.at(-1);
    if (body === undefined || !last) continue;
    const versions = plan.revisions.length;
    plan.revisions.slice(0, -1).forEach((r, i) => {
      earlierRevisions.push({ postmortemId: story.row.id, key: plan.key, version: i + 1, body: earlier(body, i + 1, versions), authorId: r.authorId, at: r.at });
    });
    sections.push({ postmortemId: story.row.id, key: plan.key, body, version: versions, updatedById: last.authorId, updatedAt: last.at });
  }
  return { sections, earlierRevisions, comments: story.comments, actionItems: story.actionItems, timeline: story.timeline };
}

/** Every revision of a rendered postmortem's sections, the latest ones included (what the store ends up with). */
export function allRevisions({ sections, earlierRevisions }: Pick<ReturnType<typeof renderPostmortem>, "sections" | "earlierRevisions">): TRevisionRow[] {
  const latest = sections.map((s) => ({ postmortemId: s.postmortemId, key: s.key, version: s.version, body: s.body, authorId: s.updatedById, at: s.updatedAt }));
  return [...earlierRevisions, ...latest].sort((a, b) => a.key.localeCompare(b.key) || a.version - b.version);
}
