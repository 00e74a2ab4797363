-- AlterTable
ALTER TABLE "Service" ADD COLUMN     "catalogSource" TEXT,
ADD COLUMN     "dependsOn" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "lifecycle" TEXT,
ADD COLUMN     "system" TEXT;

-- CreateTable
CREATE TABLE "CatalogEntity" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "namespace" TEXT NOT NULL DEFAULT 'default',
    "name" TEXT NOT NULL,
    "title" TEXT,
    "description" TEXT,
    "ownerTeamId" INTEGER,
    "spec" JSONB NOT NULL DEFAULT '{}',
    "source" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CatalogEntity_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CatalogEntity_ownerTeamId_idx" ON "CatalogEntity"("ownerTeamId");

-- CreateIndex
CREATE UNIQUE INDEX "CatalogEntity_kind_namespace_name_key" ON "CatalogEntity"("kind", "namespace", "name");

-- AddForeignKey
ALTER TABLE "CatalogEntity" ADD CONSTRAINT "CatalogEntity_ownerTeamId_fkey" FOREIGN KEY ("ownerTeamId") REFERENCES "Team"("id") ON DELETE SET NULL ON UPDATE CASCADE;
