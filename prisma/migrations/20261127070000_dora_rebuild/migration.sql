-- ───────────── DORA: rebuild every fact and rollup at once, set-based ─────────────
-- Written by hand. For bulk loaders (the demo seed, a restore): they write with
-- portside.dora_defer = 'on' (the triggers skip) and call dora_rebuild() once at
-- the end, instead of dora_refresh chunk by chunk through the fact triggers, which
-- cost the seed of 1,000,000 deployments 24 minutes.
--
-- The same rules as dora_fact_rows (prisma/migrations/*_dora_rollups), said with
-- joins, GROUP BY and one window instead of lookups per deployment:
--   * incidents attributed to a deployment: one GROUP BY over "Incident";
--   * the commits a deployment brought to production first: rank() over
--     (service, environment, sha) by (finishedAt, id) among succeeded deployments;
--   * rework "made while an incident on its service was open": from each resolved
--     incident to the deployments of its service that finished while it was open
--     (incidents are ten times fewer than deployments);
--   * the next succeeded deployment: looked up for the failures without an
--     incident only.
-- Then "DoraDay" by GROUP BY, and "DoraHistogram" series by series (team, kind,
-- environment), each level from the day rows. lib/dora/server/fast-path.integration.test.ts holds the result to
-- what the triggers build, row for row.
--
-- It replaces the facts of every deployment and takes the three DORA tables for
-- its transaction (writers' triggers wait for it, then apply their difference
-- to the rebuilt rows).

CREATE FUNCTION dora_rebuild() RETURNS void
  LANGUAGE plpgsql
  SET work_mem = '256MB'
  AS $$
DECLARE
  v_t timestamptz := clock_timestamp();
  v_rows bigint;
  lv integer;
  v_index record;
  v_series record;
  v_indexes text[] := '{}';
BEGIN
  -- In the order the fact triggers take them, so a concurrent writer never deadlocks with a rebuild.
  LOCK TABLE "DoraDeploymentFact", "DoraDay", "DoraHistogram" IN EXCLUSIVE MODE;
  TRUNCATE "DoraDeploymentFact", "DoraDay", "DoraHistogram";
  -- The rollups are built below from all the facts at once: the fact triggers' per-statement deltas would
  -- only repeat that work through a transition table of every row.
  ALTER TABLE "DoraDeploymentFact" DISABLE TRIGGER dora_fact_insert;
  -- The facts' secondary indexes are built once, after the insert, from their own definitions.
  FOR v_index IN
    SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
    FROM pg_index i WHERE i.indrelid = '"DoraDeploymentFact"'::regclass AND NOT i.indisprimary
  LOOP
    EXECUTE 'DROP INDEX ' || v_index.name;
    v_indexes := v_indexes || v_index.def;
  END LOOP;

  -- The first-brought commits and the rework matches are tables of their own, each timed: at 10,000,000
  -- deployments (about 100,000,000 commits) they are the long parts.
  CREATE TEMP TABLE dora_rebuild_lead ON COMMIT DROP AS
  SELECT x.id,
         array_agg(dora_seconds(x.t, x."finishedAt") ORDER BY dora_seconds(x.t, x."finishedAt")) FILTER (WHERE x.t IS NOT NULL) AS seconds,
         count(*) FILTER (WHERE x.t IS NULL) AS unknown
  FROM (
    SELECT d.id, d."finishedAt", coalesce(c."committedAt", c."authoredAt") AS t,
           -- rank, not row_number: a deployment carrying the same sha twice brings both rows, as in dora_fact_rows.
           -- Bytewise (a deterministic collation's equality is bytewise): the sort is several times faster.
           rank() OVER (PARTITION BY d."serviceId", d.environment COLLATE "C", c.sha COLLATE "C" ORDER BY d."finishedAt", d.id) AS r
    FROM "Change" c JOIN "Deployment" d ON d.id = c."deploymentId"
    WHERE d.status = 'SUCCEEDED' AND d."finishedAt" IS NOT NULL) x
  WHERE x.r = 1
  GROUP BY x.id;
  GET DIAGNOSTICS v_rows = ROW_COUNT;
  RAISE NOTICE 'dora_rebuild: lead times of % deployments in % s', v_rows, round(extract(epoch FROM clock_timestamp() - v_t)::numeric, 1);
  v_t := clock_timestamp();
  ANALYZE dora_rebuild_lead;

  CREATE TEMP TABLE dora_rebuild_rework ON COMMIT DROP AS
  WITH envs AS (
    -- The environments deployed to, by skipping through the (environment, finishedAt) index.
    WITH RECURSIVE e AS (
      SELECT min(environment) AS environment FROM "Deployment"
      UNION ALL
      SELECT (SELECT min(d.environment) FROM "Deployment" d WHERE d.environment > e.environment) FROM e WHERE e.environment IS NOT NULL)
    SELECT environment FROM e WHERE environment IS NOT NULL)
  SELECT DISTINCT m.id
  FROM "Incident" i CROSS JOIN envs
  CROSS JOIN LATERAL (
    SELECT d.id FROM "Deployment" d
    WHERE d."serviceId" = i."serviceId" AND d.environment = envs.environment
      AND d."finishedAt" >= least(i."openedAt", i."resolvedAt") AND d."finishedAt" <= greatest(i."openedAt", i."resolvedAt")
      AND dora_span(i."serviceId", i."openedAt", i."resolvedAt") @> dora_span(d."serviceId", d."startedAt", d."finishedAt")
    -- Kept a loop over the incidents: the planner would rather probe the incidents' GiST index once per deployment.
    OFFSET 0) m
  WHERE i."resolvedAt" IS NOT NULL;
  GET DIAGNOSTICS v_rows = ROW_COUNT;
  RAISE NOTICE 'dora_rebuild: % rework deployments in % s', v_rows, round(extract(epoch FROM clock_timestamp() - v_t)::numeric, 1);
  v_t := clock_timestamp();
  ANALYZE dora_rebuild_rework;

  INSERT INTO "DoraDeploymentFact"
  WITH inc AS (
    SELECT i."deploymentId" AS id, count(*) AS n, count(*) FILTER (WHERE i."resolvedAt" IS NULL) AS open,
           min(i."openedAt") AS first_opened, max(i."resolvedAt") AS last_resolved
    FROM "Incident" i WHERE i."deploymentId" IS NOT NULL AND i."causedByChange" IS DISTINCT FROM false
    GROUP BY i."deploymentId")
  SELECT d.id, d."serviceId", s."teamId", d.environment,
         floor(extract(epoch FROM d."finishedAt") / 86400)::integer,
         (d.status IN ('FAILED', 'ROLLED_BACK') OR coalesce(inc.n, 0) > 0),
         (NOT d."isPlanned" OR d."fixesIncidentRef" IS NOT NULL OR rw.id IS NOT NULL),
         d.status = 'SUCCEEDED',
         CASE WHEN inc.n > 0 THEN CASE WHEN inc.open = 0 THEN dora_seconds(inc.first_opened, inc.last_resolved) END
              WHEN d.status IN ('FAILED', 'ROLLED_BACK') AND nxt.id IS NOT NULL THEN dora_seconds(d."finishedAt", nxt."finishedAt") END,
         coalesce(inc.open > 0, d.status IN ('FAILED', 'ROLLED_BACK') AND nxt.id IS NULL),
         CASE WHEN inc.n IS NULL THEN nxt.id END,
         coalesce(lead.seconds, '{}'),
         coalesce(lead.unknown, 0)::integer
  FROM "Deployment" d
  JOIN "Service" s ON s.id = d."serviceId"
  LEFT JOIN inc ON inc.id = d.id
  LEFT JOIN dora_rebuild_lead lead ON lead.id = d.id
  LEFT JOIN dora_rebuild_rework rw ON rw.id = d.id
  LEFT JOIN LATERAL (
    SELECT n.id, n."finishedAt" FROM "Deployment" n
    WHERE d.status IN ('FAILED', 'ROLLED_BACK') AND inc.n IS NULL
      AND n."serviceId" = d."serviceId" AND n.environment = d.environment
      AND n."finishedAt" > d."finishedAt" AND n.status = 'SUCCEEDED'
    ORDER BY n."finishedAt", n.id LIMIT 1) nxt ON true
  WHERE d."finishedAt" IS NOT NULL;
  GET DIAGNOSTICS v_rows = ROW_COUNT;
  RAISE NOTICE 'dora_rebuild: % facts in % s', v_rows, round(extract(epoch FROM clock_timestamp() - v_t)::numeric, 1);
  v_t := clock_timestamp();
  DROP TABLE dora_rebuild_lead;
  DROP TABLE dora_rebuild_rework;

  ALTER TABLE "DoraDeploymentFact" ENABLE TRIGGER dora_fact_insert;
  FOR lv IN 1..coalesce(cardinality(v_indexes), 0) LOOP EXECUTE v_indexes[lv]; END LOOP;
  RAISE NOTICE 'dora_rebuild: the facts'' indexes in % s', round(extract(epoch FROM clock_timestamp() - v_t)::numeric, 1);
  v_t := clock_timestamp();

  INSERT INTO "DoraDay" (environment, day, "teamId", deployments, failures, rework, succeeded, "leadKnownDeployments", "leadUnknownCommits", unrecovered)
  SELECT environment, day, coalesce("teamId", 0), count(*)::integer,
         count(*) FILTER (WHERE "isFailure")::integer,
         count(*) FILTER (WHERE "isRework")::integer,
         count(*) FILTER (WHERE "isSucceeded")::integer,
         count(*) FILTER (WHERE "isSucceeded" AND cardinality("leadSeconds") > 0)::integer,
         coalesce(sum("leadUnknown") FILTER (WHERE "isSucceeded"), 0)::integer,
         count(*) FILTER (WHERE "isUnrecovered")::integer
  FROM "DoraDeploymentFact"
  GROUP BY GROUPING SETS ((environment, day, "teamId"), (environment, day));
  RAISE NOTICE 'dora_rebuild: day counts in % s', round(extract(epoch FROM clock_timestamp() - v_t)::numeric, 1);
  v_t := clock_timestamp();

  -- Series by series (kind, environment, team): its values by day and bucket (level 0), then every coarser level
  -- (block b of level L is days b·2^L … (b+1)·2^L − 1) from those day rows. One team's facts come in by the
  -- (teamId, environment, day) index and its groups fit in memory; grouped over every team at once, the 100,000,000
  -- values of 10,000,000 deployments spilled to disk level after level. The organisation (team 0) is summed from
  -- its teams' day rows, last: every fact has a team.
  FOR v_series IN
    SELECT k.kind, t.environment, t."teamId"
    FROM (SELECT DISTINCT environment, "teamId" FROM "DoraDay") t CROSS JOIN (VALUES (1), (2)) k(kind)
    ORDER BY t."teamId" = 0, 1, 2, 3
  LOOP
    INSERT INTO "DoraHistogram" (kind, environment, level, block, "teamId", buckets, counts)
    WITH l0 AS MATERIALIZED (
      SELECT v.day AS block, v.bucket, sum(v.n)::integer AS n
      FROM (SELECT f.day, dora_bucket(x) AS bucket, 1 AS n
            FROM "DoraDeploymentFact" f, unnest(f."leadSeconds") x
            WHERE v_series.kind = 1 AND v_series."teamId" <> 0 AND f."teamId" = v_series."teamId" AND f.environment = v_series.environment
            UNION ALL
            SELECT f.day, dora_bucket(f."recoverySeconds"), 1
            FROM "DoraDeploymentFact" f
            WHERE v_series.kind = 2 AND v_series."teamId" <> 0 AND f."teamId" = v_series."teamId" AND f.environment = v_series.environment
              AND f."recoverySeconds" IS NOT NULL
            UNION ALL
            SELECT h.block, b.bucket, b.n
            FROM "DoraHistogram" h, unnest(h.buckets, h.counts) b(bucket, n)
            WHERE v_series."teamId" = 0 AND h.kind = v_series.kind AND h.environment = v_series.environment AND h.level = 0 AND h."teamId" <> 0) v
      GROUP BY 1, 2),
    levels AS (
      SELECT 0 AS level, block, bucket, n FROM l0
      UNION ALL
      SELECT g.l, block >> g.l, bucket, sum(n)::integer FROM l0 CROSS JOIN generate_series(1, 6) g(l) GROUP BY 1, 2, 3)
    SELECT v_series.kind, v_series.environment, level, block, v_series."teamId", array_agg(bucket ORDER BY bucket), array_agg(n ORDER BY bucket)
    FROM levels GROUP BY level, block;
  END LOOP;
  RAISE NOTICE 'dora_rebuild: histograms in % s', round(extract(epoch FROM clock_timestamp() - v_t)::numeric, 1);
END $$;
