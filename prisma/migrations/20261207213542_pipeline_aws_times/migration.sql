-- AlterTable
ALTER TABLE "Pipeline" ADD COLUMN     "awsCreatedAt" TIMESTAMP(3),
ADD COLUMN     "awsUpdatedAt" TIMESTAMP(3);
