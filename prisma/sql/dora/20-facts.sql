-- ───────────── DORA: the fact rule, and the rollups kept from the facts ─────────────
-- A repeatable file (prisma/sql/README.md): the one definition of each object
-- below, re-applied whole by `npm run db:migrate` whenever this file changes.
-- The tables are in the dora_rollups migration.
--
-- dora_fact_rows is the DORA rules of lib/dora/metrics.ts (deriveFacts) said
-- in SQL, once: the triggers (30-triggers.sql), the refresh queue's drain and
-- the bulk rebuild (40-rebuild.sql) all compute facts with it. docs/metrics.md
-- states the rules; lib/dora/server/fast-path.integration.test.ts holds this
-- function and the rollups to lib/dora/metrics.ts on random histories.
--
--   Deployment / Change / Incident ──(statement triggers, 30-triggers.sql)──▶ dora_refresh(ids)
--     ──▶ "DoraDeploymentFact" (one row per finished deployment, from dora_fact_rows)
--     ──(statement triggers below, transition tables)──▶ dora_apply ──▶ "DoraDay" + "DoraHistogram"
--
-- A change to the rule here applies to facts computed from now on; the facts
-- already stored are restated by `SELECT dora_rebuild()`.

-- The fact of each finished deployment among p_ids, computed from raw rows.
CREATE OR REPLACE FUNCTION dora_fact_rows(p_ids integer[]) RETURNS SETOF "DoraDeploymentFact"
  LANGUAGE sql STABLE AS $$
  SELECT d.id, d."serviceId", s."teamId", d.environment,
         floor(extract(epoch FROM d."finishedAt") / 86400)::integer,
         (d.status IN ('FAILED', 'ROLLED_BACK') OR inc.n > 0),
         (NOT d."isPlanned" OR d."fixesIncidentRef" IS NOT NULL OR EXISTS (
            SELECT 1 FROM "Incident" i
            WHERE i."resolvedAt" IS NOT NULL
              AND dora_span(i."serviceId", i."openedAt", i."resolvedAt") @> dora_span(d."serviceId", d."startedAt", d."finishedAt"))),
         d.status = 'SUCCEEDED',
         CASE WHEN inc.n > 0 THEN CASE WHEN inc.open = 0 THEN dora_seconds(inc.first_opened, inc.last_resolved) END
              WHEN d.status IN ('FAILED', 'ROLLED_BACK') AND nxt.id IS NOT NULL THEN dora_seconds(d."finishedAt", nxt."finishedAt") END,
         (inc.n > 0 AND inc.open > 0) OR (inc.n = 0 AND d.status IN ('FAILED', 'ROLLED_BACK') AND nxt.id IS NULL),
         CASE WHEN inc.n = 0 THEN nxt.id END,
         coalesce(lead.seconds, '{}'),
         coalesce(lead.unknown, 0)::integer
  FROM "Deployment" d
  JOIN "Service" s ON s.id = d."serviceId"
  -- Incidents attributed to it, except those explicitly not caused by a change.
  CROSS JOIN LATERAL (
    SELECT count(*) AS n, count(*) FILTER (WHERE i."resolvedAt" IS NULL) AS open,
           min(i."openedAt") AS first_opened, max(i."resolvedAt") AS last_resolved
    FROM "Incident" i WHERE i."deploymentId" = d.id AND i."causedByChange" IS DISTINCT FROM false) inc
  -- A failure without an incident recovers at the next succeeded deployment of its service and environment.
  LEFT JOIN LATERAL (
    SELECT n.id, n."finishedAt" FROM "Deployment" n
    WHERE d.status IN ('FAILED', 'ROLLED_BACK') AND n."serviceId" = d."serviceId" AND n.environment = d.environment
      AND n."finishedAt" > d."finishedAt" AND n.status = 'SUCCEEDED'
    ORDER BY n."finishedAt", n.id LIMIT 1) nxt ON true
  -- Commits it brought to production first: no earlier (finishedAt, id) succeeded deployment of the service carries them.
  LEFT JOIN LATERAL (
    SELECT array_agg(dora_seconds(coalesce(c."committedAt", c."authoredAt"), d."finishedAt")
                     ORDER BY dora_seconds(coalesce(c."committedAt", c."authoredAt"), d."finishedAt"))
             FILTER (WHERE coalesce(c."committedAt", c."authoredAt") IS NOT NULL) AS seconds,
           count(*) FILTER (WHERE coalesce(c."committedAt", c."authoredAt") IS NULL) AS unknown
    FROM "Change" c
    WHERE d.status = 'SUCCEEDED' AND c."deploymentId" = d.id
      -- The sha's other changes (a commit is carried by a handful of deployments), each one's deployment
      -- checked by id. Scalar subqueries, which the planner runs per change and cannot turn into joins:
      -- as joins it has walked the service's earlier deployments, or scanned every change, whenever the
      -- statistics lagged behind a burst of inserts (a first sync, an import), and both grow with history.
      -- An aggregate rather than LIMIT 1: with a LIMIT the planner may bet on a scan finding a match early,
      -- and a new commit has none, so the scan reads every change.
      AND NOT coalesce((
        SELECT bool_or((SELECT d2."serviceId" = d."serviceId" AND d2.environment = d.environment AND d2.status = 'SUCCEEDED'
                               AND d2."finishedAt" IS NOT NULL AND (d2."finishedAt", d2.id) < (d."finishedAt", d.id)
                        FROM "Deployment" d2 WHERE d2.id = c2."deploymentId"))
        FROM "Change" c2
        WHERE c2.sha = c.sha AND c2."deploymentId" <> d.id), false)) lead ON true
  WHERE d.id = ANY (p_ids) AND d."finishedAt" IS NOT NULL
