-- Written by hand: dora_fact_rows as in the dora_rollups migration, with one change to how it finds
-- whether an earlier deployment of the service already brought a commit (see the comment in it).
-- Measured with stale statistics after a burst of 6,000 ingested deployments: 1,000 facts took
-- 1.2-4 s, growing with history (the planner walked every earlier deployment of the service and
-- their changes); by sha first it is one index probe per commit.

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
