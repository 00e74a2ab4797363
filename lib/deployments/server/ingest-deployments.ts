import "server-only";
import { TOUCH_TOKEN_SQL, badTokenError, liveTokenSql, missingScopeError } from "@/lib/auth/server/authenticate-token";
import { preparedQuery } from "@/lib/db";
import { QUEUE_DORA_REFRESH_SQL } from "@/lib/dora/server/refresh-dora-facts";
import { AppError } from "@/lib/errors";
import type { TDeploymentInput } from "@/lib/deployments/schemas";
import { DEPLOYMENT_SOURCE } from "@/lib/pipelines/server/deployment-rows";

export type TIngestResult = "created" | "updated" | "unchanged";

export interface TIngestOutcome {
  created: number;
  updated: number;
  unchanged: number;
  deployments: { index: number; id: number; source: string; externalId: string; result: TIngestResult }[];
}

export interface TIngestDeploymentsResult extends TIngestOutcome {
  /**
   * Deployments created or changed now whose service has an incident opened
   * after they finished, or that an incident was given to: the only ones
   * whose change can move an incident's attribution. Usually empty.
   */
  incidentCandidateIds: number[];
}

export interface TIngestDeploymentsOptions {
  deployments: TDeploymentInput[];
  /**
   * Who is asking. A token is checked (live, with the ingest scope) inside the
   * ingest statement itself: one round trip per request. A user comes already
   * authenticated by the session.
   */
  actor: { tokenHash: string } | { userId: number };
  requestId: string;
  ip: string | null;
}

/*
 * Every read of an existing row is an index probe per input row (a scalar
 * subquery or a LATERAL lookup), never a join the planner may turn into a
 * scan: the statement runs on a generic plan, which assumes 100 input rows,
 * and a hash join there read the whole Deployment table on every single post.
 */
