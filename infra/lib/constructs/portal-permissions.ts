import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PortsideConfig } from '../config';

/**
 * What the portal calls, as IAM actions, grouped by the role that needs them.
 * Each list is exactly the SDK commands lib/ sends (test/sdk-calls.test.ts
 * scans lib/ and compares, per role): a grant nothing calls is a test failure,
 * as is a call nothing grants. Explicit action lists only: no wildcards.
 */
export const CODEPIPELINE_READ_ACTIONS = [
  'codepipeline:GetPipeline',
  'codepipeline:GetPipelineState',
  'codepipeline:ListActionExecutions',
  'codepipeline:ListPipelineExecutions',
  'codepipeline:ListTagsForResource',
];
/** Not resource-scopable. */
export const CODEPIPELINE_LIST_ACTIONS = ['codepipeline:ListPipelines'];
/**
 * Answering a manual approval (lib/pipelines/server/approve-action.ts): it
 * reads the action's current token, then answers.
 */
export const CODEPIPELINE_APPROVAL_ACTIONS = ['codepipeline:GetPipelineState', 'codepipeline:PutApprovalResult'];
export const XRAY_READ_ACTIONS = [
  'xray:BatchGetTraces',
  'xray:GetGroups',
  'xray:GetServiceGraph',
  // Whether spans go to CloudWatch Logs (Transaction Search), where BatchGetTraces cannot read them.
  'xray:GetTraceSegmentDestination',
  'xray:GetTraceSummaries',
];
export const CLOUDWATCH_READ_ACTIONS = ['cloudwatch:DescribeAlarmHistory', 'cloudwatch:DescribeAlarms', 'cloudwatch:GetMetricData'];
/** The alarm collector reads an alarm's tags (portside:service, portside:severity): scoped to the account's alarms. */
export const CLOUDWATCH_ALARM_TAG_ACTIONS = ['cloudwatch:ListTagsForResource'];
/** The database password, read when a connection logs in (lib/db-connection.ts): AWSCURRENT, and AWSPENDING mid-rotation. */
export const DATABASE_SECRET_ACTIONS = ['secretsmanager:GetSecretValue'];
/** Sending the portal's own traces (App Runner X-Ray tracing). */
export const XRAY_WRITE_TRACE_ACTIONS = [
  'xray:GetSamplingRules',
  'xray:GetSamplingStatisticSummaries',
  'xray:GetSamplingTargets',
  'xray:PutTelemetryRecords',
  'xray:PutTraceSegments',
];

/** What the read role needs: the collectors' reads, scoped to one account. */
export function observabilityReadStatements(stack: Stack, account: string): iam.PolicyStatement[] {
  const pipelineArn = stack.formatArn({ service: 'codepipeline', account, region: '*', resource: '*' });
  return [
    new iam.PolicyStatement({ sid: 'CodePipelineRead', actions: CODEPIPELINE_READ_ACTIONS, resources: [pipelineArn] }),
    new iam.PolicyStatement({ sid: 'CodePipelineList', actions: CODEPIPELINE_LIST_ACTIONS, resources: ['*'] }),
    new iam.PolicyStatement({ sid: 'XRayRead', actions: XRAY_READ_ACTIONS, resources: ['*'] }),
    new iam.PolicyStatement({ sid: 'CloudWatchRead', actions: CLOUDWATCH_READ_ACTIONS, resources: ['*'] }),
    new iam.PolicyStatement({
      sid: 'CloudWatchAlarmTags',
      actions: CLOUDWATCH_ALARM_TAG_ACTIONS,
      resources: [stack.formatArn({ service: 'cloudwatch', account, region: '*', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
    }),
  ];
}

/** What the approval role needs: read an approval's token and answer it, on the account's pipelines only. */
export function approvalStatements(stack: Stack, account: string): iam.PolicyStatement[] {
  const pipelineArn = stack.formatArn({ service: 'codepipeline', account, region: '*', resource: '*' });
  const approvalArn = stack.formatArn({ service: 'codepipeline', account, region: '*', resource: '*/*/*' });
  return [
    new iam.PolicyStatement({ sid: 'CodePipelineApprovalState', actions: ['codepipeline:GetPipelineState'], resources: [pipelineArn] }),
    new iam.PolicyStatement({ sid: 'CodePipelineApprovals', actions: ['codepipeline:PutApprovalResult'], resources: [approvalArn] }),
  ];
}

/**
 * Everything the portal runtime role may do besides reading secrets: in its
 * own account the read and approval statements, sending traces (App Runner); in member
 * accounts it assumes their read and approval roles (by name). CloudFormation
 * or any other provisioning happens only through roles assumed this way; the
 * portal role has no CloudFormation permission of its own.
 */
export function portalRuntimeStatements(stack: Stack, config: PortsideConfig): iam.PolicyStatement[] {
  const roleArn = (account: string, name: string) => stack.formatArn({ service: 'iam', region: '', account, resource: 'role', resourceName: name });
  const { memberRoleName, memberApprovalRoleName } = config.portal;
  const organizationId = config.events.organizationId;
  // Listed member accounts by exact ARN (the approval role only where it is deployed); with an organization, any account of it.
  const resources = organizationId
    ? [roleArn('*', memberRoleName), roleArn('*', memberApprovalRoleName)]
    : config.events.memberAccounts.flatMap((m) =>
        m.approvalRole === false ? [roleArn(m.accountId, memberRoleName)] : [roleArn(m.accountId, memberRoleName), roleArn(m.accountId, memberApprovalRoleName)],
      );
  const statements = [...observabilityReadStatements(stack, stack.account), ...approvalStatements(stack, stack.account)];
  if (config.portal.target === 'apprunner') {
    // App Runner's X-Ray tracing (its observability configuration) sends the portal's traces as this role.
    statements.push(new iam.PolicyStatement({ sid: 'XRayWriteOwnTraces', actions: XRAY_WRITE_TRACE_ACTIONS, resources: ['*'] }));
  }
  if (resources.length > 0) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'AssumeMemberRoles',
        actions: ['sts:AssumeRole'],
        resources,
        conditions: organizationId ? { StringEquals: { 'aws:ResourceOrgID': organizationId } } : undefined,
      }),
    );
  }
  return statements;
}
