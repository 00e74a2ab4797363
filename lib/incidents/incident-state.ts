/**
 * How an incident's state moves, as pure functions: merging what incident
 * tools report (at least once, in any order), its status, and the timeline
 * entries a change makes.
 */
import type { TAttributionSource } from "@/lib/incidents/attribution";
import type { TSeverity } from "@/lib/incidents/schemas";

export type TStoredStatus = "OPEN" | "ACKNOWLEDGED" | "RESOLVED";

export interface TIncidentTimes {
  openedAt: Date;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
}

export interface TIncidentState extends TIncidentTimes {
  serviceId: number;
  title: string;
  severity: TSeverity;
  description: string | null;
  causedByChange: boolean | null;
  deploymentId: number | null;
  attributionSource: TAttributionSource | null;
}

export const INCIDENT_FIELDS = [
  "serviceId",
  "title",
  "severity",
  "description",
  "openedAt",
  "acknowledgedAt",
  "resolvedAt",
  "causedByChange",
  "deploymentId",
  "attributionSource",
] as const satisfies readonly (keyof TIncidentState)[];

/** The status follows from the times: resolved once resolved, acknowledged once acknowledged. */
export function statusOf(times: TIncidentTimes): TStoredStatus {
  if (times.resolvedAt) return "RESOLVED";
  return times.acknowledgedAt ? "ACKNOWLEDGED" : "OPEN";
}

const earliest = (a: Date | null, b: Date | null) => (a && b ? (a.getTime() <= b.getTime() ? a : b) : (a ?? b));
const latest = (a: Date | null, b: Date | null) => (a && b ? (a.getTime() >= b.getTime() ? a : b) : (a ?? b));

/**
 * The out-of-order rule for reports (POST /api/incidents): the stored times
 * are the union of every report, so the result does not depend on the order
 * reports arrive in, and a report never takes back what another one said.
 *
 * - openedAt: the earliest reported; acknowledgedAt: the earliest reported
 *   (the first acknowledgement is the one that counts).
 * - resolvedAt: the latest reported (resolved again after flapping: the
 *   last resolution ends it).
 * - A report without acknowledgedAt or resolvedAt says nothing about them:
 *   a late "triggered" or "acknowledged" delivery never reopens a resolved
 *   incident. Reopening is a person's act (PATCH with resolvedAt: null).
 */
export function mergeReportedTimes(stored: TIncidentTimes, reported: TIncidentTimes): TIncidentTimes {
  return {
    openedAt: earliest(stored.openedAt, reported.openedAt)!,
    acknowledgedAt: earliest(stored.acknowledgedAt, reported.acknowledgedAt),
    resolvedAt: latest(stored.resolvedAt, reported.resolvedAt),
  };
}

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

/** The fields that differ between two states. */
export function changedFields(before: TIncidentState, after: TIncidentState): (keyof TIncidentState)[] {
  return INCIDENT_FIELDS.filter((field) => !same(before[field], after[field]));
}

/** An incident's fields as the audit log and timeline keep them (ISO times). */
export function snapshot(state: TIncidentState, fields: readonly (keyof TIncidentState)[] = INCIDENT_FIELDS): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, state[f] instanceof Date ? state[f].toISOString() : state[f]]));
}

export interface TTimelineEntry {
  kind: "opened" | "acknowledged" | "resolved" | "reopened" | "attributed" | "severity" | "cause";
  at: Date;
  message: string;
  data?: Record<string, unknown>;
}

function attributionMessage(after: TIncidentState, windowHours: number): string {
  if (after.attributionSource === "RULE") {
    return `Attributed to deployment #${after.deploymentId} by the rule: the latest production deployment of the service that finished within ${windowHours} h before the incident began`;
  }
  if (after.attributionSource === "EXPLICIT") {
    return after.deploymentId === null ? "Explicitly attributed to no deployment" : `Explicitly attributed to deployment #${after.deploymentId}`;
  }
  return "No longer attributed to a deployment: none finished within the window before the incident began";
}

const CAUSE_MESSAGES = new Map<boolean | null, string>([
  [true, "Marked as caused by a change"],
  [false, "Marked as not caused by a change"],
  [null, "Cause marked as unknown"],
]);

/**
 * What a change adds to the incident's timeline (before: null for a new
 * incident). Times the incident carries are used for their own entries; the
 * others happen `now`. Nothing changed: nothing added, so a repeated report
 * leaves the timeline as it was.
 */
export function timelineEntries(before: TIncidentState | null, after: TIncidentState, { now, windowHours }: { now: Date; windowHours: number }): TTimelineEntry[] {
  const entries: TTimelineEntry[] = [];
  if (!before) entries.push({ kind: "opened", at: after.openedAt, message: `Opened as ${after.severity}: ${after.title}` });
  if (after.acknowledgedAt && !same(before?.acknowledgedAt ?? null, after.acknowledgedAt)) {
    entries.push({
      kind: "acknowledged",
      at: after.acknowledgedAt,
      message: "Acknowledged",
      ...(before?.acknowledgedAt ? { data: { previous: before.acknowledgedAt.toISOString() } } : {}),
    });
  }
  if (after.resolvedAt && !same(before?.resolvedAt ?? null, after.resolvedAt)) {
    const minutes = Math.round((after.resolvedAt.getTime() - after.openedAt.getTime()) / 60_000);
    entries.push({
      kind: "resolved",
      at: after.resolvedAt,
      message: `Resolved after ${minutes} min`,
      data: { durationSeconds: (after.resolvedAt.getTime() - after.openedAt.getTime()) / 1000, ...(before?.resolvedAt ? { previous: before.resolvedAt.toISOString() } : {}) },
    });
  }
  if (before?.resolvedAt && !after.resolvedAt) entries.push({ kind: "reopened", at: now, message: "Reopened" });
  if (before && before.severity !== after.severity) {
    entries.push({ kind: "severity", at: now, message: `Severity changed from ${before.severity} to ${after.severity}`, data: { previous: before.severity } });
  }
  const attributionChanged = before
    ? before.deploymentId !== after.deploymentId || before.attributionSource !== after.attributionSource
    : after.attributionSource !== null;
  if (attributionChanged) {
    entries.push({
      kind: "attributed",
      at: now,
      message: attributionMessage(after, windowHours),
      data: { deploymentId: after.deploymentId, source: after.attributionSource, previousDeploymentId: before?.deploymentId ?? null, previousSource: before?.attributionSource ?? null },
    });
  }
  if (before ? before.causedByChange !== after.causedByChange : after.causedByChange !== null) {
    entries.push({ kind: "cause", at: now, message: CAUSE_MESSAGES.get(after.causedByChange)!, data: { causedByChange: after.causedByChange } });
  }
  return entries;
}
