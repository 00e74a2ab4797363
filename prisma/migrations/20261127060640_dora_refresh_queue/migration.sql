-- CreateTable
CREATE TABLE "DoraPending" (
    "id" BIGSERIAL NOT NULL,
    "deploymentId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DoraPending_pkey" PRIMARY KEY ("id")
);

-- ───────────── DORA: a refresh queue for writers on the hot path ─────────────
-- Written by hand. With `portside.dora_defer = 'queue'` (set locally by the
-- ingest API and the CodePipeline sync) the triggers on Deployment and Change
-- only note the deployments concerned in "DoraPending", in the writer's own
-- transaction; dora_drain() later recomputes their facts, and those of every
-- deployment they affect, in one call for many writes. 'on' still means "skip:
-- the bulk loader refreshes what it wrote", and any other value recomputes in
-- the writer's statement as before. Incident writes are rare and not on a hot
-- path, but they queue too when asked (their dependents are found at once,
-- since an update's old times are gone by the time the queue is drained).

CREATE OR REPLACE FUNCTION dora_deployment_changed() RETURNS trigger
  LANGUAGE plpgsql AS $$
DECLARE
  v_mode text := current_setting('portside.dora_defer', true);
  v_rows "Deployment"[] := '{}';
BEGIN
  IF v_mode = 'on' THEN RETURN NULL; END IF;
  IF v_mode = 'queue' THEN
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

CREATE OR REPLACE FUNCTION dora_change_changed() RETURNS trigger
  LANGUAGE plpgsql AS $$
DECLARE
  v_mode text := current_setting('portside.dora_defer', true);
  v_rows "Change"[] := '{}';
BEGIN
  IF v_mode = 'on' THEN RETURN NULL; END IF;
  IF TG_OP <> 'DELETE' THEN v_rows := v_rows || ARRAY(SELECT n::"Change" FROM new_rows n); END IF;
  IF TG_OP <> 'INSERT' THEN v_rows := v_rows || ARRAY(SELECT o::"Change" FROM old_rows o); END IF;
  IF v_mode = 'queue' THEN
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

CREATE OR REPLACE FUNCTION dora_incident_changed() RETURNS trigger
  LANGUAGE plpgsql AS $$
DECLARE
  v_mode text := current_setting('portside.dora_defer', true);
  v_rows "Incident"[] := '{}';
  v_ids integer[];
BEGIN
  IF v_mode = 'on' THEN RETURN NULL; END IF;
  IF TG_OP <> 'DELETE' THEN v_rows := v_rows || ARRAY(SELECT n::"Incident" FROM new_rows n); END IF;
  IF TG_OP <> 'INSERT' THEN v_rows := v_rows || ARRAY(SELECT o::"Incident" FROM old_rows o); END IF;
  v_ids := ARRAY(
    SELECT r."deploymentId" FROM unnest(v_rows) r WHERE r."deploymentId" IS NOT NULL
    UNION
    SELECT d.id FROM unnest(v_rows) r
    JOIN "Deployment" d ON d."serviceId" = r."serviceId" AND d."finishedAt" >= least(r."openedAt", r."resolvedAt") AND d."finishedAt" <= r."resolvedAt"
    WHERE r."resolvedAt" IS NOT NULL);
  IF v_mode = 'queue' THEN
    INSERT INTO "DoraPending" ("deploymentId") SELECT unnest(v_ids);
  ELSE
    PERFORM dora_refresh(v_ids);
  END IF;
  RETURN NULL;
END $$;

-- Takes up to p_limit queued entries (oldest first) and recomputes the facts of their deployments and of
-- every deployment they affect; returns how many entries it took (0: the queue is empty). Drains run one
-- at a time (an advisory lock for the transaction), and each reads after the previous one committed, so
-- a later drain never writes facts from an older view than an earlier one. Entries a writer commits
-- during a drain are left for the next.
CREATE FUNCTION dora_drain(p_limit integer) RETURNS integer
  LANGUAGE plpgsql AS $$
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
