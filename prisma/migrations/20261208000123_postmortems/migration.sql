-- CreateEnum
CREATE TYPE "PostmortemAnalysis" AS ENUM ('CONTRIBUTING_FACTORS', 'FIVE_WHYS');

-- CreateEnum
CREATE TYPE "ActionItemType" AS ENUM ('DETECT', 'MITIGATE', 'PREVENT', 'REPAIR');

-- CreateEnum
CREATE TYPE "ActionItemPriority" AS ENUM ('P1', 'P2', 'P3', 'P4');

-- CreateEnum
CREATE TYPE "PostmortemCommentKind" AS ENUM ('COMMENT', 'CHANGES_REQUESTED', 'APPROVAL');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "PostmortemStatus" ADD VALUE 'APPROVED' BEFORE 'PUBLISHED';
ALTER TYPE "PostmortemStatus" ADD VALUE 'NOT_REQUIRED';

-- AlterEnum
ALTER TYPE "ActionItemStatus" ADD VALUE 'WONT_DO';

-- The placeholder postmortems (no page or API ever wrote them; only the demo seed did) have no team and the
-- old JSON shape: they are dropped rather than guessed into the new one.
DELETE FROM "ActionItem";
DELETE FROM "Postmortem";

-- DropForeignKey
ALTER TABLE "Postmortem" DROP CONSTRAINT "Postmortem_authorId_fkey";

-- DropIndex
DROP INDEX "Postmortem_incidentId_idx";

-- AlterTable
ALTER TABLE "Postmortem" DROP COLUMN "fiveWhys",
DROP COLUMN "impact",
DROP COLUMN "sections",
DROP COLUMN "summary",
DROP COLUMN "timeline",
ADD COLUMN     "analysis" "PostmortemAnalysis" NOT NULL DEFAULT 'CONTRIBUTING_FACTORS',
ADD COLUMN     "approvedAt" TIMESTAMP(3),
ADD COLUMN     "approvedById" INTEGER,
ADD COLUMN     "impactStartedAt" TIMESTAMP(3),
ADD COLUMN     "marginAfterMinutes" INTEGER NOT NULL DEFAULT 30,
ADD COLUMN     "marginBeforeMinutes" INTEGER NOT NULL DEFAULT 120,
ADD COLUMN     "mitigatedAt" TIMESTAMP(3),
ADD COLUMN     "notRequiredReason" TEXT,
ADD COLUMN     "search" tsvector,
ADD COLUMN     "serviceId" INTEGER,
ADD COLUMN     "teamId" INTEGER NOT NULL,
ADD COLUMN     "timelineDraftedAt" TIMESTAMP(3),
ALTER COLUMN "authorId" DROP NOT NULL;

-- AlterTable
ALTER TABLE "ActionItem" ADD COLUMN     "completedAt" TIMESTAMP(3),
ADD COLUMN     "priority" "ActionItemPriority" NOT NULL DEFAULT 'P3',
ADD COLUMN     "statusReason" TEXT,
ADD COLUMN     "teamId" INTEGER NOT NULL,
ADD COLUMN     "type" "ActionItemType" NOT NULL DEFAULT 'PREVENT',
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "PostmortemRule" (
    "id" SERIAL NOT NULL,
    "teamId" INTEGER,
    "severities" "Severity"[],
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PostmortemRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PostmortemSection" (
    "postmortemId" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "body" TEXT NOT NULL DEFAULT '',
    "version" INTEGER NOT NULL DEFAULT 0,
    "updatedById" INTEGER,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PostmortemSection_pkey" PRIMARY KEY ("postmortemId","key")
);

