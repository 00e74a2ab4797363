-- ───────────── DORA: the tables of the facts, the rollups and the refresh queue ─────────────
-- Only tables and indexes are versioned here. The functions and triggers that
-- keep these tables (the DORA rules in SQL) have one definition each, in the
-- repeatable files of prisma/sql/dora/, which `npm run db:migrate` applies
-- after the migrations and again whenever a file changes (scripts/lib/database.ts).
-- This one migration replaces the eight DORA migrations of 27 November 2026,
-- squashed before the first deployment.

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

-- CreateTable
CREATE TABLE "DoraPending" (
    "id" BIGSERIAL NOT NULL,
    "deploymentId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DoraPending_pkey" PRIMARY KEY ("id")
);

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
