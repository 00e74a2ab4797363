-- CreateTable
CREATE TABLE "DoraDeploymentFact" (
    "deploymentId" INTEGER NOT NULL,
    "serviceId" INTEGER NOT NULL,
    "teamId" INTEGER NOT NULL,
    "environment" TEXT NOT NULL,
    "day" INTEGER NOT NULL,
    "isFailure" BOOLEAN NOT NULL,
    "isRework" BOOLEAN NOT NULL,
    "isSucceeded" BOOLEAN NOT NULL,
    "recoverySeconds" INTEGER,
    "isUnrecovered" BOOLEAN NOT NULL,
    "recoveryDeploymentId" INTEGER,
    "leadSeconds" INTEGER[],
    "leadUnknown" INTEGER NOT NULL,

    CONSTRAINT "DoraDeploymentFact_pkey" PRIMARY KEY ("deploymentId")
);

-- CreateTable
CREATE TABLE "DoraDay" (
    "environment" TEXT NOT NULL,
    "day" INTEGER NOT NULL,
    "teamId" INTEGER NOT NULL,
    "deployments" INTEGER NOT NULL,
    "failures" INTEGER NOT NULL,
    "rework" INTEGER NOT NULL,
    "succeeded" INTEGER NOT NULL,
    "leadKnownDeployments" INTEGER NOT NULL,
    "leadUnknownCommits" INTEGER NOT NULL,
    "unrecovered" INTEGER NOT NULL,

    CONSTRAINT "DoraDay_pkey" PRIMARY KEY ("environment","day","teamId")
);

-- CreateTable
CREATE TABLE "DoraHistogram" (
    "kind" SMALLINT NOT NULL,
    "environment" TEXT NOT NULL,
    "level" SMALLINT NOT NULL,
    "block" INTEGER NOT NULL,
    "teamId" INTEGER NOT NULL,
    "buckets" INTEGER[],
    "counts" INTEGER[],

    CONSTRAINT "DoraHistogram_pkey" PRIMARY KEY ("kind","environment","level","block","teamId")
);

-- CreateIndex
CREATE INDEX "DoraDeploymentFact_teamId_environment_day_idx" ON "DoraDeploymentFact"("teamId", "environment", "day");

-- CreateIndex
CREATE INDEX "DoraDeploymentFact_serviceId_environment_day_idx" ON "DoraDeploymentFact"("serviceId", "environment", "day");

-- CreateIndex
CREATE INDEX "DoraDeploymentFact_recoveryDeploymentId_idx" ON "DoraDeploymentFact"("recoveryDeploymentId");

-- CreateIndex
CREATE INDEX "DoraDay_teamId_environment_day_idx" ON "DoraDay"("teamId", "environment", "day");

-- ───────────── DORA: facts and rollups kept current by triggers ─────────────
-- Written by hand (Prisma cannot express functions, triggers or GiST
-- expression indexes). The rules are lib/dora/metrics.ts deriveFacts, said
-- again in SQL, docs/metrics.md explains both, and the integration test
-- lib/dora/server/fast-path.integration.test.ts holds them to each other.
--
--   Deployment / Change / Incident ──(statement triggers)──▶ dora_refresh(ids)
--     ──▶ "DoraDeploymentFact" (one row per finished deployment)
--     ──(statement triggers, transition tables)──▶ "DoraDay" + "DoraHistogram"
--
-- A batch of 1,000 deployments costs one refresh per statement, not one per row.
-- Bulk loaders (the demo seed) may set portside.dora_defer = 'on' for their
-- COPYs and call dora_refresh with the ids they wrote.

CREATE FUNCTION dora_epoch(t timestamp) RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT extract(epoch FROM t)::double precision $$;

-- [a, b] on one service as a box, so that "an incident open for the whole deployment" is one GiST lookup.
CREATE FUNCTION dora_span(service integer, a timestamp, b timestamp) RETURNS box
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT box(point(service, public.dora_epoch(a)), point(service, public.dora_epoch(b))) $$;

-- Whole seconds from a to b, never negative (interval arithmetic: exact).
CREATE FUNCTION dora_seconds(a timestamp, b timestamp) RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT greatest(0, floor(extract(epoch FROM (b - a))))::integer $$;

