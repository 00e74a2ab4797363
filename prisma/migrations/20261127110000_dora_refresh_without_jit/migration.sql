-- ───────────── DORA refresh: no JIT compilation ─────────────
-- Written by hand. The fact statement in dora_refresh is planned for the ids it is given, before the
-- statistics know a burst of new rows, and its cost estimate passed jit_inline_above_cost: PostgreSQL
-- then compiled it with LLVM, inlining and optimisation, on every call. After 30,000 ingested
-- deployments each drain of 2,000 queued entries took ~530 ms, of which ~400-520 ms was JIT compilation
-- (auto_explain's JIT timing) and ~30 ms the work, so the figures lagged 7-11 s behind the last post.
-- These functions read and write a few thousand rows by index: compiling them never pays.
ALTER FUNCTION dora_refresh(integer[]) SET jit = off;
ALTER FUNCTION dora_drain(integer) SET jit = off;
