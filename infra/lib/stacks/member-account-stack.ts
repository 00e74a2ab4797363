import { CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { acknowledge, wildcardResourceFindings } from '../nag';
import { Construct } from 'constructs';
import { PORTAL_EVENTS_PATTERN } from '../constructs/event-patterns';
import { approvalStatements, observabilityReadStatements } from '../constructs/portal-permissions';

export interface MemberAccountStackProps extends StackProps {
  /** Account and region of the portal. */
  readonly portalAccount: string;
  readonly portalRegion: string;
  /** Name of the portal runtime role in the portal account (the only principal trusted). */
  readonly portalRoleName: string;
  /** Name of the read role created here; the portal assumes it by this name (PORTSIDE_MEMBER_ROLE_NAME). */
  readonly memberRoleName: string;
  /** Name of the approval role (PORTSIDE_MEMBER_APPROVAL_ROLE_NAME); undefined: not deployed in this account. */
  readonly approvalRoleName?: string;
  readonly externalId: string;
  /** Name of the portal's event bus in the portal account. */
  readonly portalEventBusName: string;
  readonly envName: string;
}

/**
 * Deployed in every other account (with `cdk deploy` or as a StackSet from the
 * synthesized template): the roles the portal assumes, one per purpose (a read
 * role for the collectors; an approval role for answering manual approvals,
 * which an organisation may leave out), and a rule forwarding
 * CodePipeline/CloudWatch alarm events to the portal's bus.
 */
export class MemberAccountStack extends Stack {
  public readonly role: iam.Role;
  public readonly approvalRole?: iam.Role;

  constructor(scope: Construct, id: string, props: MemberAccountStackProps) {
    super(scope, id, props);

    const portalRoleArn = `arn:${this.partition}:iam::${props.portalAccount}:role/${props.portalRoleName}`;
    const trust = { assumedBy: new iam.ArnPrincipal(portalRoleArn), externalIds: [props.externalId], maxSessionDuration: Duration.hours(1) };
    this.role = new iam.Role(this, 'PortalReadRole', {
      ...trust,
      roleName: props.memberRoleName,
      description: `Assumed by the Portside ${props.envName} portal to read pipelines, alarms and traces`,
    });
    const statements = observabilityReadStatements(this, this.account);
    const policy = new iam.Policy(this, 'ReadPolicy', { statements });
    policy.attachToRole(this.role);
    acknowledge(policy, [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'codepipeline:ListPipelines and the X-Ray and CloudWatch read actions do not support resource-level permissions; pipeline reads are limited to this account.',
        appliesTo: wildcardResourceFindings(this, statements),
      },
    ]);

    if (props.approvalRoleName) {
      this.approvalRole = new iam.Role(this, 'PortalApprovalRole', {
        ...trust,
        roleName: props.approvalRoleName,
        description: `Assumed by the Portside ${props.envName} portal to answer CodePipeline manual approvals`,
      });
      const approvals = approvalStatements(this, this.account);
      const approvalPolicy = new iam.Policy(this, 'ApprovalPolicy', { statements: approvals });
      approvalPolicy.attachToRole(this.approvalRole);
      acknowledge(approvalPolicy, [
        {
          id: 'AwsSolutions-IAM5',
          reason: 'Approvals are scoped to this account\'s pipelines; the stage and action names are only known when an approval waits.',
          appliesTo: wildcardResourceFindings(this, approvals),
        },
      ]);
      new CfnOutput(this, 'MemberApprovalRoleArn', { value: this.approvalRole.roleArn });
    }

    const portalBus = events.EventBus.fromEventBusArn(
      this,
      'PortalBus',
      `arn:${this.partition}:events:${props.portalRegion}:${props.portalAccount}:event-bus/${props.portalEventBusName}`,
    );
    const dlq = new sqs.Queue(this, 'ForwardingDeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    acknowledge(dlq, [
      { id: 'AwsSolutions-SQS3', reason: 'This queue is the dead-letter queue of the forwarding rule; it has no DLQ of its own.' },
    ]);
    new events.Rule(this, 'ForwardToPortal', {
      description: 'Forward CodePipeline and CloudWatch alarm state changes to the Portside portal bus',
      eventPattern: PORTAL_EVENTS_PATTERN,
      targets: [new targets.EventBus(portalBus, { deadLetterQueue: dlq })],
    });

    new CfnOutput(this, 'MemberRoleArn', { value: this.role.roleArn });
  }
}