const INGEST_SQL = /* sql */ `
    WITH token AS (${liveTokenSql("$3::text")}),
    actor AS (
      SELECT CASE WHEN $3::text IS NULL THEN 'ok'
                  WHEN NOT EXISTS (SELECT 1 FROM token) THEN 'unauthorized'
                  WHEN NOT EXISTS (SELECT 1 FROM token WHERE 'ingest' = ANY (scopes)) THEN 'forbidden'
                  ELSE 'ok' END AS status,
             (SELECT id FROM token) AS "tokenId",
             -- DORA facts of what this statement writes are queued for the refresher, not recomputed in this request.
             ${QUEUE_DORA_REFRESH_SQL} AS "doraRefresh"
    ),
    -- SKIP LOCKED: when the minute is up, one of the concurrent requests writes the time and the others do not queue behind its commit.
    -- NO KEY UPDATE, as the UPDATE itself takes: a FOR UPDATE lock would also block the audit row's foreign-key check.
    touched AS (
      ${TOUCH_TOKEN_SQL}
      WHERE id IN (SELECT t.id FROM "ApiToken" t
                   WHERE t.id IN (SELECT id FROM token WHERE "isStale" AND 'ingest' = ANY (scopes))
                   FOR NO KEY UPDATE SKIP LOCKED)
    ),
    raw AS (
      SELECT x.*, (SELECT s.id FROM "Service" s WHERE s.slug = x.service) AS "serviceId"
      FROM jsonb_to_recordset($1::jsonb) AS x(
        idx int, service text, environment text, status text, "startedAt" timestamptz, "finishedAt" timestamptz,
        version text, "isPlanned" boolean, "fixesIncidentRef" text, source text, "externalId" text, url text, commits jsonb)
    ),
    -- Only a caller who may ingest learns which services are unknown.
    unknown AS (SELECT idx, service FROM raw WHERE "serviceId" IS NULL AND (SELECT status FROM actor) = 'ok'),
    -- One unknown service, or a caller who may not ingest, and nothing is written.
    input AS (SELECT * FROM raw WHERE NOT EXISTS (SELECT 1 FROM unknown) AND (SELECT status FROM actor) = 'ok'),
    upserted AS (
      INSERT INTO "Deployment" AS d ("serviceId", environment, status, "startedAt", "finishedAt", version, "isPlanned",
                                     "fixesIncidentRef", source, "externalId", url, "updatedAt")
      SELECT "serviceId", environment, status::"DeploymentStatus", "startedAt" AT TIME ZONE 'UTC', "finishedAt" AT TIME ZONE 'UTC',
             version, "isPlanned", "fixesIncidentRef", source, "externalId", url, now() AT TIME ZONE 'UTC'
      FROM input
      ON CONFLICT (source, "externalId") DO UPDATE SET
        "serviceId" = EXCLUDED."serviceId", environment = EXCLUDED.environment, status = EXCLUDED.status,
        "startedAt" = EXCLUDED."startedAt", "finishedAt" = EXCLUDED."finishedAt", version = EXCLUDED.version,
        "isPlanned" = EXCLUDED."isPlanned", "fixesIncidentRef" = EXCLUDED."fixesIncidentRef", url = EXCLUDED.url,
        "updatedAt" = EXCLUDED."updatedAt"
      WHERE (d."serviceId", d.environment, d.status, d."startedAt", d."finishedAt", d.version, d."isPlanned", d."fixesIncidentRef", d.url)
            IS DISTINCT FROM
            (EXCLUDED."serviceId", EXCLUDED.environment, EXCLUDED.status, EXCLUDED."startedAt", EXCLUDED."finishedAt",
             EXCLUDED.version, EXCLUDED."isPlanned", EXCLUDED."fixesIncidentRef", EXCLUDED.url)
      RETURNING d.id, d.source, d."externalId", (xmax = 0) AS inserted
    ),
    -- Each input row with its deployment: written now, or (unchanged) as it was before this statement.
    ids AS (
      SELECT i.idx, i.source, i."externalId", i."serviceId", i."finishedAt", i.commits,
             coalesce(u.id, e.id) AS id, coalesce(u.inserted, false) AS inserted, u.id IS NOT NULL AS "isWritten"
      FROM input i
      LEFT JOIN upserted u ON u.source = i.source AND u."externalId" = i."externalId"
      -- LIMIT keeps the planner from flattening the lookup into a join (see above).
      LEFT JOIN LATERAL (SELECT d.id FROM "Deployment" d WHERE u.id IS NULL AND d.source = i.source AND d."externalId" = i."externalId" LIMIT 1) e ON true
    ),
    commits AS (
      SELECT ids.idx, ids.id AS "deploymentId", cm.sha, cm."authoredAt" AT TIME ZONE 'UTC' AS "authoredAt",
             cm."committedAt" AT TIME ZONE 'UTC' AS "committedAt", cm.message, cm.url
      FROM ids CROSS JOIN LATERAL jsonb_to_recordset(ids.commits) AS cm(sha text, "authoredAt" timestamptz, "committedAt" timestamptz, message text, url text)
    ),
    changed_commits AS (
      INSERT INTO "Change" AS c ("deploymentId", sha, "authoredAt", "committedAt", message, url)
      SELECT "deploymentId", sha, "authoredAt", "committedAt", message, url FROM commits WHERE "deploymentId" IS NOT NULL
      ON CONFLICT ("deploymentId", sha) DO UPDATE SET
        "authoredAt" = COALESCE(EXCLUDED."authoredAt", c."authoredAt"),
        "committedAt" = COALESCE(EXCLUDED."committedAt", c."committedAt"),
        message = COALESCE(EXCLUDED.message, c.message),
        url = COALESCE(EXCLUDED.url, c.url)
      WHERE (c."authoredAt", c."committedAt", c.message, c.url) IS DISTINCT FROM
            (COALESCE(EXCLUDED."authoredAt", c."authoredAt"), COALESCE(EXCLUDED."committedAt", c."committedAt"),
             COALESCE(EXCLUDED.message, c.message), COALESCE(EXCLUDED.url, c.url))
      RETURNING c."deploymentId"
    ),
    -- CodePipeline gives no commit times: its deployments' changes take the times this request knows for the same sha,
    -- where theirs are unknown (never overwriting a known time). The reverse of upsertDeployments in apply-execution-deployments.ts.
    timed AS (
      SELECT DISTINCT ON (sha) sha, "authoredAt", "committedAt" FROM commits
      WHERE "authoredAt" IS NOT NULL OR "committedAt" IS NOT NULL
      ORDER BY sha, idx
    ),
    backfilled AS (
      UPDATE "Change" c SET "authoredAt" = COALESCE(c."authoredAt", t."authoredAt"), "committedAt" = COALESCE(c."committedAt", t."committedAt")
      FROM timed t CROSS JOIN LATERAL (
        -- By sha first, whatever the statistics say: OFFSET 0 keeps the lookup from being flattened into a join,
        -- and the source is read per change found, not used to drive the search.
        SELECT u.id FROM "Change" u
        WHERE u.sha = t.sha
          AND ((u."authoredAt" IS NULL AND t."authoredAt" IS NOT NULL) OR (u."committedAt" IS NULL AND t."committedAt" IS NOT NULL))
          AND (SELECT d.source FROM "Deployment" d WHERE d.id = u."deploymentId") = '${DEPLOYMENT_SOURCE}'
          -- Changes this statement writes itself are changed_commits' (a row is modified once per statement).
          AND u."deploymentId" <> ALL (ARRAY(SELECT id FROM ids WHERE id IS NOT NULL))
        OFFSET 0
      ) unknown_time
      WHERE c.id = unknown_time.id
      RETURNING c."deploymentId"
    ),
    outcome AS (
      SELECT idx, id, source, "externalId", "serviceId", "finishedAt",
             CASE WHEN inserted THEN 'created'
                  WHEN "isWritten" OR EXISTS (SELECT 1 FROM changed_commits cc WHERE cc."deploymentId" = ids.id) THEN 'updated'
                  ELSE 'unchanged' END AS result
      FROM ids
    ),
    audit AS (
      INSERT INTO "AuditEvent" ("actorType", "actorTokenId", "actorUserId", action, "entityType", "entityId", after, ip, "requestId")
      SELECT $2::"ActorType", (SELECT "tokenId" FROM actor), $4::int, 'deployments.ingest', 'Deployment',
             $5::text, jsonb_build_object(
               'created', jsonb_agg(id ORDER BY id) FILTER (WHERE result = 'created'),
               'updated', jsonb_agg(id ORDER BY id) FILTER (WHERE result = 'updated'))
             || CASE WHEN EXISTS (SELECT 1 FROM backfilled)
                     THEN jsonb_build_object('commitTimesFilledIn', (SELECT jsonb_agg(DISTINCT "deploymentId") FROM backfilled))
                     ELSE '{}' END,
             $6::text, $5::text
      FROM outcome
      HAVING count(*) FILTER (WHERE result <> 'unchanged') > 0 OR EXISTS (SELECT 1 FROM backfilled)
    )
    SELECT 'actor' AS kind, -1 AS index, NULL::int AS id, NULL AS source, NULL AS "externalId", status AS result, NULL AS service,
           NULL::boolean AS "mayAffectIncidents"
    FROM actor
    UNION ALL
    -- A superset of the deployments whose change may move an incident's attribution (lib/incidents/server/reattribute-incidents.ts):
    -- an incident of its service opened after it finished, or one given to it. Most deployments have none, and skip that work.
    SELECT 'row', idx, id, source, "externalId", result, NULL,
           result <> 'unchanged' AND (
             EXISTS (SELECT 1 FROM "Incident" n WHERE n."serviceId" = o."serviceId" AND n."openedAt" >= o."finishedAt" AT TIME ZONE 'UTC')
             OR EXISTS (SELECT 1 FROM "Incident" n WHERE n."deploymentId" = o.id))
    FROM outcome o
    UNION ALL
    SELECT 'unknown', idx, NULL, NULL, NULL, NULL, service, NULL FROM unknown
    ORDER BY 2`;

