import "server-only";
import { TOUCH_TOKEN_SQL, badTokenError, liveTokenSql, missingScopeError } from "@/lib/auth/server/authenticate-token";
import { preparedQuery } from "@/lib/db";
import { doraRefreshModeSql } from "@/lib/dora/refresh-mode";
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

/** Begins the message of the error INGEST_SQL fails with when a request's row ends without an id (its `conflicts`). */
const CONFLICT_MARKER = "portside ingest conflict ";

/*
 * Every read of an existing row is an index probe per input row (a scalar
 * subquery or a LATERAL lookup), never a join the planner may turn into a
 * scan: the statement runs on a generic plan, which assumes 100 input rows,
 * and a hash join there read the whole Deployment table on every single post.
 */
const INGEST_SQL = /* sql */ `
    WITH token AS (${liveTokenSql("$3::text")}),
    -- The teams a team's token writes for: its own and every team nested under it (none for an organisation-wide token).
    scope AS (SELECT s.id FROM token CROSS JOIN LATERAL team_subtree(token."teamId") AS s(id) WHERE token."teamId" IS NOT NULL),
    actor AS (
      SELECT CASE WHEN $3::text IS NULL THEN 'ok'
                  WHEN NOT EXISTS (SELECT 1 FROM token) THEN 'unauthorized'
                  WHEN NOT EXISTS (SELECT 1 FROM token WHERE 'ingest' = ANY (scopes)) THEN 'forbidden'
                  ELSE 'ok' END AS status,
             (SELECT id FROM token) AS "tokenId",
             -- DORA facts of what this statement writes are queued for the refresher, not recomputed in this request.
             ${doraRefreshModeSql("queued")} AS "doraRefresh"
    ),
    -- SKIP LOCKED: when the minute is up, one of the concurrent requests writes the time and the others do not queue behind its commit.
    -- NO KEY UPDATE, as the UPDATE itself takes: a FOR UPDATE lock would also block the audit row's foreign-key check.
    touched AS (
      ${TOUCH_TOKEN_SQL}
      WHERE id IN (SELECT t.id FROM "ApiToken" t
                   WHERE t.id IN (SELECT id FROM token WHERE "isStale" AND 'ingest' = ANY (scopes))
                   FOR NO KEY UPDATE SKIP LOCKED)
    ),
    -- Each input row with its service and, when the deployment is stored already, the service it belongs to.
    raw AS (
      SELECT x.*, s.id AS "serviceId", s."teamId" AS "teamId",
             e."serviceId" AS "storedServiceId", e.slug AS "storedService", e."teamId" AS "storedTeamId"
      FROM jsonb_to_recordset($1::jsonb) AS x(
        idx int, req int, service text, environment text, status text, "startedAt" timestamptz, "finishedAt" timestamptz,
        version text, "isPlanned" boolean, "fixesIncidentRef" text, source text, "externalId" text, url text, commits jsonb)
      LEFT JOIN LATERAL (SELECT s.id, s."teamId" FROM "Service" s WHERE s.slug = x.service LIMIT 1) s ON true
      LEFT JOIN LATERAL (SELECT d."serviceId", ds.slug, ds."teamId" FROM "Deployment" d JOIN "Service" ds ON ds.id = d."serviceId"
                         WHERE d.source = x.source AND d."externalId" = x."externalId" LIMIT 1) e ON true
    ),
    -- Only a caller who may ingest learns which services are unknown.
    unknown AS (SELECT idx, req, service FROM raw WHERE "serviceId" IS NULL AND (SELECT status FROM actor) = 'ok'),
    -- A team's token writes only deployments of its teams' services, and never one another team's service has;
    -- whoever posts, a deployment stored for one service is never moved to another by posting it again.
    refused AS (
      SELECT * FROM (
        SELECT idx, req, service, "storedService",
               CASE WHEN (SELECT "teamId" FROM token) IS NOT NULL AND "teamId" NOT IN (SELECT id FROM scope) THEN 'team'
                    WHEN (SELECT "teamId" FROM token) IS NOT NULL AND "storedTeamId" NOT IN (SELECT id FROM scope) THEN 'stored team'
                    WHEN "storedServiceId" <> "serviceId" THEN 'moved' END AS reason
        FROM raw WHERE "serviceId" IS NOT NULL AND (SELECT status FROM actor) = 'ok'
      ) r
      WHERE reason IS NOT NULL
    ),
    -- One unknown service or refused row, or a caller who may not ingest, and nothing is written.
    input AS (
      SELECT * FROM raw
      WHERE NOT EXISTS (SELECT 1 FROM unknown) AND NOT EXISTS (SELECT 1 FROM refused) AND (SELECT status FROM actor) = 'ok'
    ),
    upserted AS (
      INSERT INTO "Deployment" AS d ("serviceId", environment, status, "startedAt", "finishedAt", version, "isPlanned",
                                     "fixesIncidentRef", source, "externalId", url, "updatedAt")
      SELECT "serviceId", environment, status::"DeploymentStatus", "startedAt" AT TIME ZONE 'UTC', "finishedAt" AT TIME ZONE 'UTC',
             version, "isPlanned", "fixesIncidentRef", source, "externalId", url, now() AT TIME ZONE 'UTC'
      FROM input
      ON CONFLICT (source, "externalId") DO UPDATE SET
        environment = EXCLUDED.environment, status = EXCLUDED.status,
        "startedAt" = EXCLUDED."startedAt", "finishedAt" = EXCLUDED."finishedAt", version = EXCLUDED.version,
        "isPlanned" = EXCLUDED."isPlanned", "fixesIncidentRef" = EXCLUDED."fixesIncidentRef", url = EXCLUDED.url,
        "updatedAt" = EXCLUDED."updatedAt"
      -- Only a row of the same service, which refused checked: one another request stored for another service after this
      -- statement began is left alone, its input row ends without an id, and the statement fails (conflicts, below).
      WHERE d."serviceId" = EXCLUDED."serviceId"
        AND (d.environment, d.status, d."startedAt", d."finishedAt", d.version, d."isPlanned", d."fixesIncidentRef", d.url)
            IS DISTINCT FROM
            (EXCLUDED.environment, EXCLUDED.status, EXCLUDED."startedAt", EXCLUDED."finishedAt",
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
          -- A team's token fills in only its teams' changes: another team's lead time is not its to write.
          AND ((SELECT "teamId" FROM token) IS NULL
               OR (SELECT s."teamId" FROM "Deployment" d JOIN "Service" s ON s.id = d."serviceId" WHERE d.id = u."deploymentId")
                  IN (SELECT id FROM scope))
          -- Changes this statement writes itself are changed_commits' (a row is modified once per statement).
          AND u."deploymentId" <> ALL (ARRAY(SELECT id FROM ids WHERE id IS NOT NULL))
        OFFSET 0
      ) unknown_time
      WHERE c.id = unknown_time.id
      -- The requests whose times were taken: each one's audit row says what it filled in.
      RETURNING c."deploymentId", CASE WHEN unknown_time."lacksAuthored" THEN t."authoredReq" END AS "authoredReq",
                CASE WHEN unknown_time."lacksCommitted" THEN t."committedReq" END AS "committedReq"
    ),
    -- Input rows without a deployment: another request stored theirs after this statement began (for another service, or
    -- unchanged), so this one can neither write nor see it. Their requests must store nothing, and plain SQL has no RAISE:
    -- the failing cast in the final SELECT aborts the statement, which rolls back all of it (ingestDeploymentRequests
    -- answers those requests 409 and sends the others again). As "req:idx,...", which the error message carries.
    conflicts AS (
      SELECT string_agg(req || ':' || idx, ',' ORDER BY idx) AS rows FROM ids WHERE id IS NULL
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
    -- id: null, unless a request's row ended without an id (conflicts), when the cast fails the statement.
    SELECT 'actor' AS kind, -1 AS index, NULL::int AS req, ('${CONFLICT_MARKER}' || (SELECT rows FROM conflicts))::int AS id, NULL AS source,
           NULL AS "externalId", status AS result, NULL AS service, NULL::boolean AS "mayAffectIncidents", NULL AS "storedService"
    FROM actor
    UNION ALL
    -- A superset of the deployments whose change may move an incident's attribution (lib/incidents/server/reattribute-incidents.ts):
    -- an incident of its service opened after it finished, or one given to it. Most deployments have none, and skip that work.
    SELECT 'row', idx, req, id, source, "externalId", result, NULL,
           result <> 'unchanged' AND (
             EXISTS (SELECT 1 FROM "Incident" n WHERE n."serviceId" = o."serviceId" AND n."openedAt" >= o."finishedAt" AT TIME ZONE 'UTC')
             OR EXISTS (SELECT 1 FROM "Incident" n WHERE n."deploymentId" = o.id)),
           NULL
    FROM outcome o
    UNION ALL
    SELECT 'unknown', idx, req, NULL, NULL, NULL, NULL, service, NULL, NULL FROM unknown
    UNION ALL
    -- result: why it was refused; service: the one it was posted for.
    SELECT 'refused', idx, req, NULL, NULL, NULL, reason, service, NULL, "storedService" FROM refused
    ORDER BY 2`;

