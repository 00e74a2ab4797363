/**
 * The evidence timeline's rules, pure: the window a postmortem looks at, the
 * service-map health crossings, and the entry each piece of evidence makes
 * (text, kind, links, the key that lets a redraft update it rather than add a
 * second). lib/postmortems/server/draft-timeline.ts reads the rows and stores
 * what this returns; lib/postmortems/milestones.ts reads the kinds back.
 *
 * Kinds, by source:
 * - deployment: deployment.started (only its start is in the window), deployment.succeeded|failed|rolled_back
 * - pipeline: pipeline.started, pipeline.succeeded|failed|stopped|…; rollback.* for a rollback execution
 * - stage: stage.started, stage.succeeded|failed|…
 * - approval: approval.waiting, approval.approved, approval.rejected, approval.abandoned
 * - alarm: alarm.ALARM, alarm.OK, alarm.INSUFFICIENT_DATA
 * - servicemap: health.degraded, health.recovered
 * - incident: incident.<IncidentEvent.kind> for the postmortem's own incident; related-incident.opened|resolved for
 *   other incidents of the same services
 * - audit: audit.<AuditEvent.action>
 */
import { alarmConsoleUrl } from "@/lib/alarms/alarm-board";
import { consoleUrls, formatDuration } from "@/lib/pipelines/board";
import type { TExecutionStage, TStageDeclaration } from "@/lib/pipelines/collect/types";
import type { TTimelineSource } from "@/lib/postmortems/schemas";
import { mapQueryString } from "@/lib/servicemap/schemas";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** A window longer than this (an incident left open for weeks) is cut: past two weeks the evidence is no longer a timeline. */
export const MAX_WINDOW_SPAN_MS = 14 * 24 * HOUR;
/** Entries' text is capped like a person's (ZTimelineEntryPatchSchema). */
const MAX_TEXT = 2_000;

// ───────────────────────────── The window ─────────────────────────────

export interface TWindowInput {
  incident: { openedAt: Date; resolvedAt: Date | null } | null;
  /** The person's milestones: an impact that started before the incident opened widens the window to it. */
  impactStartedAt: Date | null;
  mitigatedAt: Date | null;
  marginBeforeMinutes: number;
  marginAfterMinutes: number;
  now: Date;
}

export interface TEvidenceWindow {
  start: Date;
  end: Date;
}

/**
 * incident.openedAt − margin before … (incident.resolvedAt ?? now) + margin after; an impact set by hand before the
 * incident opened moves the start to it. A stand-alone postmortem (no incident) spans impactStartedAt … (mitigatedAt ??
 * now) with the same margins, and has no window (null) until the impact's start is known. The span between the two
 * anchors is at most MAX_WINDOW_SPAN_MS.
 */
export function evidenceWindow({ incident, impactStartedAt, mitigatedAt, marginBeforeMinutes, marginAfterMinutes, now }: TWindowInput): TEvidenceWindow | null {
  let from: number;
  let to: number;
  if (incident) {
    from = Math.min(incident.openedAt.getTime(), impactStartedAt?.getTime() ?? Infinity);
    to = (incident.resolvedAt ?? now).getTime();
  } else {
    if (!impactStartedAt) return null;
    from = impactStartedAt.getTime();
    to = (mitigatedAt ?? now).getTime();
  }
  to = Math.min(Math.max(to, from), from + MAX_WINDOW_SPAN_MS);
  return { start: new Date(from - marginBeforeMinutes * MINUTE), end: new Date(to + marginAfterMinutes * MINUTE) };
}

const isInWindow = (at: Date, window: TEvidenceWindow) => at.getTime() >= window.start.getTime() && at.getTime() <= window.end.getTime();

// ───────────────────────────── Service-map health ─────────────────────────────

/** One service's counts for one stored bucket (its nodes' rows summed). */
export interface THealthBucket {
  serviceId: number;
  bucketStart: Date;
  bucketSeconds: number;
  requests: number;
  errors: number;
  faults: number;
}

export interface THealthRule {
  /** (errors + faults) / requests at or above this is degraded. */
  threshold: number;
  /** A bucket with fewer requests says nothing either way (1 fault in 2 requests is not an outage). */
  minRequests: number;
}

