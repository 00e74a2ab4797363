-- ───────────── DORA: the triggers on raw rows, and their three modes ─────────────
-- A repeatable file (prisma/sql/README.md): the one definition of each object
-- below, re-applied whole by `npm run db:migrate` whenever this file changes.
--
-- Statement triggers on "Deployment", "Change" and "Incident" find the
-- deployments a write may affect and bring their facts up to date
-- (dora_refresh, 20-facts.sql). What they do is chosen per transaction by the
-- setting portside.dora_refresh, set through one helper in TypeScript,
-- lib/dora/refresh-mode.ts (setDoraRefreshMode / doraRefreshModeSql), never by
-- hand:
--
--   immediate  (the default, when the setting is unset or empty)
--              The writer's own statement recomputes the facts and rollups
--              of everything it affects before it returns. For rare writes
--              (the UI, tests) and anything that reads its figures at once.
--   queued     The triggers only note the deployments concerned in
--              "DoraPending", in the writer's transaction (a crash loses
--              nothing); dora_drain, below, later recomputes many writes'
--              facts in one call. For writers on a hot path: the ingest API
--              and the CodePipeline sync. lib/dora/server/refresh-dora-facts.ts
--              drains after their commit, every DORA read drains first, and a
--              sweep picks up what another process left.
--   bulk       The triggers do nothing: the writer restates the facts itself,
--              with SELECT dora_rebuild() (40-rebuild.sql) after loading a
--              whole history (the demo seed), or dora_refresh(ids) with the
--              ids it wrote. For bulk loaders only: until they do, the figures
--              do not include their rows.
--
-- Any other value is an error (a misspelt mode must not silently recompute
-- in a hot path, or skip the figures). A "Service" moving team always takes
-- its facts along, whatever the mode.

-- The mode of the current transaction.
CREATE OR REPLACE FUNCTION dora_refresh_mode() RETURNS text
  LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_mode text := coalesce(nullif(current_setting('portside.dora_refresh', true), ''), 'immediate');
BEGIN
  IF v_mode NOT IN ('immediate', 'queued', 'bulk') THEN
    RAISE EXCEPTION 'portside.dora_refresh is ''%'': it must be immediate, queued or bulk (prisma/sql/dora/30-triggers.sql)', v_mode;
  END IF;
  RETURN v_mode;
END $$;

-- Deployments whose facts may change when these deployment rows change: themselves, failures whose
-- recovery ended at one of them, failures since the previous succeeded deployment, which a succeeded
-- one may now end, and deployments carrying the same commits (which one brought a commit first).
CREATE OR REPLACE FUNCTION dora_deployment_dependents(p_rows "Deployment"[]) RETURNS integer[]
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

CREATE OR REPLACE FUNCTION dora_deployment_changed() RETURNS trigger
  LANGUAGE plpgsql AS $$
DECLARE
  v_mode text := dora_refresh_mode();
  v_rows "Deployment"[] := '{}';
BEGIN
  IF v_mode = 'bulk' THEN RETURN NULL; END IF;
  IF v_mode = 'queued' THEN
    -- The ids are enough: a deployment's dependents that its old values pointed at (failures it ended) are
    -- found by id (recoveryDeploymentId) when the queue is drained, and those of its new values from the row.
    IF TG_OP = 'DELETE' THEN INSERT INTO "DoraPending" ("deploymentId") SELECT o.id FROM old_rows o;
    ELSE INSERT INTO "DoraPending" ("deploymentId") SELECT n.id FROM new_rows n;
    END IF;
    RETURN NULL;
  END IF;
  IF TG_OP <> 'DELETE' THEN v_rows := v_rows || ARRAY(SELECT n::"Deployment" FROM new_rows n); END IF;
  IF TG_OP <> 'INSERT' THEN v_rows := v_rows || ARRAY(SELECT o::"Deployment" FROM old_rows o); END IF;
  PERFORM dora_refresh(dora_deployment_dependents(v_rows));
  RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER dora_deployment_insert AFTER INSERT ON "Deployment" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_deployment_changed();
CREATE OR REPLACE TRIGGER dora_deployment_update AFTER UPDATE ON "Deployment" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_deployment_changed();
CREATE OR REPLACE TRIGGER dora_deployment_delete AFTER DELETE ON "Deployment" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_deployment_changed();

-- A commit added, changed or removed: its deployment, and every deployment carrying the same sha.
CREATE OR REPLACE FUNCTION dora_change_changed() RETURNS trigger
  LANGUAGE plpgsql AS $$
DECLARE
  v_mode text := dora_refresh_mode();
  v_rows "Change"[] := '{}';