-- lib/dora/stats.ts bucketOf: 0 for 0, else 1 + floor(log_1.02(s)).
CREATE FUNCTION dora_bucket(s integer) RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT CASE WHEN s <= 0 THEN 0 ELSE 1 + floor(ln(s::double precision) / ln(1.02::double precision))::integer END $$;

CREATE INDEX "Incident_dora_span_idx" ON "Incident" USING gist (public.dora_span("serviceId", "openedAt", "resolvedAt")) WHERE "resolvedAt" IS NOT NULL;

-- The fact of each finished deployment among p_ids, computed from raw rows.
CREATE FUNCTION dora_fact_rows(p_ids integer[]) RETURNS SETOF "DoraDeploymentFact"
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
      AND NOT EXISTS (
        SELECT 1 FROM "Change" c2 JOIN "Deployment" d2 ON d2.id = c2."deploymentId"
        WHERE c2.sha = c.sha AND c2."deploymentId" <> d.id
          AND d2."serviceId" = d."serviceId" AND d2.environment = d.environment AND d2.status = 'SUCCEEDED'
          AND d2."finishedAt" IS NOT NULL AND (d2."finishedAt", d2.id) < (d."finishedAt", d.id))) lead ON true
  WHERE d.id = ANY (p_ids) AND d."finishedAt" IS NOT NULL
$$;

-- Recompute the facts of these deployments: only rows that changed are written (and so reach the rollups).
CREATE FUNCTION dora_refresh(p_ids integer[]) RETURNS void
  LANGUAGE plpgsql AS $$
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