const STATUS = { succeeded: "SUCCEEDED", failed: "FAILED", rolled_back: "ROLLED_BACK", in_progress: "IN_PROGRESS" } as const;

/**
 * The first row (idx) of each request a concurrent request got ahead of, when INGEST_SQL failed on its conflicts
 * (the invalid_text_representation error of its failing cast, whose message carries "req:idx,..."); else null.
 */
function conflictsOf(error: unknown): Map<number, number> | null {
  if (!(error instanceof Error) || (error as { code?: unknown }).code !== "22P02") return null;
  const match = new RegExp(`"${CONFLICT_MARKER}([\\d:,]+)"`).exec(error.message);
  if (!match) return null;
  const conflicts = new Map<number, number>();
  for (const pair of match[1]!.split(",")) {
    const [req, idx] = pair.split(":").map(Number) as [number, number];
    if (!conflicts.has(req)) conflicts.set(req, idx);
  }
  return conflicts;
}

/** A row INGEST_SQL returns. */
interface TIngestRow {
  kind: "actor" | "row" | "unknown" | "refused";
  index: number;
  req: number | null;
  id: number | null;
  source: string;
  externalId: string;
  result: string | null;
  service: string | null;
  mayAffectIncidents: boolean | null;
  storedService: string | null;
}

/** One request's share of an ingest statement (ingestDeploymentRequests). */
export interface TIngestRequest {
  deployments: TDeploymentInput[];
  requestId: string;
  ip: string | null;
}