export const HEALTH_RULE: THealthRule = { threshold: 0.05, minRequests: 20 };

export interface THealthCrossing {
  serviceId: number;
  at: Date;
  kind: "health.degraded" | "health.recovered";
  bucket: THealthBucket;
  rate: number;
}

const HOUR_SECONDS = 3600;

/**
 * The finest buckets stored for each service: 5-minute rows where the hour still has them, the hourly row where
 * they were rolled up (lib/servicemap/bucket-store.ts keeps both sizes side by side). Rows of the same service,
 * start and size are summed.
 */
export function finestBuckets(rows: readonly THealthBucket[]): THealthBucket[] {
  const summed = new Map<string, THealthBucket>();
  for (const row of rows) {
    const key = `${row.serviceId}|${row.bucketSeconds}|${row.bucketStart.getTime()}`;
    const seen = summed.get(key);
    summed.set(key, seen ? { ...seen, requests: seen.requests + row.requests, errors: seen.errors + row.errors, faults: seen.faults + row.faults } : { ...row });
  }
  const hoursWithFineRows = new Set<string>();
  for (const b of summed.values()) {
    if (b.bucketSeconds < HOUR_SECONDS) hoursWithFineRows.add(`${b.serviceId}|${Math.floor(b.bucketStart.getTime() / HOUR) * HOUR}`);
  }
  return [...summed.values()]
    .filter((b) => b.bucketSeconds < HOUR_SECONDS || !hoursWithFineRows.has(`${b.serviceId}|${b.bucketStart.getTime()}`))
    .sort((a, b) => a.serviceId - b.serviceId || a.bucketStart.getTime() - b.bucketStart.getTime() || a.bucketSeconds - b.bucketSeconds);
}

/**
 * Where each service's failure share crosses the threshold, bucket by bucket in time order: a service starts
 * healthy, goes degraded at the first bucket at or above the threshold, recovers at the next one below it.
 * Buckets under minRequests, and gaps, leave the state as it was. Sorted by time, then service.
 */
export function healthCrossings(buckets: readonly THealthBucket[], rule: THealthRule = HEALTH_RULE): THealthCrossing[] {
  const byService = new Map<number, THealthBucket[]>();
  for (const b of buckets) byService.set(b.serviceId, [...(byService.get(b.serviceId) ?? []), b]);
  const out: THealthCrossing[] = [];
  for (const series of byService.values()) {
    let isDegraded = false;
    for (const b of [...series].sort((x, y) => x.bucketStart.getTime() - y.bucketStart.getTime())) {
      if (b.requests < rule.minRequests) continue;
      const rate = (b.errors + b.faults) / b.requests;
      const isBad = rate >= rule.threshold;
      if (isBad === isDegraded) continue;
      isDegraded = isBad;
      out.push({ serviceId: b.serviceId, at: b.bucketStart, kind: isBad ? "health.degraded" : "health.recovered", bucket: b, rate });
    }
  }
  return out.sort((a, b) => a.at.getTime() - b.at.getTime() || a.serviceId - b.serviceId);
}

// ───────────────────────────── Evidence rows → entries ─────────────────────────────

export interface TServiceRef {
  id: number;
  slug: string;
  name: string;
}

export interface TDeploymentEvidence {
  id: number;
  serviceId: number;
  environment: string;
  status: "IN_PROGRESS" | "SUCCEEDED" | "FAILED" | "ROLLED_BACK";
  version: string | null;
  source: string;
  startedAt: Date;
  finishedAt: Date | null;
}

export interface TExecutionEvidence {
  /** PipelineExecution.id. */
  id: number;
  pipelineId: number;
  pipelineName: string;
  region: string;
  /** The pipeline's service (null: not mapped; the deployment's then). */
  serviceId: number | null;
  /** Pipeline.structure: which actions are manual approvals. */
  structure: readonly TStageDeclaration[];
  executionId: string;
  status: string;
  executionType: string;
  rollbackOf: string | null;
  triggerType: string | null;
  stages: readonly TExecutionStage[];
  failureReason: string | null;
  failedAction: string | null;
  startedAt: Date;
  lastUpdatedAt: Date;
  /** The deployment it made, if any: its stages are drafted too. */
  deploymentId: number | null;
  deploymentServiceId: number | null;
}

