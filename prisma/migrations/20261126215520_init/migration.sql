-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "OrgRole" AS ENUM ('VIEWER', 'EXECUTIVE', 'ADMIN');

-- CreateEnum
CREATE TYPE "MembershipRole" AS ENUM ('MEMBER', 'MAINTAINER', 'APPROVER');

-- CreateEnum
CREATE TYPE "ServiceTier" AS ENUM ('TIER_1', 'TIER_2', 'TIER_3', 'TIER_4');

-- CreateEnum
CREATE TYPE "MappingSource" AS ENUM ('AWS_TAG', 'CATALOG_FILE', 'MANUAL');

-- CreateEnum
CREATE TYPE "ExecutionStatus" AS ENUM ('IN_PROGRESS', 'STOPPING', 'STOPPED', 'SUCCEEDED', 'SUPERSEDED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "DeploymentStatus" AS ENUM ('IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'ROLLED_BACK');

-- CreateEnum
CREATE TYPE "AlarmState" AS ENUM ('OK', 'ALARM', 'INSUFFICIENT_DATA');

-- CreateEnum
CREATE TYPE "AlarmType" AS ENUM ('METRIC', 'COMPOSITE');

-- CreateEnum
CREATE TYPE "Severity" AS ENUM ('SEV1', 'SEV2', 'SEV3', 'SEV4');

-- CreateEnum
CREATE TYPE "IncidentStatus" AS ENUM ('OPEN', 'ACKNOWLEDGED', 'RESOLVED');

-- CreateEnum
CREATE TYPE "AttributionSource" AS ENUM ('EXPLICIT', 'RULE');

-- CreateEnum
CREATE TYPE "SyncSource" AS ENUM ('CODEPIPELINE', 'CLOUDWATCH', 'XRAY');

-- CreateEnum
CREATE TYPE "SyncStatus" AS ENUM ('RUNNING', 'SUCCEEDED', 'PARTIAL', 'FAILED');

-- CreateEnum
CREATE TYPE "EnvironmentState" AS ENUM ('REQUESTED', 'APPROVED', 'REJECTED', 'PROVISIONING', 'READY', 'FAILED', 'EXPIRING', 'DESTROYING', 'DESTROYED');

-- CreateEnum
CREATE TYPE "ApprovalDecision" AS ENUM ('APPROVED', 'REJECTED');

-- CreateEnum
CREATE TYPE "PostmortemStatus" AS ENUM ('DRAFT', 'IN_REVIEW', 'PUBLISHED');

-- CreateEnum
CREATE TYPE "ActionItemStatus" AS ENUM ('OPEN', 'IN_PROGRESS', 'DONE');

-- CreateEnum
CREATE TYPE "ActorType" AS ENUM ('USER', 'TOKEN', 'SYSTEM');