/**
 * What became of one request in a statement that carried several: its result, its own error (an unknown service,
 * a deployment a concurrent request was storing, a row it may not write), or `retry` when another request's
 * unknown service, refused row or conflict kept the statement from writing anything for it.
 */
export type TIngestRequestOutcome = { result: TIngestDeploymentsResult } | { error: AppError } | { retry: true };

function unknownServicesError(unknown: { index: number; service: string }[]): AppError {
  return new AppError("UNPROCESSABLE", `Unknown service(s): ${[...new Set(unknown.map((u) => u.service))].join(", ")}. Nothing was stored.`, {
    details: { unknownServices: unknown },
  });
}

/** Why the statement refused a row of a request (the `refused` part of INGEST_SQL). */
interface TRefusal {
  index: number;
  reason: "team" | "stored team" | "moved";
  /** The service the row was posted for. */
  service: string;
  /** The service the deployment is stored for, when it is stored. */
  storedService: string | null;
}

const quoted = (names: Iterable<string>) => [...new Set(names)].map((n) => `"${n}"`).join(", ");

/**
 * A request's refused rows as one answer: another team's service or deployment first (403: the token may not
 * write it, whatever else is wrong), then deployments that would move to another service (422).
 */
function refusalError(refusals: TRefusal[], deployments: readonly TDeploymentInput[]): AppError {
  const foreign = refusals.filter((r) => r.reason !== "moved");
  if (foreign.length > 0) {
    const services = foreign.map((r) => (r.reason === "team" ? r.service : r.storedService!));
    return new AppError(
      "FORBIDDEN",
      `This token records deployments of its own team's services only (and of teams nested under it), not of ${quoted(services)}. Nothing was stored.`,
      {
        details: {
          forbidden: foreign.map((r) => ({
            path: `deployments.${r.index}`,
            service: r.reason === "team" ? r.service : r.storedService,
            ...(r.reason === "stored team" ? { message: `is a deployment of ${r.storedService} already` } : {}),
          })),
        },
      },
    );
  }
  const moves = refusals.map((r) => {
    const d = deployments[r.index]!;
    return { path: `deployments.${r.index}.service`, source: d.source, externalId: d.externalId, storedService: r.storedService!, service: r.service };
  });
  const first = moves[0]!;
  return new AppError(
    "UNPROCESSABLE",
    `deployments.${refusals[0]!.index} (${first.source} ${first.externalId}) is a deployment of "${first.storedService}"; posting it for "${first.service}" would move it to another service, which a post never does${moves.length > 1 ? ` (and ${moves.length - 1} more like it)` : ""}. Nothing was stored.`,
    { details: { movedDeployments: moves } },
  );
}

