import "server-only";
import type { Prisma } from "@/lib/db";
import type { TIncidentStatus, TSeverity } from "@/lib/incidents/schemas";

/** One incident as the API and the pages show it. */
export interface TIncidentSummary {
  id: number;
  title: string;
  severity: TSeverity;
  status: TIncidentStatus;
  openedAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  /** From opened to resolved; null while unresolved. */
  durationSeconds: number | null;
  service: { slug: string; name: string };
  team: { slug: string; name: string };
  source: string;
  externalId: string;
  /** null: not known; false: not caused by a change (left out of recovery time). */
  causedByChange: boolean | null;
  attribution: {
    /** explicit: linked by a person or the reporting tool; rule: the window rule; null: none. */
    source: "explicit" | "rule" | null;
    deployment: {
      id: number;
      version: string | null;
      status: string;
      finishedAt: string | null;
      source: string;
      externalId: string;
      url: string | null;
    } | null;
  };
}

export const SUMMARY_SELECT = {
  id: true,
  title: true,
  severity: true,
  status: true,
  openedAt: true,
  acknowledgedAt: true,
  resolvedAt: true,
  source: true,
  externalId: true,
  causedByChange: true,
  attributionSource: true,
  service: { select: { slug: true, name: true, team: { select: { slug: true, name: true } } } },
  deployment: { select: { id: true, version: true, status: true, finishedAt: true, source: true, externalId: true, url: true } },
} as const satisfies Prisma.IncidentSelect;

export function toSummary(row: Prisma.IncidentGetPayload<{ select: typeof SUMMARY_SELECT }>): TIncidentSummary {
  const d = row.deployment;
  return {
    id: row.id,
    title: row.title,
    severity: row.severity,
    status: row.status.toLowerCase() as TIncidentStatus,
    openedAt: row.openedAt.toISOString(),
    acknowledgedAt: row.acknowledgedAt?.toISOString() ?? null,
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    durationSeconds: row.resolvedAt ? (row.resolvedAt.getTime() - row.openedAt.getTime()) / 1000 : null,
    service: { slug: row.service.slug, name: row.service.name },
    team: { slug: row.service.team.slug, name: row.service.team.name },
    source: row.source,
    externalId: row.externalId,
    causedByChange: row.causedByChange,
    attribution: {
      source: row.attributionSource === null ? null : (row.attributionSource.toLowerCase() as "explicit" | "rule"),
      deployment: d
        ? { id: d.id, version: d.version, status: d.status.toLowerCase(), finishedAt: d.finishedAt?.toISOString() ?? null, source: d.source, externalId: d.externalId, url: d.url }
        : null,
    },
  };
}