-- Facts removed (p_old) and added (p_new) → rollup deltas. Rows are locked in key order, so concurrent calls never deadlock.
CREATE FUNCTION dora_apply(p_old "DoraDeploymentFact"[], p_new "DoraDeploymentFact"[]) RETURNS void
  LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "DoraDay" AS t (environment, day, "teamId", deployments, failures, rework, succeeded, "leadKnownDeployments", "leadUnknownCommits", unrecovered)
  SELECT environment, day, "teamId", sum(sign)::integer,
         coalesce(sum(sign) FILTER (WHERE "isFailure"), 0)::integer,
         coalesce(sum(sign) FILTER (WHERE "isRework"), 0)::integer,
         coalesce(sum(sign) FILTER (WHERE "isSucceeded"), 0)::integer,
         coalesce(sum(sign) FILTER (WHERE "isSucceeded" AND cardinality("leadSeconds") > 0), 0)::integer,
         coalesce(sum(sign * "leadUnknown") FILTER (WHERE "isSucceeded"), 0)::integer,
         coalesce(sum(sign) FILTER (WHERE "isUnrecovered"), 0)::integer
  FROM (SELECT -1 AS sign, o.* FROM unnest(p_old) o UNION ALL SELECT 1, n.* FROM unnest(p_new) n) delta
  GROUP BY environment, day, "teamId"
  ORDER BY environment, day, "teamId"
  ON CONFLICT (environment, day, "teamId") DO UPDATE SET
    deployments = t.deployments + EXCLUDED.deployments, failures = t.failures + EXCLUDED.failures, rework = t.rework + EXCLUDED.rework,
    succeeded = t.succeeded + EXCLUDED.succeeded, "leadKnownDeployments" = t."leadKnownDeployments" + EXCLUDED."leadKnownDeployments",
    "leadUnknownCommits" = t."leadUnknownCommits" + EXCLUDED."leadUnknownCommits", unrecovered = t.unrecovered + EXCLUDED.unrecovered;
  IF cardinality(p_old) > 0 THEN
    DELETE FROM "DoraDay" t USING (SELECT DISTINCT environment, day, "teamId" FROM unnest(p_old)) k
    WHERE t.environment = k.environment AND t.day = k.day AND t."teamId" = k."teamId" AND t.deployments = 0;
  END IF;

  WITH vals AS (
    SELECT -1 AS sign, 1 AS kind, o.environment, o."teamId", o.day, dora_bucket(v) AS bucket FROM unnest(p_old) o, unnest(o."leadSeconds") v
    UNION ALL SELECT -1, 2, o.environment, o."teamId", o.day, dora_bucket(o."recoverySeconds") FROM unnest(p_old) o WHERE o."recoverySeconds" IS NOT NULL
    UNION ALL SELECT 1, 1, n.environment, n."teamId", n.day, dora_bucket(v) FROM unnest(p_new) n, unnest(n."leadSeconds") v
    UNION ALL SELECT 1, 2, n.environment, n."teamId", n.day, dora_bucket(n."recoverySeconds") FROM unnest(p_new) n WHERE n."recoverySeconds" IS NOT NULL),
  by_block AS (
    SELECT kind, environment, lv AS level, day >> lv AS block, "teamId", bucket, sum(sign)::integer AS n
    FROM vals CROSS JOIN generate_series(0, 10) lv
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

CREATE FUNCTION dora_fact_changed() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN PERFORM dora_apply('{}', ARRAY(SELECT n::"DoraDeploymentFact" FROM new_facts n));
  ELSIF TG_OP = 'DELETE' THEN PERFORM dora_apply(ARRAY(SELECT o::"DoraDeploymentFact" FROM old_facts o), '{}');
  ELSE PERFORM dora_apply(ARRAY(SELECT o::"DoraDeploymentFact" FROM old_facts o), ARRAY(SELECT n::"DoraDeploymentFact" FROM new_facts n));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER dora_fact_insert AFTER INSERT ON "DoraDeploymentFact" REFERENCING NEW TABLE AS new_facts FOR EACH STATEMENT EXECUTE FUNCTION dora_fact_changed();
CREATE TRIGGER dora_fact_update AFTER UPDATE ON "DoraDeploymentFact" REFERENCING OLD TABLE AS old_facts NEW TABLE AS new_facts FOR EACH STATEMENT EXECUTE FUNCTION dora_fact_changed();
CREATE TRIGGER dora_fact_delete AFTER DELETE ON "DoraDeploymentFact" REFERENCING OLD TABLE AS old_facts FOR EACH STATEMENT EXECUTE FUNCTION dora_fact_changed();

-- Deployments whose facts may change when these deployment rows change: themselves, failures whose
-- recovery ended at one of them, failures since the previous succeeded deployment, which a succeeded
-- one may now end, and deployments carrying the same commits (which one brought a commit first).
CREATE FUNCTION dora_deployment_dependents(p_rows "Deployment"[]) RETURNS integer[]
  LANGUAGE sql STABLE AS $$
  SELECT ARRAY(
    SELECT r.id FROM unnest(p_rows) r
    UNION
    SELECT f."deploymentId" FROM "DoraDeploymentFact" f WHERE f."recoveryDeploymentId" IN (SELECT r.id FROM unnest(p_rows) r)
    UNION
    SELECT fd.id
    FROM unnest(p_rows) n
    LEFT JOIN LATERAL (
      SELECT p."finishedAt" FROM "Deployment" p
      WHERE p."serviceId" = n."serviceId" AND p.environment = n.environment AND p.status = 'SUCCEEDED' AND p."finishedAt" < n."finishedAt"
      ORDER BY p."finishedAt" DESC LIMIT 1) prev ON true
    JOIN "Deployment" fd ON fd."serviceId" = n."serviceId" AND fd.environment = n.environment
                        AND fd."finishedAt" < n."finishedAt" AND fd."finishedAt" >= coalesce(prev."finishedAt", '-infinity')
                        AND fd.status IN ('FAILED', 'ROLLED_BACK')
    WHERE n.status = 'SUCCEEDED' AND n."finishedAt" IS NOT NULL
    UNION
    SELECT c2."deploymentId" FROM "Change" c JOIN "Change" c2 ON c2.sha = c.sha WHERE c."deploymentId" IN (SELECT r.id FROM unnest(p_rows) r))
$$;

CREATE FUNCTION dora_deployment_changed() RETURNS trigger
  LANGUAGE plpgsql AS $$
DECLARE
  v_rows "Deployment"[] := '{}';
BEGIN
  IF current_setting('portside.dora_defer', true) = 'on' THEN RETURN NULL; END IF;
  IF TG_OP <> 'DELETE' THEN v_rows := v_rows || ARRAY(SELECT n::"Deployment" FROM new_rows n); END IF;
  IF TG_OP <> 'INSERT' THEN v_rows := v_rows || ARRAY(SELECT o::"Deployment" FROM old_rows o); END IF;
  PERFORM dora_refresh(dora_deployment_dependents(v_rows));
  RETURN NULL;
END $$;

CREATE TRIGGER dora_deployment_insert AFTER INSERT ON "Deployment" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_deployment_changed();
CREATE TRIGGER dora_deployment_update AFTER UPDATE ON "Deployment" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_deployment_changed();
CREATE TRIGGER dora_deployment_delete AFTER DELETE ON "Deployment" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_deployment_changed();

-- A commit added, changed or removed: its deployment, and every deployment carrying the same sha.
CREATE FUNCTION dora_change_changed() RETURNS trigger
  LANGUAGE plpgsql AS $$
DECLARE
  v_rows "Change"[] := '{}';
BEGIN
  IF current_setting('portside.dora_defer', true) = 'on' THEN RETURN NULL; END IF;
  IF TG_OP <> 'DELETE' THEN v_rows := v_rows || ARRAY(SELECT n::"Change" FROM new_rows n); END IF;
  IF TG_OP <> 'INSERT' THEN v_rows := v_rows || ARRAY(SELECT o::"Change" FROM old_rows o); END IF;
  PERFORM dora_refresh(ARRAY(
    SELECT r."deploymentId" FROM unnest(v_rows) r
    UNION SELECT c2."deploymentId" FROM "Change" c2 WHERE c2.sha IN (SELECT r.sha FROM unnest(v_rows) r)));
  RETURN NULL;
END $$;

CREATE TRIGGER dora_change_insert AFTER INSERT ON "Change" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_change_changed();
CREATE TRIGGER dora_change_update AFTER UPDATE ON "Change" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_change_changed();
CREATE TRIGGER dora_change_delete AFTER DELETE ON "Change" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_change_changed();

-- An incident added, changed or removed: the deployments it is (or was) attributed to, and those
-- made while it was open (rework).
CREATE FUNCTION dora_incident_changed() RETURNS trigger
  LANGUAGE plpgsql AS $$
DECLARE
  v_rows "Incident"[] := '{}';
BEGIN
  IF current_setting('portside.dora_defer', true) = 'on' THEN RETURN NULL; END IF;
  IF TG_OP <> 'DELETE' THEN v_rows := v_rows || ARRAY(SELECT n::"Incident" FROM new_rows n); END IF;
  IF TG_OP <> 'INSERT' THEN v_rows := v_rows || ARRAY(SELECT o::"Incident" FROM old_rows o); END IF;
  PERFORM dora_refresh(ARRAY(
    SELECT r."deploymentId" FROM unnest(v_rows) r WHERE r."deploymentId" IS NOT NULL
    UNION
    SELECT d.id FROM unnest(v_rows) r
    JOIN "Deployment" d ON d."serviceId" = r."serviceId" AND d."finishedAt" >= least(r."openedAt", r."resolvedAt") AND d."finishedAt" <= r."resolvedAt"
    WHERE r."resolvedAt" IS NOT NULL));
  RETURN NULL;
END $$;

CREATE TRIGGER dora_incident_insert AFTER INSERT ON "Incident" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_incident_changed();
CREATE TRIGGER dora_incident_update AFTER UPDATE ON "Incident" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_incident_changed();
CREATE TRIGGER dora_incident_delete AFTER DELETE ON "Incident" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_incident_changed();

-- A service moving to another team takes its facts (and so its rollup contributions) along.
CREATE FUNCTION dora_service_team_changed() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "DoraDeploymentFact" SET "teamId" = NEW."teamId" WHERE "serviceId" = NEW.id AND "teamId" <> NEW."teamId";
  RETURN NULL;
END $$;

CREATE TRIGGER dora_service_team AFTER UPDATE OF "teamId" ON "Service" FOR EACH ROW WHEN (OLD."teamId" IS DISTINCT FROM NEW."teamId") EXECUTE FUNCTION dora_service_team_changed();

-- Deployments stored before this migration.
SELECT dora_refresh(ARRAY(SELECT id FROM "Deployment"));
