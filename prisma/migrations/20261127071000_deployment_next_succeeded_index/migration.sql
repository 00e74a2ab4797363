-- Written by hand (Prisma's schema cannot express a partial index).
-- The DORA rules look up, for a failed deployment, the next succeeded one of
-- its service and environment (its recovery), and for a succeeded one the
-- previous (the failures it ends). With only ("serviceId", environment,
-- "finishedAt") the planner may walk ("environment", "finishedAt") instead,
-- through every later deployment of every service until one matches: for a
-- service whose last deployments failed, that is the rest of the table
-- (0.7 s for 1,000 facts at 30,000 deployments). This index answers both
-- lookups with one probe, already in (finishedAt, id) order.
CREATE INDEX "Deployment_succeeded_service_environment_finishedAt_idx"
  ON "Deployment" ("serviceId", environment, "finishedAt", id) WHERE status = 'SUCCEEDED';

-- And, for a succeeded deployment, the failures of its service since the previous succeeded one (which
-- it may now end): without it the planner may scan ("environment", "finishedAt") across every service.
CREATE INDEX "Deployment_failed_service_environment_finishedAt_idx"
  ON "Deployment" ("serviceId", environment, "finishedAt") WHERE status IN ('FAILED', 'ROLLED_BACK');
