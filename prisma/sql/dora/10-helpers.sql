-- ───────────── DORA: small helpers the rules are written with ─────────────
-- A repeatable file (prisma/sql/README.md): the one definition of each object
-- below, re-applied whole by `npm run db:migrate` whenever this file changes.
--
-- The incident span index is built on dora_span, so it lives here with it: the
-- index is rebuilt every time this file is applied, and so never describes an
-- older version of the function.

DROP INDEX IF EXISTS "Incident_dora_span_idx";

CREATE OR REPLACE FUNCTION dora_epoch(t timestamp) RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT extract(epoch FROM t)::double precision $$;

-- [a, b] on one service as a box, so that "an incident open for the whole deployment" is one GiST lookup.
CREATE OR REPLACE FUNCTION dora_span(service integer, a timestamp, b timestamp) RETURNS box
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT box(point(service, public.dora_epoch(a)), point(service, public.dora_epoch(b))) $$;

-- Whole seconds from a to b, never negative (interval arithmetic: exact).
CREATE OR REPLACE FUNCTION dora_seconds(a timestamp, b timestamp) RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT greatest(0, floor(extract(epoch FROM (b - a))))::integer $$;

-- lib/dora/stats.ts bucketOf: 0 for 0, else 1 + floor(log_1.02(s)).
CREATE OR REPLACE FUNCTION dora_bucket(s integer) RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT CASE WHEN s <= 0 THEN 0 ELSE 1 + floor(ln(s::double precision) / ln(1.02::double precision))::integer END $$;

CREATE INDEX "Incident_dora_span_idx" ON "Incident" USING gist (public.dora_span("serviceId", "openedAt", "resolvedAt")) WHERE "resolvedAt" IS NOT NULL;
