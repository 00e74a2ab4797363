import { CfnOutput, Duration, Fn, SecretValue, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { acknowledge } from '../nag';
import { Construct } from 'constructs';
import { PortsideConfig, namePrefix, portalEventBusName } from '../config';
import { CLOUDWATCH_ALARM_PATTERN, CODEPIPELINE_PATTERN } from '../constructs/event-patterns';
import { tagPortalAlarm } from '../constructs/portal-alarms';

export interface EventsStackProps extends StackProps {
  readonly config: PortsideConfig;
  /** https://... base URL of the portal (no trailing slash). */
  readonly portalUrl: string;
  /** Secret with JSON key `token`: the portal API token. */
  readonly apiTokenSecret: secretsmanager.ISecret;
}

export const EVENTS_PATH = '/api/events/aws';

/**
 * Delivers CodePipeline and CloudWatch alarm state changes, from this account
 * (default bus) and from member accounts (the portal bus), to the portal's
 * `/api/events/aws` through an API destination, with retries and a DLQ.
 */
export class EventsStack extends Stack {
  public readonly bus: events.EventBus;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly apiDestination: events.ApiDestination;

  constructor(scope: Construct, id: string, props: EventsStackProps) {
    super(scope, id, props);
    const { config } = props;
    const ev = config.events;
    const prefix = namePrefix(config);

    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: portalEventBusName(config),
      description: 'Member accounts forward CodePipeline and CloudWatch alarm events here',
    });
    // The bus's own Policy property (AWS::Events::EventBus), not AWS::Events::EventBusPolicy statements, whose
    // `principal` form is deprecated.
    // By name, not GetAtt: the bus's policy cannot refer to the bus resource itself.
    const busArn = this.formatArn({ service: 'events', resource: 'event-bus', resourceName: portalEventBusName(config) });
    const memberAccounts = ev.memberAccounts.map((m) => m.accountId);
    const statements: iam.PolicyStatement[] = [];
    if (memberAccounts.length > 0) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'AllowMemberAccountsPutEvents',
          principals: memberAccounts.map((a) => new iam.AccountPrincipal(a)),
          actions: ['events:PutEvents'],
          resources: [busArn],
        }),
      );
    }
    if (ev.organizationId) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'AllowOrganizationPutEvents',
          principals: [new iam.OrganizationPrincipal(ev.organizationId)],
          actions: ['events:PutEvents'],
          resources: [busArn],
        }),
      );
    }
    if (statements.length > 0) {
      (this.bus.node.defaultChild as events.CfnEventBus).policy = new iam.PolicyDocument({ statements }).toJSON();
    }

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      queueName: `${prefix}-events-dlq`,
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    acknowledge(this.deadLetterQueue, [
      { id: 'AwsSolutions-SQS3', reason: 'This queue is the dead-letter queue of the EventBridge targets; it has no DLQ of its own.' },
    ]);

    // EventBridge stores the header value in its own connection secret; we feed it from ours.
    // "Bearer " + the token (a CloudFormation dynamic reference inside the string).
    const bearer = new SecretValue(
      Fn.join('', ['Bearer ', props.apiTokenSecret.secretValueFromJson('token').unsafeUnwrap()]),
    );
    const connection = new events.Connection(this, 'PortalConnection', {
      connectionName: `${prefix}-portal`,
      description: 'Portside portal API token (Authorization: Bearer)',
      authorization: events.Authorization.apiKey('Authorization', bearer),
    });

    this.apiDestination = new events.ApiDestination(this, 'PortalApiDestination', {
      apiDestinationName: `${prefix}-portal-events`,
      connection,
      endpoint: `${props.portalUrl}${EVENTS_PATH}`,
      httpMethod: events.HttpMethod.POST,
      rateLimitPerSecond: ev.invocationRateLimitPerSecond,
      description: 'Portside /api/events/aws',
    });

    const target = new targets.ApiDestination(this.apiDestination, {
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: ev.retryAttempts,
      maxEventAge: Duration.hours(ev.maxEventAgeHours),
    });

    const rules: Array<[string, events.IEventBus | undefined, events.EventPattern, string]> = [
      ['LocalCodePipelineEvents', undefined, CODEPIPELINE_PATTERN, 'CodePipeline state changes in the portal account'],
      ['LocalAlarmEvents', undefined, CLOUDWATCH_ALARM_PATTERN, 'CloudWatch alarm state changes in the portal account'],
      ['MemberCodePipelineEvents', this.bus, CODEPIPELINE_PATTERN, 'CodePipeline state changes forwarded by member accounts'],
      ['MemberAlarmEvents', this.bus, CLOUDWATCH_ALARM_PATTERN, 'CloudWatch alarm state changes forwarded by member accounts'],
    ];
    for (const [ruleId, eventBus, eventPattern, description] of rules) {
      new events.Rule(this, ruleId, { eventBus, eventPattern, description, targets: [target] });
    }

    // Anything in the DLQ means the portal did not accept events; this alarm reaches the portal too.
    const deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmName: `${prefix}-events-dlq-not-empty`,
      alarmDescription: 'Events could not be delivered to the portal (see the DLQ)',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    tagPortalAlarm(deadLetterAlarm, config.portal.serviceSlug, 'SEV3');

    new CfnOutput(this, 'EventBusArn', { value: this.bus.eventBusArn });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'ConnectionName', { value: connection.connectionName });
  }
}
