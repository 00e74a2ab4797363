-- ───────────── DORA: the organisation's own rollup rows ─────────────
-- Written by hand. "DoraDay" and "DoraHistogram" also keep the whole organisation
-- as team 0 (no team has id 0): the sum of every team's rows, kept by the same
-- deltas. Organisation-wide reads (the /dora page's organisation, the 12-month
-- organisation trend on /exec) then read one row per day or block instead of 200,
-- which at 200 teams was 200 times the histogram data of a team's read.
-- lib/dora/server/fast-path.integration.test.ts holds them to the sum of the teams'
-- rows, both as the triggers keep them and as dora_rebuild builds them.

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

-- The organisation's rows of the rollups stored before this migration.
INSERT INTO "DoraDay" (environment, day, "teamId", deployments, failures, rework, succeeded, "leadKnownDeployments", "leadUnknownCommits", unrecovered)
SELECT environment, day, 0, sum(deployments)::integer, sum(failures)::integer, sum(rework)::integer, sum(succeeded)::integer,
       sum("leadKnownDeployments")::integer, sum("leadUnknownCommits")::integer, sum(unrecovered)::integer
FROM "DoraDay" GROUP BY environment, day;

INSERT INTO "DoraHistogram" (kind, environment, level, block, "teamId", buckets, counts)
SELECT kind, environment, level, block, 0, array_agg(b ORDER BY b), array_agg(n ORDER BY b)
FROM (SELECT h.kind, h.environment, h.level, h.block, u.b, sum(u.n)::integer AS n
      FROM "DoraHistogram" h CROSS JOIN LATERAL unnest(h.buckets, h.counts) AS u(b, n)
      GROUP BY 1, 2, 3, 4, 5 HAVING sum(u.n) <> 0) x
GROUP BY kind, environment, level, block;
