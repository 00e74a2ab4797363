-- AlterTable
ALTER TABLE "Pipeline" ADD COLUMN     "deletedAt" TIMESTAMP(3),
ADD COLUMN     "deploymentsBasis" TEXT,
ADD COLUMN     "stateClock" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "PipelineExecution" ADD COLUMN     "eventClock" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "rolledBackExecutionId" TEXT;