-- CreateTable
CREATE TABLE "Team" (
    "id" SERIAL NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "parentId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Team_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "orgRole" "OrgRole" NOT NULL DEFAULT 'VIEWER',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Membership" (
    "userId" INTEGER NOT NULL,
    "teamId" INTEGER NOT NULL,
    "role" "MembershipRole" NOT NULL DEFAULT 'MEMBER',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Membership_pkey" PRIMARY KEY ("userId","teamId")
);

-- CreateTable
CREATE TABLE "Service" (
    "id" SERIAL NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "teamId" INTEGER NOT NULL,
    "tier" "ServiceTier" NOT NULL DEFAULT 'TIER_3',
    "repositoryUrl" TEXT,
    "links" JSONB NOT NULL DEFAULT '[]',
    "xrayName" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Service_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AwsAccount" (
    "id" SERIAL NOT NULL,
    "accountId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "roleArn" TEXT,
    "externalId" TEXT,
    "regions" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AwsAccount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ResourceMapping" (
    "id" SERIAL NOT NULL,
    "serviceId" INTEGER NOT NULL,
    "awsAccountId" INTEGER,
    "resourceType" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    "source" "MappingSource" NOT NULL,
    "sourceDetail" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ResourceMapping_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "scopes" TEXT[],
    "teamId" INTEGER,
    "createdById" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Pipeline" (
    "id" SERIAL NOT NULL,
    "awsAccountId" INTEGER NOT NULL,
    "region" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    "serviceId" INTEGER,
    "version" INTEGER NOT NULL DEFAULT 0,
    "prodStage" TEXT,
    "structure" JSONB NOT NULL DEFAULT '[]',
    "state" JSONB NOT NULL DEFAULT '[]',
    "latestStatus" "ExecutionStatus",
    "latestExecutionAt" TIMESTAMP(3),
    "stateUpdatedAt" TIMESTAMP(3),
    "lastSyncedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Pipeline_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PipelineExecution" (
    "id" SERIAL NOT NULL,
    "pipelineId" INTEGER NOT NULL,
    "executionId" TEXT NOT NULL,
    "status" "ExecutionStatus" NOT NULL,
    "executionType" TEXT NOT NULL DEFAULT 'STANDARD',
    "rollbackOf" TEXT,
    "trigger" JSONB,
    "sourceRevisions" JSONB NOT NULL DEFAULT '[]',
    "stages" JSONB NOT NULL DEFAULT '[]',
    "failureReason" TEXT,
    "failedAction" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "lastUpdatedAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PipelineExecution_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Deployment" (
    "id" SERIAL NOT NULL,
    "serviceId" INTEGER NOT NULL,
    "environment" TEXT NOT NULL,
    "status" "DeploymentStatus" NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "version" TEXT,
    "isPlanned" BOOLEAN NOT NULL DEFAULT true,
    "fixesIncidentRef" TEXT,
    "remediatedAt" TIMESTAMP(3),
    "source" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "url" TEXT,
    "pipelineExecutionId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Deployment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Change" (
    "id" SERIAL NOT NULL,
    "deploymentId" INTEGER NOT NULL,
    "sha" TEXT NOT NULL,
    "authoredAt" TIMESTAMP(3),
    "committedAt" TIMESTAMP(3),
    "message" TEXT,
    "url" TEXT,

    CONSTRAINT "Change_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Alarm" (
    "id" SERIAL NOT NULL,
    "awsAccountId" INTEGER NOT NULL,
    "region" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" "AlarmType" NOT NULL DEFAULT 'METRIC',
    "serviceId" INTEGER,
    "severity" "Severity",
    "state" "AlarmState" NOT NULL,
    "stateReason" TEXT,
    "stateUpdatedAt" TIMESTAMP(3) NOT NULL,
    "namespace" TEXT,
    "metricName" TEXT,
    "dimensions" JSONB NOT NULL DEFAULT '[]',
    "threshold" DOUBLE PRECISION,
    "comparison" TEXT,
    "definition" JSONB,
    "lastSyncedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Alarm_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlarmTransition" (
    "id" SERIAL NOT NULL,
    "alarmId" INTEGER NOT NULL,
    "fromState" "AlarmState",
    "toState" "AlarmState" NOT NULL,
    "reason" TEXT,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AlarmTransition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Incident" (
    "id" SERIAL NOT NULL,
    "serviceId" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "severity" "Severity" NOT NULL,
    "status" "IncidentStatus" NOT NULL DEFAULT 'OPEN',
    "openedAt" TIMESTAMP(3) NOT NULL,
    "acknowledgedAt" TIMESTAMP(3),
    "resolvedAt" TIMESTAMP(3),
    "source" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "deploymentId" INTEGER,
    "attributionSource" "AttributionSource",
    "causedByChange" BOOLEAN,
    "description" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Incident_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IncidentAlarm" (
    "incidentId" INTEGER NOT NULL,
    "alarmId" INTEGER NOT NULL,

    CONSTRAINT "IncidentAlarm_pkey" PRIMARY KEY ("incidentId","alarmId")
);

-- CreateTable
CREATE TABLE "IncidentEvent" (
    "id" SERIAL NOT NULL,
    "incidentId" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "kind" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "actor" TEXT,
    "data" JSONB,

    CONSTRAINT "IncidentEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServiceGraphNode" (
    "id" SERIAL NOT NULL,
    "awsAccountId" INTEGER NOT NULL,
    "region" TEXT NOT NULL,
    "groupName" TEXT NOT NULL DEFAULT 'Default',
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "serviceId" INTEGER,

    CONSTRAINT "ServiceGraphNode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServiceGraphEdge" (
    "id" SERIAL NOT NULL,
    "sourceId" INTEGER NOT NULL,
    "targetId" INTEGER NOT NULL,

    CONSTRAINT "ServiceGraphEdge_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServiceGraphNodeBucket" (
    "nodeId" INTEGER NOT NULL,
    "bucketStart" TIMESTAMP(3) NOT NULL,
    "bucketSeconds" INTEGER NOT NULL,
    "requests" INTEGER NOT NULL,
    "errors" INTEGER NOT NULL,
    "faults" INTEGER NOT NULL,
    "throttles" INTEGER NOT NULL,
    "totalResponseTime" DOUBLE PRECISION NOT NULL,
    "histogram" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "ServiceGraphNodeBucket_pkey" PRIMARY KEY ("nodeId","bucketStart","bucketSeconds")
);

-- CreateTable
CREATE TABLE "ServiceGraphEdgeBucket" (
    "edgeId" INTEGER NOT NULL,
    "bucketStart" TIMESTAMP(3) NOT NULL,
    "bucketSeconds" INTEGER NOT NULL,
    "requests" INTEGER NOT NULL,
    "errors" INTEGER NOT NULL,
    "faults" INTEGER NOT NULL,
    "throttles" INTEGER NOT NULL,
    "totalResponseTime" DOUBLE PRECISION NOT NULL,
    "histogram" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "ServiceGraphEdgeBucket_pkey" PRIMARY KEY ("edgeId","bucketStart","bucketSeconds")
);

-- CreateTable
CREATE TABLE "TraceSummary" (
    "id" SERIAL NOT NULL,
    "awsAccountId" INTEGER NOT NULL,
    "region" TEXT NOT NULL,
    "traceId" TEXT NOT NULL,
    "serviceId" INTEGER,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "durationMs" DOUBLE PRECISION NOT NULL,
    "responseMs" DOUBLE PRECISION,
    "hasFault" BOOLEAN NOT NULL DEFAULT false,
    "hasError" BOOLEAN NOT NULL DEFAULT false,
    "hasThrottle" BOOLEAN NOT NULL DEFAULT false,
    "httpMethod" TEXT,
    "httpUrl" TEXT,
    "httpStatus" INTEGER,
    "annotations" JSONB,

    CONSTRAINT "TraceSummary_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncRun" (
    "id" SERIAL NOT NULL,
    "awsAccountId" INTEGER NOT NULL,
    "region" TEXT NOT NULL,
    "source" "SyncSource" NOT NULL,
    "status" "SyncStatus" NOT NULL DEFAULT 'RUNNING',
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "durationMs" INTEGER,
    "calls" INTEGER NOT NULL DEFAULT 0,
    "throttles" INTEGER NOT NULL DEFAULT 0,
    "errors" INTEGER NOT NULL DEFAULT 0,
    "errorMessage" TEXT,

    CONSTRAINT "SyncRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EventReceipt" (
    "eventId" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "detailType" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EventReceipt_pkey" PRIMARY KEY ("eventId")
);

-- CreateTable
CREATE TABLE "EnvironmentTemplate" (
    "id" SERIAL NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "awsAccountId" INTEGER NOT NULL,
    "region" TEXT NOT NULL,
    "templateBody" TEXT,
    "templateUrl" TEXT,
    "parameters" JSONB NOT NULL DEFAULT '[]',
    "defaultTtlHours" INTEGER NOT NULL DEFAULT 72,
    "maxTtlHours" INTEGER NOT NULL DEFAULT 336,
    "requiresApproval" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EnvironmentTemplate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EnvironmentRequest" (
    "id" SERIAL NOT NULL,
    "templateId" INTEGER NOT NULL,
    "teamId" INTEGER NOT NULL,
    "requestedById" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "purpose" TEXT,
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "state" "EnvironmentState" NOT NULL DEFAULT 'REQUESTED',
    "ttlHours" INTEGER NOT NULL,
    "expiresAt" TIMESTAMP(3),
    "stackId" TEXT,
    "outputs" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EnvironmentRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EnvironmentApproval" (
    "id" SERIAL NOT NULL,
    "requestId" INTEGER NOT NULL,
    "approverId" INTEGER NOT NULL,
    "decision" "ApprovalDecision" NOT NULL,
    "comment" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EnvironmentApproval_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EnvironmentEvent" (
    "id" SERIAL NOT NULL,
    "requestId" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "data" JSONB,

    CONSTRAINT "EnvironmentEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Postmortem" (
    "id" SERIAL NOT NULL,
    "incidentId" INTEGER,
    "title" TEXT NOT NULL,
    "status" "PostmortemStatus" NOT NULL DEFAULT 'DRAFT',
    "summary" TEXT NOT NULL DEFAULT '',
    "impact" TEXT NOT NULL DEFAULT '',
    "sections" JSONB NOT NULL DEFAULT '[]',
    "timeline" JSONB NOT NULL DEFAULT '[]',
    "fiveWhys" JSONB NOT NULL DEFAULT '[]',
    "version" INTEGER NOT NULL DEFAULT 1,
    "authorId" INTEGER NOT NULL,
    "publishedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Postmortem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ActionItem" (
    "id" SERIAL NOT NULL,
    "postmortemId" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "ownerId" INTEGER,
    "dueAt" TIMESTAMP(3),
    "status" "ActionItemStatus" NOT NULL DEFAULT 'OPEN',
    "ticketUrl" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ActionItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorType" "ActorType" NOT NULL,
    "actorUserId" INTEGER,
    "actorTokenId" INTEGER,
    "action" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "ip" TEXT,
    "requestId" TEXT,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Team_slug_key" ON "Team"("slug");

-- CreateIndex
CREATE INDEX "Team_parentId_idx" ON "Team"("parentId");

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "Membership_teamId_idx" ON "Membership"("teamId");

-- CreateIndex
CREATE UNIQUE INDEX "Service_slug_key" ON "Service"("slug");

-- CreateIndex
CREATE INDEX "Service_teamId_idx" ON "Service"("teamId");

-- CreateIndex
CREATE UNIQUE INDEX "AwsAccount_accountId_key" ON "AwsAccount"("accountId");

-- CreateIndex
CREATE INDEX "ResourceMapping_serviceId_idx" ON "ResourceMapping"("serviceId");

-- CreateIndex
CREATE UNIQUE INDEX "ResourceMapping_arn_source_key" ON "ResourceMapping"("arn", "source");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "Pipeline_arn_key" ON "Pipeline"("arn");

-- CreateIndex
CREATE INDEX "Pipeline_serviceId_idx" ON "Pipeline"("serviceId");

-- CreateIndex
CREATE INDEX "Pipeline_latestStatus_idx" ON "Pipeline"("latestStatus");

-- CreateIndex
CREATE UNIQUE INDEX "Pipeline_awsAccountId_region_name_key" ON "Pipeline"("awsAccountId", "region", "name");

-- CreateIndex
CREATE INDEX "PipelineExecution_pipelineId_startedAt_idx" ON "PipelineExecution"("pipelineId", "startedAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "PipelineExecution_pipelineId_executionId_key" ON "PipelineExecution"("pipelineId", "executionId");

-- CreateIndex
CREATE UNIQUE INDEX "Deployment_pipelineExecutionId_key" ON "Deployment"("pipelineExecutionId");

-- CreateIndex
CREATE INDEX "Deployment_serviceId_environment_finishedAt_idx" ON "Deployment"("serviceId", "environment", "finishedAt");

-- CreateIndex
CREATE INDEX "Deployment_environment_finishedAt_idx" ON "Deployment"("environment", "finishedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Deployment_source_externalId_key" ON "Deployment"("source", "externalId");

-- CreateIndex
CREATE INDEX "Change_sha_idx" ON "Change"("sha");

-- CreateIndex
CREATE UNIQUE INDEX "Change_deploymentId_sha_key" ON "Change"("deploymentId", "sha");

-- CreateIndex
CREATE UNIQUE INDEX "Alarm_arn_key" ON "Alarm"("arn");

-- CreateIndex
CREATE INDEX "Alarm_state_stateUpdatedAt_idx" ON "Alarm"("state", "stateUpdatedAt");

-- CreateIndex
CREATE INDEX "Alarm_serviceId_idx" ON "Alarm"("serviceId");

-- CreateIndex
CREATE UNIQUE INDEX "AlarmTransition_alarmId_at_toState_key" ON "AlarmTransition"("alarmId", "at", "toState");

-- CreateIndex
CREATE INDEX "Incident_serviceId_openedAt_idx" ON "Incident"("serviceId", "openedAt");

-- CreateIndex
CREATE INDEX "Incident_status_openedAt_idx" ON "Incident"("status", "openedAt");

-- CreateIndex
CREATE INDEX "Incident_deploymentId_idx" ON "Incident"("deploymentId");

-- CreateIndex
CREATE UNIQUE INDEX "Incident_source_externalId_key" ON "Incident"("source", "externalId");

-- CreateIndex
CREATE INDEX "IncidentAlarm_alarmId_idx" ON "IncidentAlarm"("alarmId");

-- CreateIndex
CREATE INDEX "IncidentEvent_incidentId_at_idx" ON "IncidentEvent"("incidentId", "at");

-- CreateIndex
CREATE INDEX "ServiceGraphNode_serviceId_idx" ON "ServiceGraphNode"("serviceId");

-- CreateIndex
CREATE UNIQUE INDEX "ServiceGraphNode_awsAccountId_region_groupName_name_type_key" ON "ServiceGraphNode"("awsAccountId", "region", "groupName", "name", "type");

-- CreateIndex
CREATE INDEX "ServiceGraphEdge_targetId_idx" ON "ServiceGraphEdge"("targetId");

-- CreateIndex
CREATE UNIQUE INDEX "ServiceGraphEdge_sourceId_targetId_key" ON "ServiceGraphEdge"("sourceId", "targetId");

-- CreateIndex
CREATE INDEX "ServiceGraphNodeBucket_bucketStart_idx" ON "ServiceGraphNodeBucket"("bucketStart");

-- CreateIndex
CREATE INDEX "ServiceGraphEdgeBucket_bucketStart_idx" ON "ServiceGraphEdgeBucket"("bucketStart");

-- CreateIndex
CREATE INDEX "TraceSummary_serviceId_startedAt_idx" ON "TraceSummary"("serviceId", "startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "TraceSummary_awsAccountId_region_traceId_key" ON "TraceSummary"("awsAccountId", "region", "traceId");

-- CreateIndex
CREATE INDEX "SyncRun_awsAccountId_region_source_startedAt_idx" ON "SyncRun"("awsAccountId", "region", "source", "startedAt" DESC);

-- CreateIndex
CREATE INDEX "EventReceipt_receivedAt_idx" ON "EventReceipt"("receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "EnvironmentTemplate_slug_key" ON "EnvironmentTemplate"("slug");

-- CreateIndex
CREATE INDEX "EnvironmentRequest_teamId_state_idx" ON "EnvironmentRequest"("teamId", "state");

-- CreateIndex
CREATE INDEX "EnvironmentRequest_state_expiresAt_idx" ON "EnvironmentRequest"("state", "expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "EnvironmentApproval_requestId_approverId_key" ON "EnvironmentApproval"("requestId", "approverId");

-- CreateIndex
CREATE INDEX "EnvironmentEvent_requestId_at_idx" ON "EnvironmentEvent"("requestId", "at");

-- CreateIndex
CREATE INDEX "Postmortem_incidentId_idx" ON "Postmortem"("incidentId");

-- CreateIndex
CREATE INDEX "Postmortem_status_updatedAt_idx" ON "Postmortem"("status", "updatedAt");

-- CreateIndex
CREATE INDEX "ActionItem_postmortemId_idx" ON "ActionItem"("postmortemId");

-- CreateIndex
CREATE INDEX "ActionItem_ownerId_status_idx" ON "ActionItem"("ownerId", "status");

-- CreateIndex
CREATE INDEX "AuditEvent_entityType_entityId_at_idx" ON "AuditEvent"("entityType", "entityId", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- CreateIndex
CREATE INDEX "AuditEvent_actorUserId_at_idx" ON "AuditEvent"("actorUserId", "at");

-- AddForeignKey
ALTER TABLE "Team" ADD CONSTRAINT "Team_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Team"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Service" ADD CONSTRAINT "Service_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ResourceMapping" ADD CONSTRAINT "ResourceMapping_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ResourceMapping" ADD CONSTRAINT "ResourceMapping_awsAccountId_fkey" FOREIGN KEY ("awsAccountId") REFERENCES "AwsAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Pipeline" ADD CONSTRAINT "Pipeline_awsAccountId_fkey" FOREIGN KEY ("awsAccountId") REFERENCES "AwsAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Pipeline" ADD CONSTRAINT "Pipeline_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PipelineExecution" ADD CONSTRAINT "PipelineExecution_pipelineId_fkey" FOREIGN KEY ("pipelineId") REFERENCES "Pipeline"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_pipelineExecutionId_fkey" FOREIGN KEY ("pipelineExecutionId") REFERENCES "PipelineExecution"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Change" ADD CONSTRAINT "Change_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Alarm" ADD CONSTRAINT "Alarm_awsAccountId_fkey" FOREIGN KEY ("awsAccountId") REFERENCES "AwsAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Alarm" ADD CONSTRAINT "Alarm_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlarmTransition" ADD CONSTRAINT "AlarmTransition_alarmId_fkey" FOREIGN KEY ("alarmId") REFERENCES "Alarm"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Incident" ADD CONSTRAINT "Incident_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Incident" ADD CONSTRAINT "Incident_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IncidentAlarm" ADD CONSTRAINT "IncidentAlarm_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IncidentAlarm" ADD CONSTRAINT "IncidentAlarm_alarmId_fkey" FOREIGN KEY ("alarmId") REFERENCES "Alarm"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IncidentEvent" ADD CONSTRAINT "IncidentEvent_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceGraphNode" ADD CONSTRAINT "ServiceGraphNode_awsAccountId_fkey" FOREIGN KEY ("awsAccountId") REFERENCES "AwsAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceGraphNode" ADD CONSTRAINT "ServiceGraphNode_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceGraphEdge" ADD CONSTRAINT "ServiceGraphEdge_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "ServiceGraphNode"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceGraphEdge" ADD CONSTRAINT "ServiceGraphEdge_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "ServiceGraphNode"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceGraphNodeBucket" ADD CONSTRAINT "ServiceGraphNodeBucket_nodeId_fkey" FOREIGN KEY ("nodeId") REFERENCES "ServiceGraphNode"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceGraphEdgeBucket" ADD CONSTRAINT "ServiceGraphEdgeBucket_edgeId_fkey" FOREIGN KEY ("edgeId") REFERENCES "ServiceGraphEdge"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TraceSummary" ADD CONSTRAINT "TraceSummary_awsAccountId_fkey" FOREIGN KEY ("awsAccountId") REFERENCES "AwsAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TraceSummary" ADD CONSTRAINT "TraceSummary_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncRun" ADD CONSTRAINT "SyncRun_awsAccountId_fkey" FOREIGN KEY ("awsAccountId") REFERENCES "AwsAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EnvironmentTemplate" ADD CONSTRAINT "EnvironmentTemplate_awsAccountId_fkey" FOREIGN KEY ("awsAccountId") REFERENCES "AwsAccount"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EnvironmentRequest" ADD CONSTRAINT "EnvironmentRequest_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "EnvironmentTemplate"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EnvironmentRequest" ADD CONSTRAINT "EnvironmentRequest_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EnvironmentRequest" ADD CONSTRAINT "EnvironmentRequest_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EnvironmentApproval" ADD CONSTRAINT "EnvironmentApproval_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "EnvironmentRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EnvironmentApproval" ADD CONSTRAINT "EnvironmentApproval_approverId_fkey" FOREIGN KEY ("approverId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EnvironmentEvent" ADD CONSTRAINT "EnvironmentEvent_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "EnvironmentRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Postmortem" ADD CONSTRAINT "Postmortem_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Postmortem" ADD CONSTRAINT "Postmortem_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActionItem" ADD CONSTRAINT "ActionItem_postmortemId_fkey" FOREIGN KEY ("postmortemId") REFERENCES "Postmortem"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActionItem" ADD CONSTRAINT "ActionItem_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_actorUserId_fkey" FOREIGN KEY ("actorUserId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_actorTokenId_fkey" FOREIGN KEY ("actorTokenId") REFERENCES "ApiToken"("id") ON DELETE SET NULL ON UPDATE CASCADE;