$$;

-- Recompute the facts of these deployments: only rows that changed are written (and so reach the rollups).
--
-- No JIT, and a plan per call. The fact statement is planned for the ids it is given, before the
-- statistics know a burst of new rows, and its cost estimate passed jit_inline_above_cost: PostgreSQL
-- then compiled it with LLVM on every call (after 30,000 ingested deployments, ~400-520 ms of each
-- ~530 ms drain of 2,000 entries; these statements read and write a few thousand rows by index, so
-- compiling them never pays). And PL/pgSQL would keep a generic plan of it per session, made when the
-- statistics still described a small table: a sequential scan of "Deployment" filtered by
-- id = ANY ($1) (88, then 240 ms a drain chunk as a burst grew the table). A plan made for the ids
-- given reads them by the primary key, whatever the statistics say.
CREATE OR REPLACE FUNCTION dora_refresh(p_ids integer[]) RETURNS void
  LANGUAGE plpgsql
  SET jit = off
  SET plan_cache_mode = force_custom_plan
  AS $$
BEGIN
  IF p_ids IS NULL OR cardinality(p_ids) = 0 THEN RETURN; END IF;
  DELETE FROM "DoraDeploymentFact" f
  WHERE f."deploymentId" = ANY (p_ids)
    AND NOT EXISTS (SELECT 1 FROM "Deployment" d WHERE d.id = f."deploymentId" AND d."finishedAt" IS NOT NULL);
  INSERT INTO "DoraDeploymentFact" AS f
  SELECT * FROM dora_fact_rows(p_ids) r ORDER BY r."deploymentId"
  ON CONFLICT ("deploymentId") DO UPDATE SET
    "serviceId" = EXCLUDED."serviceId", "teamId" = EXCLUDED."teamId", environment = EXCLUDED.environment, day = EXCLUDED.day,
    "isFailure" = EXCLUDED."isFailure", "isRework" = EXCLUDED."isRework", "isSucceeded" = EXCLUDED."isSucceeded",
    "recoverySeconds" = EXCLUDED."recoverySeconds", "isUnrecovered" = EXCLUDED."isUnrecovered",
    "recoveryDeploymentId" = EXCLUDED."recoveryDeploymentId", "leadSeconds" = EXCLUDED."leadSeconds", "leadUnknown" = EXCLUDED."leadUnknown"
  WHERE (f."serviceId", f."teamId", f.environment, f.day, f."isFailure", f."isRework", f."isSucceeded", f."recoverySeconds",
         f."isUnrecovered", f."recoveryDeploymentId", f."leadSeconds", f."leadUnknown")
        IS DISTINCT FROM
        (EXCLUDED."serviceId", EXCLUDED."teamId", EXCLUDED.environment, EXCLUDED.day, EXCLUDED."isFailure", EXCLUDED."isRework",
         EXCLUDED."isSucceeded", EXCLUDED."recoverySeconds", EXCLUDED."isUnrecovered", EXCLUDED."recoveryDeploymentId",
         EXCLUDED."leadSeconds", EXCLUDED."leadUnknown");
END $$;

