import "server-only";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { mergeReportedTimes, statusOf, type TIncidentState } from "@/lib/incidents/incident-state";
import type { TIncidentInput } from "@/lib/incidents/schemas";
import {
  assertMayLink,
  deploymentProblemsError,
  lockIncident,
  resolveDeploymentRefs,
  toState,
  writeIncidentChange,
  type TIncidentWriter,
} from "@/lib/incidents/server/incident-store";
import { attributeStoredIncident } from "@/lib/incidents/server/rule-deployment";

export type TRecordResult = "created" | "updated" | "unchanged";

export interface TRecordOutcome {
  created: number;
  updated: number;
  unchanged: number;
  incidents: {
    index: number;
    id: number;
    source: string;
    externalId: string;
    result: TRecordResult;
    status: "open" | "acknowledged" | "resolved";
    deploymentId: number | null;
    attribution: "explicit" | "rule" | null;
  }[];
}

export interface TRecordIncidentsOptions {
  incidents: readonly TIncidentInput[];
  /** Paths in problems name the item (incidents.3.service) in a batch. */
  isBatch: boolean;
  /** Throws 403 unless the caller may record incidents for this team's services. */
  requireTeam: (teamId: number) => void;
  /** Whether the caller may link an incident to a deployment of this team, when it is another team than the incident's (mayLinkDeploymentsOf). */
  mayLinkTeam: (teamId: number) => boolean;
  writer: TIncidentWriter;
}

/**
 * Records incidents as an incident tool reports them, idempotent by
 * source + externalId: a new one is created with its timeline and
 * attribution; a known one takes the report under the merge rule of
 * lib/incidents/incident-state.ts (so a repeat changes nothing and a late,
 * older report never reopens it). All or nothing: one unknown service or
 * deployment, one service of a team the caller may not act for, or one
 * deployment of another team the caller may not link to, and nothing is
 * stored.
 */
export async function recordIncidents({ incidents, isBatch, requireTeam, mayLinkTeam, writer }: TRecordIncidentsOptions): Promise<TRecordOutcome> {
  const at = (index: number, field: string) => (isBatch ? `incidents.${index}.${field}` : field);

  const slugs = [...new Set(incidents.map((i) => i.service))];
  const services = new Map(
    (await db.service.findMany({ where: { slug: { in: slugs } }, select: { id: true, slug: true, teamId: true } })).map((s) => [s.slug, s]),
  );
  // Who may act comes before what is missing: a caller without the permission learns nothing more.
  for (const service of services.values()) requireTeam(service.teamId);
  const unknownServices = incidents.flatMap((i, index) => (services.has(i.service) ? [] : [{ index, service: i.service }]));

  const refs = incidents.flatMap((i, index) => (i.deployment ? [{ path: at(index, "deployment"), ref: i.deployment }] : []));
  const { ids: deploymentIds, deployments, problems } = await resolveDeploymentRefs(db, refs);
  // Another team's deployment as the cause: only for someone who may manage that team's incidents too.
  assertMayLink(
    incidents.flatMap((i, index) => {
      const deployment = deployments.get(at(index, "deployment"));
      const service = services.get(i.service);
      return deployment && service ? [{ path: at(index, "deployment"), deployment, teamId: service.teamId }] : [];
    }),
    mayLinkTeam,
  );
  if (problems.length) throw deploymentProblemsError(problems, unknownServices.length ? { unknownServices } : {});
  if (unknownServices.length) {
    throw new AppError("UNPROCESSABLE", `Unknown service(s): ${[...new Set(unknownServices.map((u) => u.service))].join(", ")}. Nothing was stored.`, {
      details: { unknownServices },
    });
  }

  // The same order in every request, so that two batches never wait on each other's locks.
  const order = incidents.map((_, index) => index).sort((a, b) => {
    const x = incidents[a]!;
    const y = incidents[b]!;
    return x.source === y.source ? (x.externalId < y.externalId ? -1 : x.externalId > y.externalId ? 1 : 0) : x.source < y.source ? -1 : 1;
  });

  const rows = await db.$transaction(
    async (tx) => {
      const results: TRecordOutcome["incidents"] = [];
      for (const index of order) {
        const input = incidents[index]!;
        const serviceId = services.get(input.service)!.id;
        const explicit =
          input.deployment === undefined ? undefined : { deploymentId: input.deployment === null ? null : deploymentIds.get(at(index, "deployment"))! };
        const reported = {
          openedAt: new Date(input.openedAt),
          acknowledgedAt: input.acknowledgedAt ? new Date(input.acknowledgedAt) : null,
          resolvedAt: input.resolvedAt ? new Date(input.resolvedAt) : null,
        };
        const key = { source: input.source, externalId: input.externalId };

        let id: number | null = null;
        let before: TIncidentState | null = null;
        let locked = await lockIncident(tx, key);
        if (!locked) {
          const attribution = await attributeStoredIncident(tx, { serviceId, openedAt: reported.openedAt, windowHours: writer.windowHours, explicit });
          const state: TIncidentState = {
            serviceId,
            title: input.title,
            severity: input.severity,
            description: input.description ?? null,
            ...reported,
            causedByChange: input.causedByChange ?? null,
            deploymentId: attribution.deploymentId,
            attributionSource: attribution.source,
          };
          // ON CONFLICT DO NOTHING: when a concurrent request inserted it first, this one updates it below.
          const inserted = await tx.incident.createMany({ data: [{ ...key, ...state, status: statusOf(state) }], skipDuplicates: true });
          locked = await lockIncident(tx, key);
          if (inserted.count === 1) {
            id = locked!.id;
            await writeIncidentChange(tx, { id, before: null, after: state, writer });
            results.push(outcomeRow(index, id, key, "created", state));
            continue;
          }
        }
        id = locked!.id;
        // The report names the incident by its key: only someone who may act for the team that has it now may change it (or move it to another service).
        requireTeam(locked!.service.teamId);
        before = toState(locked!);
        const times = mergeReportedTimes(before, reported);
        const stillExplicit = before.attributionSource === "EXPLICIT" ? { deploymentId: before.deploymentId } : undefined;
        const attribution = await attributeStoredIncident(tx, { serviceId, openedAt: times.openedAt, windowHours: writer.windowHours, explicit: explicit ?? stillExplicit });
        const after: TIncidentState = {
          ...before,
          ...times,
          serviceId,
          title: input.title,
          severity: input.severity,
          description: input.description ?? before.description,
          causedByChange: input.causedByChange ?? before.causedByChange,
          deploymentId: attribution.deploymentId,
          attributionSource: attribution.source,
        };
        const changed = await writeIncidentChange(tx, { id, before, after, writer });
        results.push(outcomeRow(index, id, key, changed ? "updated" : "unchanged", after));
      }
      return results;
    },
    { timeout: 30_000, maxWait: 10_000 },
  );

  rows.sort((a, b) => a.index - b.index);
  const outcome: TRecordOutcome = { created: 0, updated: 0, unchanged: 0, incidents: rows };
  for (const row of rows) outcome[row.result] += 1;
  return outcome;
}

function outcomeRow(index: number, id: number, key: { source: string; externalId: string }, result: TRecordResult, state: TIncidentState) {
  return {
    index,
    id,
    ...key,
    result,
    status: statusOf(state).toLowerCase() as "open" | "acknowledged" | "resolved",
    deploymentId: state.deploymentId,
    attribution: state.attributionSource === null ? null : (state.attributionSource.toLowerCase() as "explicit" | "rule"),
  };
}
