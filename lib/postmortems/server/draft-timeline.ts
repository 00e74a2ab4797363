import "server-only";
import { AppError } from "@/lib/errors";
import type { TExecutionStage, TStageDeclaration } from "@/lib/pipelines/collect/types";
import type { TSql } from "@/lib/db/transaction";
import {
  draftEntries,
  evidenceWindow,
  type TAlarmTransitionEvidence,
  type TAuditEvidence,
  type TDeploymentEvidence,
  type TDraftEntry,
  type TExecutionEvidence,
  type THealthBucket,
  type TIncidentEventEvidence,
  type TServiceRef,
} from "@/lib/postmortems/evidence";

/**
 * Drafts a postmortem's evidence timeline (lib/postmortems/evidence.ts has the
 * rules): reads each source for the window and the services in one bounded
 * statement, then stores every machine entry in one upsert. Runs on the
 * caller's connection, inside the caller's transaction when it has one.
 *
 * Redrafting keeps what people did: entries are keyed by originKey, so one
 * drafted again is updated in place, keeping its star, its hiding, and its
 * text and time when a person edited it (editedById set; originalText always
 * follows the evidence). Machine entries no longer in the evidence go, unless
 * starred or edited. Entries added by hand (no originKey) are never touched.
 *
 * Stored times are UTC wall-clock `timestamp(3)` (lib/db/transaction.ts):
 * read as `col AT TIME ZONE 'UTC'`, written as `$n::timestamptz AT TIME ZONE 'UTC'`.
 */

/**
 * Bounds that keep every read an index range scan: a deployment is looked for up to a day after the window when
 * only its start is in it, a pipeline execution up to a day before it when only its end is.
 */
const LONGEST_DEPLOYMENT = "1 day";
const LONGEST_EXECUTION = "1 day";

export interface TDraftTimelineOptions {
  postmortemId: number;
  now: Date;
}

export interface TDraftTimelineResult {
  /** Machine entries the evidence gave (stored or updated). */
  entries: number;
  /** The window read; null when there is none yet (a stand-alone postmortem with no impact start), and nothing was drafted. */
  windowStart: Date | null;
  windowEnd: Date | null;
}

interface TContextRow {
  incidentId: number | null;
  serviceId: number | null;
  marginBeforeMinutes: number;
  marginAfterMinutes: number;
  impactStartedAt: Date | null;
  mitigatedAt: Date | null;
  openedAt: Date | null;
  resolvedAt: Date | null;
  deploymentId: number | null;
}

export async function draftTimeline(sql: TSql, { postmortemId, now }: TDraftTimelineOptions): Promise<TDraftTimelineResult> {
  // Locked for the draft, so that two redrafts of one postmortem take turns rather than interleave their upserts and deletes.
  const { rows: contexts } = await sql.query<TContextRow>(
    `SELECT p."incidentId", coalesce(p."serviceId", i."serviceId") AS "serviceId", p."marginBeforeMinutes", p."marginAfterMinutes",
            p."impactStartedAt" AT TIME ZONE 'UTC' AS "impactStartedAt", p."mitigatedAt" AT TIME ZONE 'UTC' AS "mitigatedAt",
            i."openedAt" AT TIME ZONE 'UTC' AS "openedAt", i."resolvedAt" AT TIME ZONE 'UTC' AS "resolvedAt", i."deploymentId"
     FROM "Postmortem" p LEFT JOIN "Incident" i ON i.id = p."incidentId"
     WHERE p.id = $1
     FOR NO KEY UPDATE OF p`,
    [postmortemId],
  );
  const context = contexts[0];
  if (!context) throw new AppError("NOT_FOUND", `Postmortem ${postmortemId} does not exist.`);
  const window = evidenceWindow({
    incident: context.openedAt ? { openedAt: context.openedAt, resolvedAt: context.resolvedAt } : null,
    impactStartedAt: context.impactStartedAt,
    mitigatedAt: context.mitigatedAt,
    marginBeforeMinutes: context.marginBeforeMinutes,
    marginAfterMinutes: context.marginAfterMinutes,
    now,
  });
  if (!window) return { entries: 0, windowStart: null, windowEnd: null };

  const services = context.serviceId === null ? [] : await serviceAndNeighbours(sql, context.serviceId);
  const serviceIds = services.map((s) => s.id);
  const range = [window.start.toISOString(), window.end.toISOString()];
  const deployments = await readDeployments(sql, serviceIds, range, context.deploymentId);
  const executions = await readExecutions(sql, serviceIds, range, deployments);
  const transitions = await readTransitions(sql, serviceIds, range);
  const buckets = await readBuckets(sql, serviceIds, range);
  const incidentEvents = await readIncidentEvents(sql, serviceIds, range, context.incidentId);
  const audit = await readAudit(sql, range, {
    incidentId: context.incidentId,
    pipelines: uniqueBy(executions.map((x) => ({ id: x.pipelineId, serviceId: x.serviceId })), (p) => p.id),
    deployments: deployments.map((d) => ({ id: d.id, serviceId: d.serviceId })),
    incidentServiceId: context.serviceId,
  });

  const entries = draftEntries({ window, services, suspectDeploymentId: context.deploymentId, deployments, executions, transitions, buckets, incidentEvents, audit });
  await storeEntries(sql, postmortemId, entries, now);
  return { entries: entries.length, windowStart: window.start, windowEnd: window.end };
}