export interface TAlarmTransitionEvidence {
  id: number;
  alarmId: number;
  alarmName: string;
  region: string;
  serviceId: number;
  fromState: string | null;
  toState: "ALARM" | "OK" | "INSUFFICIENT_DATA";
  reason: string | null;
  at: Date;
}

export interface TIncidentEventEvidence {
  /** null: taken from the incident's own times, no event recorded it. */
  id: number | null;
  incidentId: number;
  serviceId: number;
  kind: string;
  message: string;
  actor: string | null;
  at: Date;
  /** An event of the postmortem's own incident (else of another incident of the same services). */
  isOwn: boolean;
}

export interface TAuditEvidence {
  id: number;
  at: Date;
  action: string;
  entityType: string;
  entityId: string;
  /** Who, in words: a person's name, "token <name>", or the system part that did it. */
  actor: string;
  serviceId: number | null;
  before: unknown;
  after: unknown;
}

export interface TEvidence {
  window: TEvidenceWindow;
  /** The incident's service and its neighbours on the map. */
  services: readonly TServiceRef[];
  /** Incident.deploymentId: its entry is flagged, and drafted even when it finished before the window. */
  suspectDeploymentId: number | null;
  deployments: readonly TDeploymentEvidence[];
  executions: readonly TExecutionEvidence[];
  transitions: readonly TAlarmTransitionEvidence[];
  /** Stored buckets of the services' nodes, both sizes (finestBuckets picks). */
  buckets: readonly THealthBucket[];
  incidentEvents: readonly TIncidentEventEvidence[];
  audit: readonly TAuditEvidence[];
}

/** A machine entry, ready to be stored. */
export interface TDraftEntry {
  /** Stable key of the evidence ("deployment:12"): a redraft updates the entry rather than adding another. */
  originKey: string;
  at: Date;
  source: TTimelineSource;
  kind: string;
  serviceId: number | null;
  text: string;
  portalUrl: string | null;
  consoleUrl: string | null;
  isSuspect: boolean;
}

/** At one instant, what ends comes before what starts, inner parts ending before their whole and wholes starting before their parts. */
const ENDING_ORDER: TTimelineSource[] = ["stage", "approval", "pipeline", "deployment", "alarm", "servicemap", "incident", "audit", "manual"];
const STARTING_ORDER: TTimelineSource[] = ["deployment", "pipeline", "stage", "approval"];
const isStart = (kind: string) => kind.endsWith(".started") || kind === "approval.waiting";
const rank = (e: Pick<TDraftEntry, "source" | "kind">) => (isStart(e.kind) ? 100 + STARTING_ORDER.indexOf(e.source) : ENDING_ORDER.indexOf(e.source));

/** Timeline order: time, then rank at the same instant (a stage finishing, its pipeline finishing, the deployment, the alarm it set off), then key. */
export function compareEntries(a: Pick<TDraftEntry, "at" | "source" | "kind" | "originKey">, b: Pick<TDraftEntry, "at" | "source" | "kind" | "originKey">): number {
  return a.at.getTime() - b.at.getTime() || rank(a) - rank(b) || (a.originKey < b.originKey ? -1 : a.originKey > b.originKey ? 1 : 0);
}

const clip = (text: string) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text);
const lower = (status: string) => status.toLowerCase();
const shortId = (executionId: string) => executionId.slice(0, 8);
const percent = (share: number) => `${(share * 100).toFixed(1)} %`;
/** "5 %", "2.5 %": the threshold as people write it. */
export const formatThreshold = (share: number) => `${Number((share * 100).toFixed(2))} %`;

const DEPLOYMENT_OUTCOME: Record<TDeploymentEvidence["status"], string> = {
  IN_PROGRESS: "is in progress",
  SUCCEEDED: "succeeded",
  FAILED: "failed",
  ROLLED_BACK: "succeeded (later rolled back)",
};