-- Facts removed (p_old) and added (p_new) → rollup deltas: "DoraDay" per team, environment and day, and
-- "DoraHistogram" per team, environment and aligned block of 2^level days (levels 0-6, up to 64 days:
-- larger blocks made every write merge into its team's longest histograms). The organisation has rows of
-- its own (team 0, no team has id 0), the sum of every team's, kept by the same deltas, so that an
-- organisation-wide read takes one row per day or block. Rows are locked in key order, so concurrent
-- calls never deadlock.
CREATE OR REPLACE FUNCTION dora_apply(p_old "DoraDeploymentFact"[], p_new "DoraDeploymentFact"[]) RETURNS void
  LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "DoraDay" AS t (environment, day, "teamId", deployments, failures, rework, succeeded, "leadKnownDeployments", "leadUnknownCommits", unrecovered)
  SELECT environment, day, coalesce("teamId", 0), sum(sign)::integer,
         coalesce(sum(sign) FILTER (WHERE "isFailure"), 0)::integer,
         coalesce(sum(sign) FILTER (WHERE "isRework"), 0)::integer,
         coalesce(sum(sign) FILTER (WHERE "isSucceeded"), 0)::integer,
         coalesce(sum(sign) FILTER (WHERE "isSucceeded" AND cardinality("leadSeconds") > 0), 0)::integer,
         coalesce(sum(sign * "leadUnknown") FILTER (WHERE "isSucceeded"), 0)::integer,
         coalesce(sum(sign) FILTER (WHERE "isUnrecovered"), 0)::integer
  FROM (SELECT -1 AS sign, o.* FROM unnest(p_old) o UNION ALL SELECT 1, n.* FROM unnest(p_new) n) delta
  GROUP BY GROUPING SETS ((environment, day, "teamId"), (environment, day))
  ORDER BY environment, day, coalesce("teamId", 0)
  ON CONFLICT (environment, day, "teamId") DO UPDATE SET
    deployments = t.deployments + EXCLUDED.deployments, failures = t.failures + EXCLUDED.failures, rework = t.rework + EXCLUDED.rework,
    succeeded = t.succeeded + EXCLUDED.succeeded, "leadKnownDeployments" = t."leadKnownDeployments" + EXCLUDED."leadKnownDeployments",
    "leadUnknownCommits" = t."leadUnknownCommits" + EXCLUDED."leadUnknownCommits", unrecovered = t.unrecovered + EXCLUDED.unrecovered;
  IF cardinality(p_old) > 0 THEN
    DELETE FROM "DoraDay" t USING (SELECT DISTINCT o.environment, o.day, x.team AS "teamId" FROM unnest(p_old) o CROSS JOIN LATERAL (VALUES (o."teamId"), (0)) x(team)) k
    WHERE t.environment = k.environment AND t.day = k.day AND t."teamId" = k."teamId" AND t.deployments = 0;
  END IF;

  WITH vals AS (
    SELECT -1 AS sign, 1 AS kind, o.environment, o."teamId", o.day, dora_bucket(v) AS bucket FROM unnest(p_old) o, unnest(o."leadSeconds") v
    UNION ALL SELECT -1, 2, o.environment, o."teamId", o.day, dora_bucket(o."recoverySeconds") FROM unnest(p_old) o WHERE o."recoverySeconds" IS NOT NULL
    UNION ALL SELECT 1, 1, n.environment, n."teamId", n.day, dora_bucket(v) FROM unnest(p_new) n, unnest(n."leadSeconds") v
    UNION ALL SELECT 1, 2, n.environment, n."teamId", n.day, dora_bucket(n."recoverySeconds") FROM unnest(p_new) n WHERE n."recoverySeconds" IS NOT NULL),
  by_block AS (
    SELECT kind, environment, lv AS level, day >> lv AS block, t.team AS "teamId", bucket, sum(sign)::integer AS n
    FROM vals CROSS JOIN LATERAL (VALUES (vals."teamId"), (0)) t(team) CROSS JOIN generate_series(0, 6) lv
    GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(sign) <> 0),
  merged AS (
    SELECT kind, environment, level, block, "teamId", array_agg(bucket ORDER BY bucket) AS buckets, array_agg(n ORDER BY bucket) AS counts
    FROM by_block GROUP BY 1, 2, 3, 4, 5)
  INSERT INTO "DoraHistogram" AS h (kind, environment, level, block, "teamId", buckets, counts)
  SELECT kind, environment, level, block, "teamId", buckets, counts FROM merged ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (kind, environment, level, block, "teamId") DO UPDATE SET (buckets, counts) = (
    SELECT array_agg(x.b ORDER BY x.b), array_agg(x.n ORDER BY x.b)
    FROM (SELECT u.b, sum(u.n)::integer AS n
          FROM (SELECT * FROM unnest(h.buckets, h.counts) UNION ALL SELECT * FROM unnest(EXCLUDED.buckets, EXCLUDED.counts)) u(b, n)
          GROUP BY u.b HAVING sum(u.n) <> 0) x);
END $$;

-- The fact triggers: each statement's facts out and in, as one delta.
CREATE OR REPLACE FUNCTION dora_fact_changed() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN PERFORM dora_apply('{}', ARRAY(SELECT n::"DoraDeploymentFact" FROM new_facts n));
  ELSIF TG_OP = 'DELETE' THEN PERFORM dora_apply(ARRAY(SELECT o::"DoraDeploymentFact" FROM old_facts o), '{}');
  ELSE PERFORM dora_apply(ARRAY(SELECT o::"DoraDeploymentFact" FROM old_facts o), ARRAY(SELECT n::"DoraDeploymentFact" FROM new_facts n));
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER dora_fact_insert AFTER INSERT ON "DoraDeploymentFact" REFERENCING NEW TABLE AS new_facts FOR EACH STATEMENT EXECUTE FUNCTION dora_fact_changed();
CREATE OR REPLACE TRIGGER dora_fact_update AFTER UPDATE ON "DoraDeploymentFact" REFERENCING OLD TABLE AS old_facts NEW TABLE AS new_facts FOR EACH STATEMENT EXECUTE FUNCTION dora_fact_changed();
CREATE OR REPLACE TRIGGER dora_fact_delete AFTER DELETE ON "DoraDeploymentFact" REFERENCING OLD TABLE AS old_facts FOR EACH STATEMENT EXECUTE FUNCTION dora_fact_changed();