function uniqueBy<T>(rows: readonly T[], key: (row: T) => number): T[] {
  return [...new Map(rows.map((r) => [key(r), r])).values()];
}

/** The service and the services of the nodes one map edge away from its own nodes, either direction; the service first. */
async function serviceAndNeighbours(sql: TSql, serviceId: number): Promise<TServiceRef[]> {
  const { rows } = await sql.query<TServiceRef>(
    `WITH own AS (SELECT id FROM "ServiceGraphNode" WHERE "serviceId" = $1),
     neighbours AS (
       SELECT n."serviceId" FROM own JOIN "ServiceGraphEdge" e ON e."sourceId" = own.id JOIN "ServiceGraphNode" n ON n.id = e."targetId"
       UNION
       SELECT n."serviceId" FROM own JOIN "ServiceGraphEdge" e ON e."targetId" = own.id JOIN "ServiceGraphNode" n ON n.id = e."sourceId"
     )
     SELECT s.id, s.slug, s.name FROM "Service" s
     WHERE s.id = $1 OR s.id IN (SELECT "serviceId" FROM neighbours WHERE "serviceId" IS NOT NULL)
     ORDER BY s.id <> $1, s.id`,
    [serviceId],
  );
  return rows;
}

/**
 * Deployments of the services that started or finished in the window, and the suspect wherever it is. The
 * finishedAt bound (at most LONGEST_DEPLOYMENT after the window) keeps the read on [serviceId, environment, finishedAt].
 */
async function readDeployments(sql: TSql, serviceIds: number[], [start, end]: string[], suspectId: number | null): Promise<TDeploymentEvidence[]> {
  const { rows } = await sql.query<TDeploymentEvidence>(
    `SELECT d.id, d."serviceId", d.environment, d.status::text AS status, d.version, d.source,
            d."startedAt" AT TIME ZONE 'UTC' AS "startedAt", d."finishedAt" AT TIME ZONE 'UTC' AS "finishedAt"
     FROM "Deployment" d
     WHERE d."serviceId" = ANY($1::int[]) AND (
             (d."finishedAt" BETWEEN ($2::timestamptz AT TIME ZONE 'UTC') AND ($3::timestamptz AT TIME ZONE 'UTC') + interval '${LONGEST_DEPLOYMENT}'
              AND (d."finishedAt" <= ($3::timestamptz AT TIME ZONE 'UTC') OR d."startedAt" >= ($2::timestamptz AT TIME ZONE 'UTC')))
          OR (d."finishedAt" IS NULL AND d."startedAt" BETWEEN ($2::timestamptz AT TIME ZONE 'UTC') AND ($3::timestamptz AT TIME ZONE 'UTC')))
     UNION
     SELECT d.id, d."serviceId", d.environment, d.status::text, d.version, d.source,
            d."startedAt" AT TIME ZONE 'UTC', d."finishedAt" AT TIME ZONE 'UTC'
     FROM "Deployment" d WHERE d.id = $4`,
    [serviceIds, start, end, suspectId],
  );
  return rows;
}

interface TExecutionRow extends Omit<TExecutionEvidence, "structure" | "stages" | "triggerType"> {
  structure: unknown;
  stages: unknown;
  trigger: { triggerType?: string | null } | null;
}

/**
 * Executions of the services' pipelines that started in the window (or up to LONGEST_EXECUTION before it and
 * ended in it), and those of the deployments read: [pipelineId, startedAt] and Deployment's unique execution.
 */