/**
 * Upserts a batch of deployments with their commits, idempotent by
 * source + externalId, in one SQL statement: it is atomic (all or nothing)
 * without a transaction round trip, and costs one round trip per batch.
 * An unknown service refuses the whole request inside the same statement, and
 * so does, with a 403, a team's token naming a service or a stored deployment
 * of a team outside its own (and the teams nested under it), and, with a 422,
 * a deployment posted again for another service than the one it is stored for.
 * A deployment a concurrent request stored after the statement began fails
 * it as a whole (409, nothing stored). Commit times it carries fill in those
 * CodePipeline deployments' changes of the same sha lack (in the same
 * statement; a team's token only those of its teams' deployments).
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

  let rows: TIngestRow[];
  try {
    rows = await preparedQuery<TIngestRow>("ingest-deployments", INGEST_SQL, [
      payload,
      actorType,
      tokenHash,
      actorUserId,
      requests.map((r) => r.requestId),
      requests.map((r) => r.ip),
    ]);
  } catch (error) {
    const conflicts = conflictsOf(error);
    if (!conflicts) throw error;
    // The statement failed as a whole, so nothing was written: the requests whose row a concurrent request stored are
    // answered, the others go again without them.
    return requests.map((request, req) => {
      const idx = conflicts.get(req);
      if (idx === undefined) return { retry: true };
      const index = idx - offsets[req]!;
      const d = request.deployments[index]!;
      return {
        error: new AppError(
          "CONFLICT",
          `deployments.${index} (${d.source} ${d.externalId}) was being stored by a concurrent request. Nothing was stored; send it again.`,
        ),
      };
    });
  }

  const status = rows.find((r) => r.kind === "actor")?.result;
  if (status === "unauthorized") throw badTokenError();
  if (status === "forbidden") throw missingScopeError("ingest");

  const unknown = rows.filter((r) => r.kind === "unknown");
  const refused = rows.filter((r) => r.kind === "refused");
  if (unknown.length > 0 || refused.length > 0) {
    // Nothing was written: the requests naming an unknown service or a row they may not write are refused, the others go again without them.
    return requests.map((request, req) => {
      const refusals = refused
        .filter((r) => r.req === req)
        .map((r): TRefusal => ({ index: r.index - offsets[req]!, reason: r.result as TRefusal["reason"], service: r.service!, storedService: r.storedService }));
      const own = unknown.filter((u) => u.req === req).map((u) => ({ index: u.index - offsets[req]!, service: u.service! }));
      if (refusals.some((r) => r.reason !== "moved")) return { error: refusalError(refusals, request.deployments) };
      if (own.length > 0) return { error: unknownServicesError(own) };
      if (refusals.length > 0) return { error: refusalError(refusals, request.deployments) };
      return { retry: true };
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
    // A row without an id fails the statement (its conflicts part), so that its request stores nothing.
    if (row.id === null) throw new Error(`ingest row ${row.index} came back without an id`);
    const result = row.result as TIngestResult;
    outcome.result[result] += 1;
    outcome.result.deployments.push({ index, id: row.id, source: row.source, externalId: row.externalId, result });
    if (row.mayAffectIncidents) outcome.result.incidentCandidateIds.push(row.id);
  }
  return outcomes;
}