function deploymentEntry(
  d: TDeploymentEvidence,
  { service, execution, window, suspectId }: { service: TServiceRef | undefined; execution: TExecutionEvidence | undefined; window: TEvidenceWindow; suspectId: number | null },
): TDraftEntry | null {
  const isSuspect = d.id === suspectId;
  const finished = d.finishedAt && (isSuspect || isInWindow(d.finishedAt, window)) ? d.finishedAt : null;
  if (!finished && !isInWindow(d.startedAt, window) && !isSuspect) return null;
  const name = service?.name ?? `service #${d.serviceId}`;
  const what = `Deployment of ${name} ${d.version ?? "(no version)"} to ${d.environment}`;
  const text = finished
    ? `${what} ${DEPLOYMENT_OUTCOME[d.status]} after ${formatDuration(finished.getTime() - d.startedAt.getTime())} (${d.source})`
    : `${what} started (${d.source})`;
  return {
    originKey: `deployment:${d.id}`,
    at: finished ?? d.startedAt,
    source: "deployment",
    kind: finished ? `deployment.${lower(d.status)}` : "deployment.started",
    serviceId: d.serviceId,
    text: clip(text),
    portalUrl: service ? `/services/${service.slug}` : null,
    consoleUrl: execution ? consoleUrls(execution.region, execution.pipelineName).execution(execution.executionId) : null,
    isSuspect,
  };
}

const TERMINAL_STAGE = new Set(["Succeeded", "Failed", "Cancelled", "Stopped"]);
const APPROVAL_OUTCOME: Record<string, { kind: string; words: string }> = {
  Succeeded: { kind: "approval.approved", words: "approved" },
  Failed: { kind: "approval.rejected", words: "rejected" },
  Abandoned: { kind: "approval.abandoned", words: "abandoned" },
};

function executionEntries(x: TExecutionEvidence): TDraftEntry[] {
  const serviceId = x.serviceId ?? x.deploymentServiceId;
  const links = { portalUrl: `/pipelines/${x.pipelineId}`, consoleUrl: consoleUrls(x.region, x.pipelineName).execution(x.executionId) };
  const base = { serviceId, isSuspect: false, ...links };
  const isRollback = x.executionType === "ROLLBACK";
  const noun = isRollback ? "rollback" : "pipeline";
  const out: TDraftEntry[] = [];
  out.push({
    ...base,
    originKey: `pipeline:${x.id}:started`,
    at: x.startedAt,
    source: "pipeline",
    kind: `${noun}.started`,
    text: clip(
      isRollback
        ? `Pipeline ${x.pipelineName} started a rollback${x.rollbackOf ? ` to execution ${shortId(x.rollbackOf)}` : ""} (execution ${shortId(x.executionId)})`
        : `Pipeline ${x.pipelineName} started execution ${shortId(x.executionId)}${x.triggerType ? ` (${x.triggerType})` : ""}`,
    ),
  });
  if (x.status !== "IN_PROGRESS" && x.status !== "STOPPING") {
    const took = `after ${formatDuration(x.lastUpdatedAt.getTime() - x.startedAt.getTime())}`;
    const failure = x.status === "FAILED" ? `${x.failedAction ? ` at ${x.failedAction}` : ""}${x.failureReason ? `: ${x.failureReason}` : ""}` : "";
    out.push({
      ...base,
      originKey: `pipeline:${x.id}:finished`,
      at: x.lastUpdatedAt,
      source: "pipeline",
      kind: `${noun}.${lower(x.status)}`,
      text: clip(`${isRollback ? "Rollback" : "Execution"} ${shortId(x.executionId)} of ${x.pipelineName} ${lower(x.status)} ${took}${failure}`),
    });
  }
  const approvals = new Set(x.structure.flatMap((s) => s.actions.filter((a) => a.category === "Approval").map((a) => `${s.name}/${a.name}`)));
  for (const stage of x.stages) {
    const where = `of ${x.pipelineName} (execution ${shortId(x.executionId)})`;
    // Stage transitions for executions that made a deployment; any execution's manual approvals.
    if (x.deploymentId !== null && stage.status !== "Skipped") {
      if (stage.startedAt) {
        out.push({ ...base, originKey: `stage:${x.id}:${stage.name}:started`, at: new Date(stage.startedAt), source: "stage", kind: "stage.started", text: clip(`Stage ${stage.name} ${where} started`) });
      }
      if (stage.lastUpdatedAt && TERMINAL_STAGE.has(stage.status)) {
        const error = stage.actions.find((a) => a.errorMessage)?.errorMessage;
        out.push({
          ...base,
          originKey: `stage:${x.id}:${stage.name}:finished`,
          at: new Date(stage.lastUpdatedAt),
          source: "stage",
          kind: `stage.${lower(stage.status)}`,
          text: clip(`Stage ${stage.name} ${where} ${lower(stage.status)}${stage.status === "Failed" && error ? `: ${error}` : ""}`),
        });
      }
    }
    for (const action of stage.actions) {
      if (!approvals.has(`${stage.name}/${action.name}`)) continue;
      const outcome = APPROVAL_OUTCOME[action.status];
      const at = outcome ? action.lastUpdatedAt : action.startedAt;
      if (!at) continue;
      const words = outcome ? outcome.words : "waiting for an answer";
      out.push({
        ...base,
        originKey: `approval:${x.id}:${stage.name}:${action.name}`,
        at: new Date(at),
        source: "approval",
        kind: outcome ? outcome.kind : "approval.waiting",
        text: clip(`Manual approval ${action.name} in stage ${stage.name} ${where}: ${words}${outcome && action.summary ? ` (“${action.summary}”)` : ""}`),
      });
    }
  }
  return out;
}