-- CreateTable
CREATE TABLE "PostmortemRevision" (
    "id" SERIAL NOT NULL,
    "postmortemId" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "body" TEXT NOT NULL,
    "authorId" INTEGER,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PostmortemRevision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PostmortemTimelineEntry" (
    "id" SERIAL NOT NULL,
    "postmortemId" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "source" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'note',
    "serviceId" INTEGER,
    "text" TEXT NOT NULL,
    "originalText" TEXT,
    "originKey" TEXT,
    "portalUrl" TEXT,
    "consoleUrl" TEXT,
    "isSuspect" BOOLEAN NOT NULL DEFAULT false,
    "isStarred" BOOLEAN NOT NULL DEFAULT false,
    "isHidden" BOOLEAN NOT NULL DEFAULT false,
    "editedById" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PostmortemTimelineEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PostmortemComment" (
    "id" SERIAL NOT NULL,
    "postmortemId" INTEGER NOT NULL,
    "sectionKey" TEXT,
    "kind" "PostmortemCommentKind" NOT NULL DEFAULT 'COMMENT',
    "body" TEXT NOT NULL,
    "authorId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PostmortemComment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PostmortemRule_teamId_key" ON "PostmortemRule"("teamId");

-- CreateIndex
CREATE UNIQUE INDEX "PostmortemRevision_postmortemId_key_version_key" ON "PostmortemRevision"("postmortemId", "key", "version");

-- CreateIndex
CREATE INDEX "PostmortemTimelineEntry_postmortemId_at_idx" ON "PostmortemTimelineEntry"("postmortemId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "PostmortemTimelineEntry_postmortemId_originKey_key" ON "PostmortemTimelineEntry"("postmortemId", "originKey");

-- CreateIndex
CREATE INDEX "PostmortemComment_postmortemId_createdAt_idx" ON "PostmortemComment"("postmortemId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Postmortem_incidentId_key" ON "Postmortem"("incidentId");

-- CreateIndex
CREATE INDEX "Postmortem_teamId_status_idx" ON "Postmortem"("teamId", "status");

-- CreateIndex
CREATE INDEX "Postmortem_serviceId_idx" ON "Postmortem"("serviceId");

-- CreateIndex
CREATE INDEX "ActionItem_teamId_status_dueAt_idx" ON "ActionItem"("teamId", "status", "dueAt");

-- AddForeignKey
ALTER TABLE "PostmortemRule" ADD CONSTRAINT "PostmortemRule_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Postmortem" ADD CONSTRAINT "Postmortem_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Postmortem" ADD CONSTRAINT "Postmortem_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Postmortem" ADD CONSTRAINT "Postmortem_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Postmortem" ADD CONSTRAINT "Postmortem_approvedById_fkey" FOREIGN KEY ("approvedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PostmortemSection" ADD CONSTRAINT "PostmortemSection_postmortemId_fkey" FOREIGN KEY ("postmortemId") REFERENCES "Postmortem"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PostmortemSection" ADD CONSTRAINT "PostmortemSection_updatedById_fkey" FOREIGN KEY ("updatedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PostmortemRevision" ADD CONSTRAINT "PostmortemRevision_postmortemId_fkey" FOREIGN KEY ("postmortemId") REFERENCES "Postmortem"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PostmortemRevision" ADD CONSTRAINT "PostmortemRevision_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PostmortemTimelineEntry" ADD CONSTRAINT "PostmortemTimelineEntry_postmortemId_fkey" FOREIGN KEY ("postmortemId") REFERENCES "Postmortem"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PostmortemTimelineEntry" ADD CONSTRAINT "PostmortemTimelineEntry_editedById_fkey" FOREIGN KEY ("editedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PostmortemComment" ADD CONSTRAINT "PostmortemComment_postmortemId_fkey" FOREIGN KEY ("postmortemId") REFERENCES "Postmortem"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PostmortemComment" ADD CONSTRAINT "PostmortemComment_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActionItem" ADD CONSTRAINT "ActionItem_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- ───────────── Written by hand: what schema.prisma cannot say ─────────────

-- At most one organisation rule (teamId null); teams have theirs through PostmortemRule_teamId_key.
CREATE UNIQUE INDEX "PostmortemRule_org_key" ON "PostmortemRule" ((true)) WHERE "teamId" IS NULL;
INSERT INTO "PostmortemRule" ("teamId", "severities", "updatedAt") VALUES (NULL, ARRAY['SEV1', 'SEV2']::"Severity"[], now());

-- Full-text search over a postmortem's title (A), sections (B) and action items (C).
CREATE INDEX "Postmortem_search_idx" ON "Postmortem" USING gin ("search");

CREATE FUNCTION postmortem_refresh_search(pm integer) RETURNS void LANGUAGE sql AS $$
  UPDATE "Postmortem" p SET "search" =
      setweight(to_tsvector('english', p.title), 'A')
   || setweight(to_tsvector('english', coalesce((SELECT string_agg(s.body, E'\n') FROM "PostmortemSection" s WHERE s."postmortemId" = pm), '')), 'B')
   || setweight(to_tsvector('english', coalesce((SELECT string_agg(a.title, E'\n') FROM "ActionItem" a WHERE a."postmortemId" = pm), '')), 'C')
  WHERE p.id = pm;
$$;

CREATE FUNCTION postmortem_search_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'Postmortem' THEN
    PERFORM postmortem_refresh_search(NEW.id);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM postmortem_refresh_search(OLD."postmortemId");
  ELSE
    PERFORM postmortem_refresh_search(NEW."postmortemId");
    IF TG_OP = 'UPDATE' AND OLD."postmortemId" <> NEW."postmortemId" THEN PERFORM postmortem_refresh_search(OLD."postmortemId"); END IF;
  END IF;
  RETURN NULL;
END $$;

-- Setting "search" itself fires none of these (the Postmortem trigger watches title only).
CREATE TRIGGER postmortem_search_title AFTER INSERT OR UPDATE OF title ON "Postmortem" FOR EACH ROW EXECUTE FUNCTION postmortem_search_trigger();
CREATE TRIGGER postmortem_search_sections AFTER INSERT OR UPDATE OR DELETE ON "PostmortemSection" FOR EACH ROW EXECUTE FUNCTION postmortem_search_trigger();
CREATE TRIGGER postmortem_search_actions AFTER INSERT OR UPDATE OF title OR DELETE ON "ActionItem" FOR EACH ROW EXECUTE FUNCTION postmortem_search_trigger();

-- The severities that require a postmortem for a team: its own rule, else the nearest group's above it, else
-- the organisation's (lib/postmortems/server/postmortem-rules.ts reads the same).
CREATE FUNCTION postmortem_required_severities(team integer) RETURNS "Severity"[] LANGUAGE sql STABLE AS $$
  WITH RECURSIVE up(id, parent, depth) AS (
      SELECT t.id, t."parentId", 0 FROM "Team" t WHERE t.id = team
    UNION ALL
      SELECT t.id, t."parentId", up.depth + 1 FROM "Team" t JOIN up ON t.id = up.parent WHERE up.depth < 32
  )
  SELECT coalesce(
    (SELECT r.severities FROM up JOIN "PostmortemRule" r ON r."teamId" = up.id ORDER BY up.depth LIMIT 1),
    (SELECT r.severities FROM "PostmortemRule" r WHERE r."teamId" IS NULL),
    ARRAY[]::"Severity"[]
  );
$$;

-- A draft postmortem when an incident the rules require one for resolves (or is raised to such a severity once
-- resolved), whatever wrote it: a person, a webhook, or the alarms' reconciliation. One per incident.
CREATE FUNCTION postmortem_draft_on_resolve() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  owner integer;
BEGIN
  IF NEW."resolvedAt" IS NULL THEN RETURN NULL; END IF;
  IF TG_OP = 'UPDATE' AND OLD."resolvedAt" IS NOT NULL AND OLD.severity = NEW.severity THEN RETURN NULL; END IF;
  SELECT s."teamId" INTO owner FROM "Service" s WHERE s.id = NEW."serviceId";
  IF owner IS NULL OR NOT (NEW.severity = ANY (postmortem_required_severities(owner))) THEN RETURN NULL; END IF;
  INSERT INTO "Postmortem" ("incidentId", "teamId", "serviceId", title, "updatedAt")
  VALUES (NEW.id, owner, NEW."serviceId", NEW.title, now() AT TIME ZONE 'UTC')
  ON CONFLICT ("incidentId") DO NOTHING;
  RETURN NULL;
END $$;

CREATE TRIGGER incident_postmortem_draft AFTER INSERT OR UPDATE OF "resolvedAt", severity ON "Incident" FOR EACH ROW EXECUTE FUNCTION postmortem_draft_on_resolve();
