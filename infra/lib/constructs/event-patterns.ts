import * as events from 'aws-cdk-lib/aws-events';

/** CodePipeline state changes the portal shows. */
export const CODEPIPELINE_DETAIL_TYPES = [
  'CodePipeline Pipeline Execution State Change',
  'CodePipeline Stage Execution State Change',
  'CodePipeline Action Execution State Change',
];
export const CLOUDWATCH_ALARM_DETAIL_TYPES = ['CloudWatch Alarm State Change'];

export const CODEPIPELINE_PATTERN: events.EventPattern = {
  source: ['aws.codepipeline'],
  detailType: CODEPIPELINE_DETAIL_TYPES,
};
export const CLOUDWATCH_ALARM_PATTERN: events.EventPattern = {
  source: ['aws.cloudwatch'],
  detailType: CLOUDWATCH_ALARM_DETAIL_TYPES,
};

/** Both kinds in one pattern (used where a single rule forwards everything). */
export const PORTAL_EVENTS_PATTERN: events.EventPattern = {
  source: ['aws.codepipeline', 'aws.cloudwatch'],
  detailType: [...CODEPIPELINE_DETAIL_TYPES, ...CLOUDWATCH_ALARM_DETAIL_TYPES],
};