async function readExecutions(sql: TSql, serviceIds: number[], [start, end]: string[], deployments: readonly TDeploymentEvidence[]): Promise<TExecutionEvidence[]> {
  const { rows } = await sql.query<TExecutionRow>(
    `WITH picked AS (
       SELECT x.id FROM "Pipeline" p
       JOIN "PipelineExecution" x ON x."pipelineId" = p.id
        AND x."startedAt" BETWEEN ($2::timestamptz AT TIME ZONE 'UTC') - interval '${LONGEST_EXECUTION}' AND ($3::timestamptz AT TIME ZONE 'UTC')
       WHERE p."serviceId" = ANY($1::int[])
         AND (x."startedAt" >= ($2::timestamptz AT TIME ZONE 'UTC') OR x."lastUpdatedAt" >= ($2::timestamptz AT TIME ZONE 'UTC'))
       UNION
       SELECT d."pipelineExecutionId" FROM "Deployment" d WHERE d.id = ANY($4::int[]) AND d."pipelineExecutionId" IS NOT NULL
     )
     SELECT x.id, x."pipelineId", p.name AS "pipelineName", p.region, p."serviceId", p.structure, x."executionId", x.status::text AS status,
            x."executionType", x."rollbackOf", x.trigger, x.stages, x."failureReason", x."failedAction",
            x."startedAt" AT TIME ZONE 'UTC' AS "startedAt", x."lastUpdatedAt" AT TIME ZONE 'UTC' AS "lastUpdatedAt",
            d.id AS "deploymentId", d."serviceId" AS "deploymentServiceId"
     FROM picked JOIN "PipelineExecution" x ON x.id = picked.id JOIN "Pipeline" p ON p.id = x."pipelineId"
     LEFT JOIN "Deployment" d ON d."pipelineExecutionId" = x.id`,
    [serviceIds, start, end, deployments.map((d) => d.id)],
  );
  return rows.map(({ structure, stages, trigger, ...row }) => ({
    ...row,
    structure: Array.isArray(structure) ? (structure as TStageDeclaration[]) : [],
    stages: Array.isArray(stages) ? (stages as TExecutionStage[]) : [],
    triggerType: trigger?.triggerType ?? null,
  }));
}

/** The services' alarms' transitions in the window: Alarm [serviceId], then AlarmTransition [alarmId, at, toState]. */
async function readTransitions(sql: TSql, serviceIds: number[], [start, end]: string[]): Promise<TAlarmTransitionEvidence[]> {
  const { rows } = await sql.query<TAlarmTransitionEvidence>(
    `SELECT t.id, t."alarmId", a.name AS "alarmName", a.region, a."serviceId", t."fromState"::text AS "fromState", t."toState"::text AS "toState",
            t.reason, t.at AT TIME ZONE 'UTC' AS at
     FROM "Alarm" a
     JOIN "AlarmTransition" t ON t."alarmId" = a.id AND t.at BETWEEN ($2::timestamptz AT TIME ZONE 'UTC') AND ($3::timestamptz AT TIME ZONE 'UTC')
     WHERE a."serviceId" = ANY($1::int[])`,
    [serviceIds, start, end],
  );
  return rows;
}

/** Both bucket sizes of the services' nodes starting in the window, summed per service: finestBuckets picks. */
async function readBuckets(sql: TSql, serviceIds: number[], [start, end]: string[]): Promise<THealthBucket[]> {
  const { rows } = await sql.query<THealthBucket>(
    `SELECT n."serviceId", b."bucketStart" AT TIME ZONE 'UTC' AS "bucketStart", b."bucketSeconds",
            sum(b.requests)::int AS requests, sum(b.errors)::int AS errors, sum(b.faults)::int AS faults
     FROM "ServiceGraphNode" n
     JOIN "ServiceGraphNodeBucket" b ON b."nodeId" = n.id
      AND b."bucketStart" >= ($2::timestamptz AT TIME ZONE 'UTC') AND b."bucketStart" < ($3::timestamptz AT TIME ZONE 'UTC')
     WHERE n."serviceId" = ANY($1::int[])
     GROUP BY n."serviceId", b."bucketStart", b."bucketSeconds"`,
    [serviceIds, start, end],
  );
  return rows;
}

/**
 * Everything that happened to the postmortem's incident in the window, and the openings and resolutions of the
 * services' other incidents (those open at some point of it).
 */