const STATUS = { succeeded: "SUCCEEDED", failed: "FAILED", rolled_back: "ROLLED_BACK", in_progress: "IN_PROGRESS" } as const;

/**
 * Upserts a batch of deployments with their commits, idempotent by
 * source + externalId, in one SQL statement: it is atomic (all or nothing)
 * without a transaction round trip, and costs one round trip per batch.
 * An unknown service refuses the whole request inside the same statement.
 * Commit times it carries fill in those CodePipeline deployments' changes of
 * the same sha lack (in the same statement).
 */
export async function ingestDeployments({ deployments, actor, requestId, ip }: TIngestDeploymentsOptions): Promise<TIngestDeploymentsResult> {
  const payload = JSON.stringify(
    deployments.map((d, index) => ({
      idx: index,
      service: d.service,
      environment: d.environment,
      status: STATUS[d.status],
      startedAt: d.startedAt,
      finishedAt: d.finishedAt ?? null,
      version: d.version ?? null,
      isPlanned: d.planned,
      fixesIncidentRef: d.fixesIncident ?? null,
      source: d.source,
      externalId: d.externalId,
      url: d.url ?? null,
      commits: d.commits.map((c) => ({
        sha: c.sha.toLowerCase(),
        authoredAt: c.authoredAt ?? null,
        committedAt: c.committedAt ?? null,
        message: c.message ?? null,
        url: c.url ?? null,
      })),
    })),
  );
  const tokenHash = "tokenHash" in actor ? actor.tokenHash : null;
  const actorUserId = "userId" in actor ? actor.userId : null;
  const actorType = tokenHash !== null ? "TOKEN" : "USER";

  const rows = await preparedQuery<{
    kind: "actor" | "row" | "unknown";
    index: number;
    id: number | null;
    source: string;
    externalId: string;
    result: string | null;
    service: string | null;
    mayAffectIncidents: boolean | null;
  }>("ingest-deployments", INGEST_SQL, [payload, actorType, tokenHash, actorUserId, requestId, ip]);

  const status = rows.find((r) => r.kind === "actor")?.result;
  if (status === "unauthorized") throw badTokenError();
  if (status === "forbidden") throw missingScopeError("ingest");

  const unknown = rows.filter((r) => r.kind === "unknown").map((r) => ({ index: r.index, service: r.service! }));
  if (unknown.length > 0) {
    throw new AppError("UNPROCESSABLE", `Unknown service(s): ${[...new Set(unknown.map((u) => u.service))].join(", ")}. Nothing was stored.`, {
      details: { unknownServices: unknown },
    });
  }
  const result: TIngestDeploymentsResult = { created: 0, updated: 0, unchanged: 0, deployments: [], incidentCandidateIds: [] };
  for (const row of rows) {
    if (row.kind !== "row") continue;
    if (row.id === null) {
      // Another request stored the same deployment, unchanged, after this statement began: this one cannot see its id.
      throw new AppError("CONFLICT", `deployments.${row.index} (${row.source} ${row.externalId}) was being stored by a concurrent request; send it again.`);
    }
    const outcome = row.result as TIngestResult;
    result[outcome] += 1;
    result.deployments.push({ index: row.index, id: row.id, source: row.source, externalId: row.externalId, result: outcome });
    if (row.mayAffectIncidents) result.incidentCandidateIds.push(row.id);
  }
  return result;
}
