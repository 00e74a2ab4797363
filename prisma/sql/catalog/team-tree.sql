-- The ids of a team and of every team nested under it, the team's own first.
-- The one definition of "a team and its subteams": the lists' team filters
-- (lib/catalog/server/team-tree.ts), a team token's write scope
-- (lib/deployments/server/ingest-deployments.ts) and the DORA team scope
-- (lib/dora/server/resolve-scope.ts) all read it. UNION, not UNION ALL: a
-- cycle in bad data ends the walk instead of hanging the query.
CREATE OR REPLACE FUNCTION team_subtree(root integer) RETURNS SETOF integer
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH RECURSIVE tree AS (
    SELECT root AS id
    UNION
    SELECT t.id FROM "Team" t JOIN tree ON t."parentId" = tree.id
  )
  SELECT id FROM tree
$$;
