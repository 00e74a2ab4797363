import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PortsideConfig } from '../config';

/**
 * Read actions the portal needs on CodePipeline, X-Ray and CloudWatch. Shared by
 * the portal role (its own account) and the member role (other accounts).
 * Explicit action lists only: no wildcards.
 */
export const CODEPIPELINE_READ_ACTIONS = [
  'codepipeline:GetPipeline',
  'codepipeline:GetPipelineExecution',
  'codepipeline:GetPipelineState',
  'codepipeline:ListActionExecutions',
  'codepipeline:ListPipelineExecutions',
  'codepipeline:ListTagsForResource',
];
/** Not resource-scopable. */
export const CODEPIPELINE_LIST_ACTIONS = ['codepipeline:ListPipelines'];
/** The one write the portal performs: approving/rejecting manual approval actions. */
export const CODEPIPELINE_APPROVAL_ACTIONS = ['codepipeline:PutApprovalResult'];
export const XRAY_READ_ACTIONS = [
  'xray:BatchGetTraces',
  'xray:GetGroups',
  'xray:GetServiceGraph',
  'xray:GetTimeSeriesServiceStatistics',
  'xray:GetTraceGraph',
  // Whether spans go to CloudWatch Logs (Transaction Search), where BatchGetTraces cannot read them.
  'xray:GetTraceSegmentDestination',
  'xray:GetTraceSummaries',
];
export const CLOUDWATCH_READ_ACTIONS = [
  'cloudwatch:DescribeAlarmHistory',
  'cloudwatch:DescribeAlarms',
  'cloudwatch:GetMetricData',
  'cloudwatch:GetMetricStatistics',
  'cloudwatch:ListMetrics',
];
/** The alarm collector reads an alarm's tags (portside:service, portside:severity): scoped to the account's alarms. */
export const CLOUDWATCH_ALARM_TAG_ACTIONS = ['cloudwatch:ListTagsForResource'];
export const TAG_READ_ACTIONS = ['tag:GetResources', 'tag:GetTagKeys', 'tag:GetTagValues'];
/** Sending the portal's own traces (App Runner X-Ray tracing). */
export const XRAY_WRITE_TRACE_ACTIONS = [
  'xray:GetSamplingRules',
  'xray:GetSamplingStatisticSummaries',
  'xray:GetSamplingTargets',
  'xray:PutTelemetryRecords',
  'xray:PutTraceSegments',
];

/** Read-only observability statements, scoped to one account. */
export function observabilityReadStatements(stack: Stack, account: string): iam.PolicyStatement[] {
  const pipelineArn = stack.formatArn({ service: 'codepipeline', account, region: '*', resource: '*' });
  const approvalArn = stack.formatArn({ service: 'codepipeline', account, region: '*', resource: '*/*/*' });
  return [
    new iam.PolicyStatement({ sid: 'CodePipelineRead', actions: CODEPIPELINE_READ_ACTIONS, resources: [pipelineArn] }),
    new iam.PolicyStatement({ sid: 'CodePipelineList', actions: CODEPIPELINE_LIST_ACTIONS, resources: ['*'] }),
    new iam.PolicyStatement({ sid: 'CodePipelineApprovals', actions: CODEPIPELINE_APPROVAL_ACTIONS, resources: [approvalArn] }),
    new iam.PolicyStatement({ sid: 'XRayRead', actions: XRAY_READ_ACTIONS, resources: ['*'] }),
    new iam.PolicyStatement({ sid: 'CloudWatchRead', actions: CLOUDWATCH_READ_ACTIONS, resources: ['*'] }),
    new iam.PolicyStatement({
      sid: 'CloudWatchAlarmTags',
      actions: CLOUDWATCH_ALARM_TAG_ACTIONS,
      resources: [stack.formatArn({ service: 'cloudwatch', account, region: '*', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
    }),
  ];
}

/**
 * Everything the portal runtime role may do besides reading its own secrets:
 * observability read in its own account, sending traces, and assuming the
 * member role (by name) in other accounts. CloudFormation or any other
 * provisioning happens only through roles assumed this way; the portal role
 * has no CloudFormation permission of its own.
 */
export function portalRuntimeStatements(stack: Stack, config: PortsideConfig): iam.PolicyStatement[] {
  const memberRoleArn = stack.formatArn({
    service: 'iam',
    region: '',
    account: '*',
    resource: 'role',
    resourceName: config.portal.memberRoleName,
  });
  const memberAccounts = config.events.memberAccounts.map((m) => m.accountId);
  const assume = new iam.PolicyStatement({
    sid: 'AssumeMemberRole',
    actions: ['sts:AssumeRole'],
    // Listed member accounts by exact ARN; with an organization, any account of it (same role name only).
    resources: config.events.organizationId
      ? [memberRoleArn]
      : memberAccounts.map((a) =>
          stack.formatArn({ service: 'iam', region: '', account: a, resource: 'role', resourceName: config.portal.memberRoleName }),
        ),
    conditions: config.events.organizationId
      ? { StringEquals: { 'aws:ResourceOrgID': config.events.organizationId } }
      : undefined,
  });
  const statements = [
    ...observabilityReadStatements(stack, stack.account),
    new iam.PolicyStatement({ sid: 'XRayWriteOwnTraces', actions: XRAY_WRITE_TRACE_ACTIONS, resources: ['*'] }),
  ];
  if (assume.resources.length > 0) statements.push(assume);
  return statements;
}