async function readIncidentEvents(sql: TSql, serviceIds: number[], [start, end]: string[], incidentId: number | null): Promise<TIncidentEventEvidence[]> {
  const { rows } = await sql.query<TIncidentEventEvidence>(
    `SELECT e.id, e."incidentId", i."serviceId", e.kind, e.message, e.actor, e.at AT TIME ZONE 'UTC' AS at, true AS "isOwn"
     FROM "IncidentEvent" e JOIN "Incident" i ON i.id = e."incidentId"
     WHERE e."incidentId" = $4 AND e.at BETWEEN ($2::timestamptz AT TIME ZONE 'UTC') AND ($3::timestamptz AT TIME ZONE 'UTC')
     UNION ALL
     -- Its opening, acknowledgement and resolution from the incident's own times when no event says so (incidents
     -- imported or recorded before timelines were kept), as the incident page does (lib/incidents/timeline.ts).
     SELECT NULL, i.id, i."serviceId", k.kind, k.message, NULL, k.at AT TIME ZONE 'UTC', true
     FROM "Incident" i
     CROSS JOIN LATERAL (VALUES ('opened', 'Opened', i."openedAt"), ('acknowledged', 'Acknowledged', i."acknowledgedAt"), ('resolved', 'Resolved', i."resolvedAt")) AS k(kind, message, at)
     WHERE i.id = $4 AND k.at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "IncidentEvent" e WHERE e."incidentId" = i.id AND e.kind = k.kind)
     UNION ALL
     SELECT e.id, e."incidentId", i."serviceId", e.kind, e.message, e.actor, e.at AT TIME ZONE 'UTC', false
     FROM "Incident" i
     JOIN "IncidentEvent" e ON e."incidentId" = i.id AND e.kind IN ('opened', 'resolved')
      AND e.at BETWEEN ($2::timestamptz AT TIME ZONE 'UTC') AND ($3::timestamptz AT TIME ZONE 'UTC')
     WHERE i."serviceId" = ANY($1::int[]) AND i.id IS DISTINCT FROM $4
       AND i."openedAt" <= ($3::timestamptz AT TIME ZONE 'UTC') AND (i."resolvedAt" IS NULL OR i."resolvedAt" >= ($2::timestamptz AT TIME ZONE 'UTC'))`,
    [serviceIds, start, end, incidentId],
  );
  return rows;
}

interface TAuditRow extends Omit<TAuditEvidence, "actor" | "serviceId"> {
  actorType: "USER" | "TOKEN" | "SYSTEM";
  userName: string | null;
  tokenName: string | null;
  /** The deployments a deployments.ingest row created or updated (its entityId is the request's id). */
  deploymentIds: number[] | null;
}

function actorOf(row: TAuditRow): string {
  if (row.actorType === "USER") return row.userName ?? "a deleted user";
  if (row.actorType === "TOKEN") return row.tokenName ? `token ${row.tokenName}` : "a deleted token";
  const via = row.after && typeof row.after === "object" && "via" in row.after ? (row.after as { via: unknown }).via : null;
  return typeof via === "string" ? `the system (${via})` : "the system";
}

/**
 * Audit rows in the window about the incident, the pipelines or the deployments read. The first two by
 * [entityType, entityId, at]; deployment ingests name the request, not the deployment, so they are read by [at]
 * and matched on the ids they list.
 */
