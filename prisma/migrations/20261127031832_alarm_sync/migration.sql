-- AlterTable
ALTER TABLE "AwsAccount" ADD COLUMN     "alarmSeverityPattern" TEXT;

-- AlterTable
ALTER TABLE "Alarm" ADD COLUMN     "configUpdatedAt" TIMESTAMP(3),
ADD COLUMN     "deletedAt" TIMESTAMP(3),
ADD COLUMN     "description" TEXT,
ADD COLUMN     "tags" JSONB NOT NULL DEFAULT '{}';

-- CreateTable
CREATE TABLE "AlarmHistoryCursor" (
    "awsAccountId" INTEGER NOT NULL,
    "region" TEXT NOT NULL,
    "through" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AlarmHistoryCursor_pkey" PRIMARY KEY ("awsAccountId","region")
);

-- CreateIndex
CREATE INDEX "Alarm_awsAccountId_region_idx" ON "Alarm"("awsAccountId", "region");

-- AddForeignKey
ALTER TABLE "AlarmHistoryCursor" ADD CONSTRAINT "AlarmHistoryCursor_awsAccountId_fkey" FOREIGN KEY ("awsAccountId") REFERENCES "AwsAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;
