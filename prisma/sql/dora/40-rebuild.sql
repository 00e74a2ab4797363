-- ───────────── DORA: rebuild every fact and rollup, for bulk loaders ─────────────
-- A repeatable file (prisma/sql/README.md): the one definition of each object
-- below, re-applied whole by `npm run db:migrate` whenever this file changes.
--
-- For bulk loaders (the demo seed, a restore) and for restating every fact
-- after the rule changed (20-facts.sql): they write in the `bulk` mode
-- (30-triggers.sql: the triggers skip) and call dora_rebuild() once at the end.
--
-- The facts come from dora_fact_rows, the rule the triggers use, over chunks
-- of deployment ids (p_chunk per statement, so that no statement holds the
-- whole history's intermediate rows), with the facts' insert trigger and
-- secondary indexes off: the rollups are built afterwards from all the facts
-- at once, "DoraDay" by GROUP BY and "DoraHistogram" series by series (team,
-- kind, environment), each level from the day rows. These sums are what
-- dora_apply (20-facts.sql) keeps as deltas;
-- lib/dora/server/fast-path.integration.test.ts holds what this builds to what
-- the triggers build, row for row.
--
-- It replaces the facts of every deployment and takes the three DORA tables
-- for its transaction (writers' triggers wait for it, then apply their
-- difference to the rebuilt rows). Its notices time each part.

CREATE OR REPLACE FUNCTION dora_rebuild(p_chunk integer DEFAULT 20000) RETURNS void
  LANGUAGE plpgsql
  SET work_mem = '256MB'
  SET plan_cache_mode = force_custom_plan
  AS $$
DECLARE
  v_t timestamptz := clock_timestamp();
  v_from bigint;
  v_last bigint;
  v_rows bigint := 0;
  v_chunk_rows bigint;
  v_ids integer[];
  v_jit text := current_setting('jit');
  lv integer;
  v_index record;
  v_series record;
  v_indexes text[] := '{}';
BEGIN
  IF p_chunk IS NULL OR p_chunk < 1 THEN RAISE EXCEPTION 'dora_rebuild: p_chunk must be a positive number of deployment ids (got %)', p_chunk; END IF;
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

  -- The facts, chunk by chunk of ids, by the rule the triggers use. The ids go in as a variable, so that
  -- dora_fact_rows is inlined and planned for each chunk's ids (as in dora_refresh: a plan per call, no
  -- JIT, which would compile each chunk's statement for longer than it runs; the statements after the
  -- loop keep the session's JIT setting).
  PERFORM set_config('jit', 'off', true);
  SELECT min(id), max(id) INTO v_from, v_last FROM "Deployment";
  WHILE v_from <= v_last LOOP
    v_ids := ARRAY(SELECT d.id FROM "Deployment" d WHERE d.id >= v_from AND d.id < v_from + p_chunk);
    INSERT INTO "DoraDeploymentFact" SELECT * FROM dora_fact_rows(v_ids);
    GET DIAGNOSTICS v_chunk_rows = ROW_COUNT;
    v_rows := v_rows + v_chunk_rows;
    v_from := v_from + p_chunk;
  END LOOP;
  PERFORM set_config('jit', v_jit, true);
  RAISE NOTICE 'dora_rebuild: % facts in % s', v_rows, round(extract(epoch FROM clock_timestamp() - v_t)::numeric, 1);
  v_t := clock_timestamp();

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
