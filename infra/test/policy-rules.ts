/**
 * What the templates may grant. Kept here, independent of lib/, so that widening
 * a permission in lib/ makes a test fail until this list is changed on purpose.
 */

/** Read-only verbs. */
export const READ_ACTION = /^[a-z0-9-]+:(Get|List|Describe|BatchGet|BatchCheck)[A-Za-z]*$/;

/** Every non-read action any Allow statement may contain, with who needs it. */
export const ALLOWED_WRITES: Record<string, string> = {
  'codepipeline:PutApprovalResult': 'portal role / member approval role: approve or reject manual approval actions',
  'sts:AssumeRole': 'portal role: assume the member role in member accounts',
  'xray:PutTraceSegments': 'portal role: send its own traces (App Runner X-Ray tracing)',
  'xray:PutTelemetryRecords': 'portal role: X-Ray telemetry for its own traces',
  'secretsmanager:GetSecretValue': 'App Runner instance role / ECS execution role: inject secrets',
  'logs:CreateLogStream': 'VPC flow logs and ECS execution role',
  'logs:PutLogEvents': 'VPC flow logs and ECS execution role',
  'events:InvokeApiDestination': 'EventBridge rule role: call the portal',
  'events:PutEvents': 'member forwarding rule role: put events on the portal bus',
  'sqs:SendMessage': 'EventBridge (service principal) writes undeliverable events to the DLQ',
  'iam:PassRole': 'VPC flow log delivery role (CDK passes its own role)',
};

/** Exactly what the portal runtime role (App Runner instance role / ECS task role) may do. */
export const PORTAL_ROLE_ACTIONS = new Set([
  'codepipeline:GetPipeline',
  'codepipeline:GetPipelineState',
  'codepipeline:ListActionExecutions',
  'codepipeline:ListPipelineExecutions',
  'codepipeline:ListPipelines',
  'codepipeline:ListTagsForResource',
  'codepipeline:PutApprovalResult',
  'xray:BatchGetTraces',
  'xray:GetGroups',
  'xray:GetServiceGraph',
  'xray:GetTraceSegmentDestination',
  'xray:GetTraceSummaries',
  'xray:GetSamplingRules',
  'xray:GetSamplingStatisticSummaries',
  'xray:GetSamplingTargets',
  'xray:PutTelemetryRecords',
  'xray:PutTraceSegments',
  'cloudwatch:DescribeAlarmHistory',
  'cloudwatch:DescribeAlarms',
  'cloudwatch:GetMetricData',
  'cloudwatch:ListTagsForResource',
  'sts:AssumeRole',
  'secretsmanager:GetSecretValue',
  'secretsmanager:DescribeSecret',
]);

/** Exactly what the member account's read role may do. */
export const MEMBER_READ_ROLE_ACTIONS = new Set([
  'codepipeline:GetPipeline',
  'codepipeline:GetPipelineState',
  'codepipeline:ListActionExecutions',
  'codepipeline:ListPipelineExecutions',
  'codepipeline:ListPipelines',
  'codepipeline:ListTagsForResource',
  'xray:BatchGetTraces',
  'xray:GetGroups',
  'xray:GetServiceGraph',
  'xray:GetTraceSegmentDestination',
  'xray:GetTraceSummaries',
  'cloudwatch:DescribeAlarmHistory',
  'cloudwatch:DescribeAlarms',
  'cloudwatch:GetMetricData',
  'cloudwatch:ListTagsForResource',
]);

/** Exactly what the member account's approval role may do: read the approval's token, answer it. */
export const MEMBER_APPROVAL_ROLE_ACTIONS = new Set(['codepipeline:GetPipelineState', 'codepipeline:PutApprovalResult']);
