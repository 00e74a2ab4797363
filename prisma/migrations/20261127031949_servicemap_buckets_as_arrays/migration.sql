-- DropIndex
DROP INDEX "ServiceGraphNodeBucket_bucketStart_idx";

-- DropIndex
DROP INDEX "ServiceGraphEdgeBucket_bucketStart_idx";

-- AlterTable
ALTER TABLE "ServiceGraphNodeBucket" DROP COLUMN "histogram",
ADD COLUMN     "latencyBins" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
ADD COLUMN     "latencyCounts" INTEGER[] DEFAULT ARRAY[]::INTEGER[];

-- AlterTable
ALTER TABLE "ServiceGraphEdgeBucket" DROP COLUMN "histogram",
ADD COLUMN     "latencyBins" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
ADD COLUMN     "latencyCounts" INTEGER[] DEFAULT ARRAY[]::INTEGER[];

-- AlterTable
ALTER TABLE "TraceSummary" ADD COLUMN     "entryPoint" TEXT,
ADD COLUMN     "reason" TEXT;

-- CreateTable
CREATE TABLE "ServiceGraphCursor" (
    "awsAccountId" INTEGER NOT NULL,
    "region" TEXT NOT NULL,
    "groupName" TEXT NOT NULL,
    "collectedUntil" TIMESTAMP(3) NOT NULL,
    "tracesUntil" TIMESTAMP(3),

    CONSTRAINT "ServiceGraphCursor_pkey" PRIMARY KEY ("awsAccountId","region","groupName")
);

-- CreateIndex
CREATE INDEX "ServiceGraphNodeBucket_bucketSeconds_bucketStart_idx" ON "ServiceGraphNodeBucket"("bucketSeconds", "bucketStart");

-- CreateIndex
CREATE INDEX "ServiceGraphEdgeBucket_bucketSeconds_bucketStart_idx" ON "ServiceGraphEdgeBucket"("bucketSeconds", "bucketStart");

-- AddForeignKey
ALTER TABLE "ServiceGraphCursor" ADD CONSTRAINT "ServiceGraphCursor_awsAccountId_fkey" FOREIGN KEY ("awsAccountId") REFERENCES "AwsAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;