const ALARM_WORDS: Record<TAlarmTransitionEvidence["toState"], string> = { ALARM: "in ALARM", OK: "back to OK", INSUFFICIENT_DATA: "in INSUFFICIENT_DATA" };

export function alarmText(name: string, toState: TAlarmTransitionEvidence["toState"], reason: string | null): string {
  return clip(`Alarm ${name} ${ALARM_WORDS[toState]}${reason ? `: ${reason}` : ""}`);
}

/** The alarm's name in a text alarmText wrote (null for any other text). */
export function alarmNameFromText(text: string): string | null {
  const match = /^Alarm (.+?) (?:in ALARM|back to OK|in INSUFFICIENT_DATA)(?::|$)/.exec(text);
  return match?.[1] ?? null;
}

function transitionEntry(t: TAlarmTransitionEvidence): TDraftEntry {
  return {
    originKey: `alarm-transition:${t.id}`,
    at: t.at,
    source: "alarm",
    kind: `alarm.${t.toState}`,
    serviceId: t.serviceId,
    text: alarmText(t.alarmName, t.toState, t.reason),
    portalUrl: `/alarms/${t.alarmId}`,
    consoleUrl: alarmConsoleUrl(t.region, t.alarmName),
    isSuspect: false,
  };
}

function healthEntry(c: THealthCrossing, service: TServiceRef | undefined, rule: THealthRule): TDraftEntry {
  const { bucket } = c;
  const failed = bucket.errors + bucket.faults;
  const span = bucket.bucketSeconds >= HOUR_SECONDS ? "the hour" : `the ${bucket.bucketSeconds / 60} min`;
  const name = service?.name ?? `service #${c.serviceId}`;
  const figures = `${percent(c.rate)} (${failed} of ${bucket.requests} requests) in ${span} from ${bucket.bucketStart.toISOString().slice(11, 16)} UTC`;
  const text =
    c.kind === "health.degraded"
      ? `Service map: ${name} error rate ${figures}, at or above ${formatThreshold(rule.threshold)}`
      : `Service map: ${name} error rate back to ${figures}, below ${formatThreshold(rule.threshold)}`;
  const around = (ms: number) => new Date(ms).toISOString();
  const from = bucket.bucketStart.getTime() - 30 * MINUTE;
  const to = bucket.bucketStart.getTime() + bucket.bucketSeconds * 1000 + 30 * MINUTE;
  return {
    originKey: `health:${c.serviceId}:${bucket.bucketStart.toISOString()}:${c.kind === "health.degraded" ? "degraded" : "recovered"}`,
    at: c.at,
    source: "servicemap",
    kind: c.kind,
    serviceId: c.serviceId,
    text: clip(text),
    portalUrl: service ? `/service-map?${mapQueryString({ window: "custom", from: around(from), to: around(to), group: "Default", service: service.slug })}` : null,
    consoleUrl: null,
    isSuspect: false,
  };
}

