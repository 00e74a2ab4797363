-- AlterTable
ALTER TABLE "Service" ADD COLUMN     "pipelineProdStage" TEXT;

-- AlterTable
ALTER TABLE "Pipeline" ADD COLUMN     "tags" JSONB NOT NULL DEFAULT '{}';