BEGIN
  IF v_mode = 'bulk' THEN RETURN NULL; END IF;
  IF TG_OP <> 'DELETE' THEN v_rows := v_rows || ARRAY(SELECT n::"Change" FROM new_rows n); END IF;
  IF TG_OP <> 'INSERT' THEN v_rows := v_rows || ARRAY(SELECT o::"Change" FROM old_rows o); END IF;
  IF v_mode = 'queued' THEN
    -- Deployments that still carry a sha are found again when the queue is drained; a removed commit's
    -- other deployments are not, so they are noted now.
    IF TG_OP = 'INSERT' THEN
      INSERT INTO "DoraPending" ("deploymentId") SELECT DISTINCT r."deploymentId" FROM unnest(v_rows) r;
    ELSE
      INSERT INTO "DoraPending" ("deploymentId")
      SELECT r."deploymentId" FROM unnest(v_rows) r
      UNION
      SELECT c2."deploymentId" FROM "Change" c2 WHERE c2.sha IN (SELECT r.sha FROM unnest(v_rows) r);
    END IF;
    RETURN NULL;
  END IF;
  PERFORM dora_refresh(ARRAY(
    SELECT r."deploymentId" FROM unnest(v_rows) r
    UNION SELECT c2."deploymentId" FROM "Change" c2 WHERE c2.sha IN (SELECT r.sha FROM unnest(v_rows) r)));
  RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER dora_change_insert AFTER INSERT ON "Change" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_change_changed();
CREATE OR REPLACE TRIGGER dora_change_update AFTER UPDATE ON "Change" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_change_changed();
CREATE OR REPLACE TRIGGER dora_change_delete AFTER DELETE ON "Change" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_change_changed();

-- An incident added, changed or removed: the deployments it is (or was) attributed to, and those made
-- while it was open (rework). Incident writes are rare and not on a hot path, but they queue too when
-- asked (their dependents are found at once, since an update's old times are gone by the time the queue
-- is drained).
CREATE OR REPLACE FUNCTION dora_incident_changed() RETURNS trigger
  LANGUAGE plpgsql AS $$
DECLARE
  v_mode text := dora_refresh_mode();
  v_rows "Incident"[] := '{}';
  v_ids integer[];
BEGIN
  IF v_mode = 'bulk' THEN RETURN NULL; END IF;
  IF TG_OP <> 'DELETE' THEN v_rows := v_rows || ARRAY(SELECT n::"Incident" FROM new_rows n); END IF;
  IF TG_OP <> 'INSERT' THEN v_rows := v_rows || ARRAY(SELECT o::"Incident" FROM old_rows o); END IF;
  v_ids := ARRAY(
    SELECT r."deploymentId" FROM unnest(v_rows) r WHERE r."deploymentId" IS NOT NULL
    UNION
    SELECT d.id FROM unnest(v_rows) r
    JOIN "Deployment" d ON d."serviceId" = r."serviceId" AND d."finishedAt" >= least(r."openedAt", r."resolvedAt") AND d."finishedAt" <= r."resolvedAt"
    WHERE r."resolvedAt" IS NOT NULL);
  IF v_mode = 'queued' THEN
    INSERT INTO "DoraPending" ("deploymentId") SELECT unnest(v_ids);
  ELSE
    PERFORM dora_refresh(v_ids);
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER dora_incident_insert AFTER INSERT ON "Incident" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_incident_changed();
CREATE OR REPLACE TRIGGER dora_incident_update AFTER UPDATE ON "Incident" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_incident_changed();
CREATE OR REPLACE TRIGGER dora_incident_delete AFTER DELETE ON "Incident" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dora_incident_changed();

-- A service moving to another team takes its facts (and so its rollup contributions) along.
CREATE OR REPLACE FUNCTION dora_service_team_changed() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "DoraDeploymentFact" SET "teamId" = NEW."teamId" WHERE "serviceId" = NEW.id AND "teamId" <> NEW."teamId";
  RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER dora_service_team AFTER UPDATE OF "teamId" ON "Service" FOR EACH ROW WHEN (OLD."teamId" IS DISTINCT FROM NEW."teamId") EXECUTE FUNCTION dora_service_team_changed();

-- Takes up to p_limit queued entries (oldest first) and recomputes the facts of their deployments and of
-- every deployment they affect; returns how many entries it took (0: the queue is empty). Drains run one
-- at a time (an advisory lock for the transaction), and each reads after the previous one committed, so
-- a later drain never writes facts from an older view than an earlier one. Entries a writer commits
-- during a drain are left for the next. No JIT and a plan per call, as dora_refresh (20-facts.sql).
CREATE OR REPLACE FUNCTION dora_drain(p_limit integer) RETURNS integer
  LANGUAGE plpgsql
  SET jit = off
  SET plan_cache_mode = force_custom_plan
  AS $$
DECLARE
  v_taken integer;
  v_ids integer[];
BEGIN
  -- Every DORA read calls this first: with nothing queued it must not wait for a drain in progress.
  IF NOT EXISTS (SELECT 1 FROM "DoraPending") THEN RETURN 0; END IF;
  PERFORM pg_advisory_xact_lock(hashtext('portside.dora_drain'));
  WITH taken AS (
    DELETE FROM "DoraPending" p WHERE p.id IN (SELECT q.id FROM "DoraPending" q ORDER BY q.id LIMIT p_limit)
    RETURNING p."deploymentId")
  SELECT count(*), array_agg(DISTINCT "deploymentId") INTO v_taken, v_ids FROM taken;
  IF v_taken = 0 THEN RETURN 0; END IF;
  PERFORM dora_refresh(
    v_ids
    -- Gone or moved deployments: the failures whose recovery they were.
    || ARRAY(SELECT f."deploymentId" FROM "DoraDeploymentFact" f WHERE f."recoveryDeploymentId" = ANY (v_ids))
    || dora_deployment_dependents(ARRAY(SELECT d FROM "Deployment" d WHERE d.id = ANY (v_ids))));
  RETURN v_taken;
END $$;