function incidentEntry(e: TIncidentEventEvidence, service: TServiceRef | undefined): TDraftEntry {
  const subject = e.isOwn ? `Incident #${e.incidentId}` : `Related incident #${e.incidentId} on ${service?.name ?? `service #${e.serviceId}`}`;
  return {
    originKey: e.id === null ? `incident:${e.incidentId}:${e.kind}` : `incident-event:${e.id}`,
    at: e.at,
    source: "incident",
    kind: `${e.isOwn ? "incident" : "related-incident"}.${e.kind}`,
    serviceId: e.serviceId,
    text: clip(`${subject}: ${e.message}${e.actor ? ` (by ${e.actor})` : ""}`),
    portalUrl: `/incidents/${e.incidentId}`,
    consoleUrl: null,
    isSuspect: false,
  };
}

const asRecord = (value: unknown): Record<string, unknown> => (value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const show = (value: unknown) => {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
};

/** "severity: SEV2 → SEV1, title: …": what an audit row changed, from its before and after (at most 6 fields). */
export function auditChanges(before: unknown, after: unknown): string {
  const b = asRecord(before);
  const a = asRecord(after);
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => k !== "via");
  const parts = keys
    .filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
    .map((k) => (k in b && k in a ? `${k}: ${show(b[k])} → ${show(a[k])}` : k in a ? `${k}: ${show(a[k])}` : `${k} removed`));
  return parts.length > 6 ? `${parts.slice(0, 6).join(", ")}, …` : parts.join(", ");
}

function auditEntry(e: TAuditEvidence): TDraftEntry {
  const changes = auditChanges(e.before, e.after);
  return {
    originKey: `audit:${e.id}`,
    at: e.at,
    source: "audit",
    kind: `audit.${e.action}`,
    serviceId: e.serviceId,
    text: clip(`Audit: ${e.action} on ${e.entityType} ${e.entityId} by ${e.actor}${changes ? ` (${changes})` : ""}`),
    portalUrl: `/settings/audit?${new URLSearchParams({ entityType: e.entityType, entityId: e.entityId }).toString()}`,
    consoleUrl: null,
    isSuspect: false,
  };
}

/**
 * Every machine entry the evidence makes, in timeline order. Only entries inside the window are kept, except the
 * incident's attributed deployment: it is the first suspect, so it is drafted even when it finished before the margin.
 */
export function draftEntries(evidence: TEvidence, rule: THealthRule = HEALTH_RULE): TDraftEntry[] {
  const services = new Map(evidence.services.map((s) => [s.id, s]));
  const executionOf = new Map(evidence.executions.flatMap((x) => (x.deploymentId === null ? [] : [[x.deploymentId, x] as const])));
  const entries: TDraftEntry[] = [];
  for (const d of evidence.deployments) {
    const entry = deploymentEntry(d, { service: services.get(d.serviceId), execution: executionOf.get(d.id), window: evidence.window, suspectId: evidence.suspectDeploymentId });
    if (entry) entries.push(entry);
  }
  for (const x of evidence.executions) entries.push(...executionEntries(x));
  entries.push(...evidence.transitions.map(transitionEntry));
  entries.push(...healthCrossings(finestBuckets(evidence.buckets), rule).map((c) => healthEntry(c, services.get(c.serviceId), rule)));
  entries.push(...evidence.incidentEvents.map((e) => incidentEntry(e, services.get(e.serviceId))));
  entries.push(...evidence.audit.map(auditEntry));
  const unique = new Map<string, TDraftEntry>();
  for (const entry of entries) {
    if (entry.isSuspect || isInWindow(entry.at, evidence.window)) unique.set(entry.originKey, entry);
  }
  return [...unique.values()].sort(compareEntries);
}
