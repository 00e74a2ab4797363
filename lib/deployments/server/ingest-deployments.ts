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
        idx int, req int, service text, environment text, status text, "startedAt" timestamptz, "finishedAt" timestamptz,
        version text, "isPlanned" boolean, "fixesIncidentRef" text, source text, "externalId" text, url text, commits jsonb)
    ),
    -- Only a caller who may ingest learns which services are unknown.
    unknown AS (SELECT idx, req, service FROM raw WHERE "serviceId" IS NULL AND (SELECT status FROM actor) = 'ok'),
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
      SELECT i.idx, i.req, i.source, i."externalId", i."serviceId", i."finishedAt", i.commits,
             coalesce(u.id, e.id) AS id, coalesce(u.inserted, false) AS inserted, u.id IS NOT NULL AS "isWritten"
      FROM input i
      LEFT JOIN upserted u ON u.source = i.source AND u."externalId" = i."externalId"
      -- LIMIT keeps the planner from flattening the lookup into a join (see above).
      LEFT JOIN LATERAL (SELECT d.id FROM "Deployment" d WHERE u.id IS NULL AND d.source = i.source AND d."externalId" = i."externalId" LIMIT 1) e ON true
    ),
    commits AS (
      SELECT ids.idx, ids.req, ids.id AS "deploymentId", cm.sha, cm."authoredAt" AT TIME ZONE 'UTC' AS "authoredAt",
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
    -- Per sha, each time from the first deployment (of any request in the statement) that gives it, and which request that was.
    timed AS (
      SELECT sha,
             (array_agg("authoredAt" ORDER BY idx) FILTER (WHERE "authoredAt" IS NOT NULL))[1] AS "authoredAt",
             (array_agg(req ORDER BY idx) FILTER (WHERE "authoredAt" IS NOT NULL))[1] AS "authoredReq",
             (array_agg("committedAt" ORDER BY idx) FILTER (WHERE "committedAt" IS NOT NULL))[1] AS "committedAt",
             (array_agg(req ORDER BY idx) FILTER (WHERE "committedAt" IS NOT NULL))[1] AS "committedReq"
      FROM commits
      WHERE "authoredAt" IS NOT NULL OR "committedAt" IS NOT NULL
      GROUP BY sha
    ),
    backfilled AS (
      UPDATE "Change" c SET "authoredAt" = COALESCE(c."authoredAt", t."authoredAt"), "committedAt" = COALESCE(c."committedAt", t."committedAt")
      FROM timed t CROSS JOIN LATERAL (
        -- By sha first, whatever the statistics say: OFFSET 0 keeps the lookup from being flattened into a join,
        -- and the source is read per change found, not used to drive the search.
        SELECT u.id, u."authoredAt" IS NULL AS "lacksAuthored", u."committedAt" IS NULL AS "lacksCommitted" FROM "Change" u
        WHERE u.sha = t.sha
          AND ((u."authoredAt" IS NULL AND t."authoredAt" IS NOT NULL) OR (u."committedAt" IS NULL AND t."committedAt" IS NOT NULL))
          AND (SELECT d.source FROM "Deployment" d WHERE d.id = u."deploymentId") = '${DEPLOYMENT_SOURCE}'
          -- Changes this statement writes itself are changed_commits' (a row is modified once per statement).
          AND u."deploymentId" <> ALL (ARRAY(SELECT id FROM ids WHERE id IS NOT NULL))
        OFFSET 0
      ) unknown_time
      WHERE c.id = unknown_time.id
      -- The requests whose times were taken: each one's audit row says what it filled in.
      RETURNING c."deploymentId", CASE WHEN unknown_time."lacksAuthored" THEN t."authoredReq" END AS "authoredReq",
                CASE WHEN unknown_time."lacksCommitted" THEN t."committedReq" END AS "committedReq"
    ),
    outcome AS (
      SELECT idx, req, id, source, "externalId", "serviceId", "finishedAt",
             CASE WHEN inserted THEN 'created'
                  WHEN "isWritten" OR EXISTS (SELECT 1 FROM changed_commits cc WHERE cc."deploymentId" = ids.id) THEN 'updated'
                  ELSE 'unchanged' END AS result
      FROM ids
    ),
    -- One audit row per request (a statement may carry several requests with the same token: ingest-batcher.ts),
    -- with its own request id and address, for what that request changed.
    audit AS (
      INSERT INTO "AuditEvent" ("actorType", "actorTokenId", "actorUserId", action, "entityType", "entityId", after, ip, "requestId")
      SELECT $2::"ActorType", (SELECT "tokenId" FROM actor), $4::int, 'deployments.ingest', 'Deployment', r."requestId",
             jsonb_build_object(
               'created', (SELECT jsonb_agg(o.id ORDER BY o.id) FROM outcome o WHERE o.req = r.req AND o.result = 'created'),
               'updated', (SELECT jsonb_agg(o.id ORDER BY o.id) FROM outcome o WHERE o.req = r.req AND o.result = 'updated'))
             || CASE WHEN EXISTS (SELECT 1 FROM backfilled b WHERE r.req IN (b."authoredReq", b."committedReq"))
                     THEN jsonb_build_object('commitTimesFilledIn',
                            (SELECT jsonb_agg(DISTINCT b."deploymentId") FROM backfilled b WHERE r.req IN (b."authoredReq", b."committedReq")))
                     ELSE '{}' END,
             r.ip, r."requestId"
      FROM (SELECT (n - 1)::int AS req, "requestId", ip FROM unnest($5::text[], $6::text[]) WITH ORDINALITY AS x("requestId", ip, n)) r
      WHERE EXISTS (SELECT 1 FROM outcome o WHERE o.req = r.req AND o.result <> 'unchanged')
         OR EXISTS (SELECT 1 FROM backfilled b WHERE r.req IN (b."authoredReq", b."committedReq"))
    )
    SELECT 'actor' AS kind, -1 AS index, NULL::int AS req, NULL::int AS id, NULL AS source, NULL AS "externalId", status AS result, NULL AS service,
           NULL::boolean AS "mayAffectIncidents"
    FROM actor
    UNION ALL
    -- A superset of the deployments whose change may move an incident's attribution (lib/incidents/server/reattribute-incidents.ts):
    -- an incident of its service opened after it finished, or one given to it. Most deployments have none, and skip that work.
    SELECT 'row', idx, req, id, source, "externalId", result, NULL,
           result <> 'unchanged' AND (
             EXISTS (SELECT 1 FROM "Incident" n WHERE n."serviceId" = o."serviceId" AND n."openedAt" >= o."finishedAt" AT TIME ZONE 'UTC')
             OR EXISTS (SELECT 1 FROM "Incident" n WHERE n."deploymentId" = o.id))
    FROM outcome o
    UNION ALL
    SELECT 'unknown', idx, req, NULL, NULL, NULL, NULL, service, NULL FROM unknown
    ORDER BY 2`;

const STATUS = { succeeded: "SUCCEEDED", failed: "FAILED", rolled_back: "ROLLED_BACK", in_progress: "IN_PROGRESS" } as const;

/** One request's share of an ingest statement (ingestDeploymentRequests). */
export interface TIngestRequest {
  deployments: TDeploymentInput[];
  requestId: string;
  ip: string | null;
}

/**
 * What became of one request in a statement that carried several: its result, its own error (an unknown service,
 * a deployment a concurrent request was storing), or `retry` when another request's unknown service kept the
 * statement from writing anything for it.
 */
export type TIngestRequestOutcome = { result: TIngestDeploymentsResult } | { error: AppError } | { retry: true };

function unknownServicesError(unknown: { index: number; service: string }[]): AppError {
  return new AppError("UNPROCESSABLE", `Unknown service(s): ${[...new Set(unknown.map((u) => u.service))].join(", ")}. Nothing was stored.`, {
    details: { unknownServices: unknown },
  });
}

/**
 * Upserts a batch of deployments with their commits, idempotent by
 * source + externalId, in one SQL statement: it is atomic (all or nothing)
 * without a transaction round trip, and costs one round trip per batch.
 * An unknown service refuses the whole request inside the same statement.
 * Commit times it carries fill in those CodePipeline deployments' changes of
 * the same sha lack (in the same statement).
 */
export async function ingestDeployments({ deployments, actor, requestId, ip }: TIngestDeploymentsOptions): Promise<TIngestDeploymentsResult> {
  const [outcome] = await ingestDeploymentRequests(actor, [{ deployments, requestId, ip }]);
  if (!outcome || "retry" in outcome) throw new Error("an ingest of one request came back without its outcome");
  if ("error" in outcome) throw outcome.error;
  return outcome.result;
}

/**
 * Several requests of one actor in one statement (lib/deployments/server/ingest-batcher.ts groups concurrent
 * ones): each request gets its own outcome and its own audit row. The actor's check applies to all of them, and
 * throws. The requests must not repeat a deployment (source + externalId) between them.
 */
export async function ingestDeploymentRequests(actor: TIngestDeploymentsOptions["actor"], requests: TIngestRequest[]): Promise<TIngestRequestOutcome[]> {
  const offsets: number[] = [];
  let total = 0;
  for (const r of requests) {
    offsets.push(total);
    total += r.deployments.length;
  }
  const payload = JSON.stringify(
    requests.flatMap((r, req) =>
      r.deployments.map((d, index) => ({
        idx: offsets[req]! + index,
        req,
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
    ),
  );
  const tokenHash = "tokenHash" in actor ? actor.tokenHash : null;
  const actorUserId = "userId" in actor ? actor.userId : null;
  const actorType = tokenHash !== null ? "TOKEN" : "USER";

  const rows = await preparedQuery<{
    kind: "actor" | "row" | "unknown";
    index: number;
    req: number | null;
    id: number | null;
    source: string;
    externalId: string;
    result: string | null;
    service: string | null;
    mayAffectIncidents: boolean | null;
  }>("ingest-deployments", INGEST_SQL, [
    payload,
    actorType,
    tokenHash,
    actorUserId,
    requests.map((r) => r.requestId),
    requests.map((r) => r.ip),
  ]);

  const status = rows.find((r) => r.kind === "actor")?.result;
  if (status === "unauthorized") throw badTokenError();
  if (status === "forbidden") throw missingScopeError("ingest");

  const unknown = rows.filter((r) => r.kind === "unknown");
  if (unknown.length > 0) {
    // Nothing was written: the requests naming an unknown service are refused, the others go again without them.
    return requests.map((_, req) => {
      const own = unknown.filter((u) => u.req === req).map((u) => ({ index: u.index - offsets[req]!, service: u.service! }));
      return own.length > 0 ? { error: unknownServicesError(own) } : { retry: true };
    });
  }
  const outcomes: TIngestRequestOutcome[] = requests.map(() => ({
    result: { created: 0, updated: 0, unchanged: 0, deployments: [], incidentCandidateIds: [] },
  }));
  for (const row of rows) {
    if (row.kind !== "row" || row.req === null) continue;
    const outcome = outcomes[row.req]!;
    if (!("result" in outcome)) continue;
    const index = row.index - offsets[row.req]!;
    if (row.id === null) {
      // Another request stored the same deployment, unchanged, after this statement began: this one cannot see its id.
      outcomes[row.req] = {
        error: new AppError("CONFLICT", `deployments.${index} (${row.source} ${row.externalId}) was being stored by a concurrent request; send it again.`),
      };
      continue;
    }
    const result = row.result as TIngestResult;
    outcome.result[result] += 1;
    outcome.result.deployments.push({ index, id: row.id, source: row.source, externalId: row.externalId, result });
    if (row.mayAffectIncidents) outcome.result.incidentCandidateIds.push(row.id);
  }
  return outcomes;
}
