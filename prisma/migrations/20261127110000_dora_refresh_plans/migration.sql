-- ───────────── DORA refresh: no JIT compilation, and a plan per call ─────────────
-- Written by hand. The fact statement in dora_refresh is planned for the ids it is given, before the
-- statistics know a burst of new rows, and its cost estimate passed jit_inline_above_cost: PostgreSQL
-- then compiled it with LLVM, inlining and optimisation, on every call. After 30,000 ingested
-- deployments each drain of 2,000 queued entries took ~530 ms, of which ~400-520 ms was JIT compilation
-- (auto_explain's JIT timing) and ~30 ms the work, so the figures lagged 7-11 s behind the last post.
-- These functions read and write a few thousand rows by index: compiling them never pays.
ALTER FUNCTION dora_refresh(integer[]) SET jit = off;
ALTER FUNCTION dora_drain(integer) SET jit = off;

-- And planned for the ids of each call. PL/pgSQL keeps a generic plan of the fact statement per session,
-- made when the statistics still described a small table: a sequential scan of "Deployment" filtered by
-- id = ANY ($1), the 2,000 ids compared one by one with every row. As the burst grew the table, each drain
-- chunk took 88, then 240 ms (the --single 2000 run of bench:ingest: figures current 7-11 s after the last
-- post). A plan made for the ids given reads them by the primary key, whatever the statistics say.
ALTER FUNCTION dora_refresh(integer[]) SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION dora_drain(integer) SET plan_cache_mode = force_custom_plan;