async function readAudit(
  sql: TSql,
  [start, end]: string[],
  about: { incidentId: number | null; incidentServiceId: number | null; pipelines: { id: number; serviceId: number | null }[]; deployments: { id: number; serviceId: number }[] },
): Promise<TAuditEvidence[]> {
  const { rows } = await sql.query<TAuditRow>(
    `WITH hits AS (
       SELECT a.id, NULL::int[] AS "deploymentIds" FROM "AuditEvent" a
       WHERE a."entityType" = 'Incident' AND a."entityId" = $3::text
         AND a.at BETWEEN ($1::timestamptz AT TIME ZONE 'UTC') AND ($2::timestamptz AT TIME ZONE 'UTC')
       UNION ALL
       SELECT a.id, NULL FROM "AuditEvent" a
       WHERE a."entityType" = 'Pipeline' AND a."entityId" = ANY($4::text[])
         AND a.at BETWEEN ($1::timestamptz AT TIME ZONE 'UTC') AND ($2::timestamptz AT TIME ZONE 'UTC')
       UNION ALL
       SELECT a.id, ids.list FROM "AuditEvent" a
       CROSS JOIN LATERAL (
         SELECT array_agg(DISTINCT v::int) AS list
         FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(a.after -> 'created') = 'array' THEN a.after -> 'created' ELSE '[]' END
                                     || CASE WHEN jsonb_typeof(a.after -> 'updated') = 'array' THEN a.after -> 'updated' ELSE '[]' END) v
         WHERE v ~ '^[0-9]{1,9}$' AND v::int = ANY($5::int[])
       ) ids
       WHERE a.at BETWEEN ($1::timestamptz AT TIME ZONE 'UTC') AND ($2::timestamptz AT TIME ZONE 'UTC')
         AND a."entityType" = 'Deployment' AND cardinality($5::int[]) > 0
         AND (ids.list IS NOT NULL OR a."entityId" = ANY($6::text[]))
     )
     SELECT a.id, a.at AT TIME ZONE 'UTC' AS at, a.action, a."entityType", a."entityId", a.before, a.after, a."actorType"::text AS "actorType",
            u.name AS "userName", t.name AS "tokenName", hits."deploymentIds"
     FROM hits JOIN "AuditEvent" a ON a.id = hits.id
     LEFT JOIN "User" u ON u.id = a."actorUserId" LEFT JOIN "ApiToken" t ON t.id = a."actorTokenId"`,
    [start, end, about.incidentId === null ? null : String(about.incidentId), about.pipelines.map((p) => String(p.id)), about.deployments.map((d) => d.id), about.deployments.map((d) => String(d.id))],
  );
  const pipelineService = new Map(about.pipelines.map((p) => [String(p.id), p.serviceId]));
  const deploymentService = new Map(about.deployments.map((d) => [d.id, d.serviceId]));
  return rows.map(({ actorType, userName, tokenName, deploymentIds, ...row }) => {
    let serviceId: number | null = null;
    if (row.entityType === "Incident") serviceId = about.incidentServiceId;
    else if (row.entityType === "Pipeline") serviceId = pipelineService.get(row.entityId) ?? null;
    else serviceId = deploymentService.get(deploymentIds?.[0] ?? Number(row.entityId)) ?? null;
    return { ...row, serviceId, actor: actorOf({ actorType, userName, tokenName, deploymentIds, ...row }) };
  });
}

/**
 * One statement: upsert the drafted entries, delete the machine entries the evidence no longer gives (unless a
 * person starred or edited them), and mark the postmortem drafted. The delete sees the table as it was before the
 * upsert (one snapshot), and the two touch disjoint keys; PostgreSQL runs both whether or not the UPDATE reads them.
 */
async function storeEntries(sql: TSql, postmortemId: number, entries: readonly TDraftEntry[], now: Date): Promise<void> {
  await sql.query(
    `WITH drafted AS (
       SELECT * FROM jsonb_to_recordset($2::jsonb) AS x("originKey" text, at timestamptz, source text, kind text, "serviceId" int, text text,
                                                         "portalUrl" text, "consoleUrl" text, "isSuspect" boolean)
     ), upserted AS (
       INSERT INTO "PostmortemTimelineEntry" ("postmortemId", at, source, kind, "serviceId", text, "originalText", "originKey", "portalUrl", "consoleUrl", "isSuspect")
       SELECT $1, d.at AT TIME ZONE 'UTC', d.source, d.kind, d."serviceId", d.text, d.text, d."originKey", d."portalUrl", d."consoleUrl", d."isSuspect"
       FROM drafted d
       ON CONFLICT ("postmortemId", "originKey") DO UPDATE SET
         at = CASE WHEN "PostmortemTimelineEntry"."editedById" IS NULL THEN excluded.at ELSE "PostmortemTimelineEntry".at END,
         text = CASE WHEN "PostmortemTimelineEntry"."editedById" IS NULL THEN excluded.text ELSE "PostmortemTimelineEntry".text END,
         source = excluded.source, kind = excluded.kind, "serviceId" = excluded."serviceId", "originalText" = excluded."originalText",
         "portalUrl" = excluded."portalUrl", "consoleUrl" = excluded."consoleUrl", "isSuspect" = excluded."isSuspect"
     ), removed AS (
       DELETE FROM "PostmortemTimelineEntry" e
       WHERE e."postmortemId" = $1 AND e."originKey" IS NOT NULL AND NOT e."isStarred" AND e."editedById" IS NULL
         AND NOT EXISTS (SELECT 1 FROM drafted d WHERE d."originKey" = e."originKey")
     )
     UPDATE "Postmortem" SET "timelineDraftedAt" = $3::timestamptz AT TIME ZONE 'UTC' WHERE id = $1`,
    [postmortemId, JSON.stringify(entries.map((e) => ({ ...e, at: e.at.toISOString() }))), now.toISOString()],
  );
}
