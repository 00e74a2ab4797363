/**
 * Events (EventBridge -> portal) and the member-account stack, dev environment.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Template } from 'aws-cdk-lib/assertions';
import { Synthesized, actionsOf, configFor, flat, roleStatements, synthesize } from './helpers';
import { MEMBER_APPROVAL_ROLE_ACTIONS, MEMBER_READ_ROLE_ACTIONS } from './policy-rules';

let s: Synthesized;
let events: Template;
let member: Template;

const PIPELINE_TYPES = [
  'CodePipeline Pipeline Execution State Change',
  'CodePipeline Stage Execution State Change',
  'CodePipeline Action Execution State Change',
];

before(() => {
  s = synthesize(configFor('dev', 'apprunner'));
  events = s.template(s.stacks.events);
  member = s.template(s.stacks.members[0]);
});

describe('events stack', () => {
  it('has rules for CodePipeline and CloudWatch alarm state changes on the default bus and the portal bus', () => {
    const rules = Object.values(events.findResources('AWS::Events::Rule')) as any[];
    assert.equal(rules.length, 4);
    const pipeline = rules.filter((r) => flat(r.Properties.EventPattern.source) === '["aws.codepipeline"]');
    const alarms = rules.filter((r) => flat(r.Properties.EventPattern.source) === '["aws.cloudwatch"]');
    assert.equal(pipeline.length, 2);
    assert.equal(alarms.length, 2);
    for (const r of pipeline) assert.deepEqual(r.Properties.EventPattern['detail-type'], PIPELINE_TYPES);
    for (const r of alarms) assert.deepEqual(r.Properties.EventPattern['detail-type'], ['CloudWatch Alarm State Change']);
    // One of each on the default bus (no EventBusName) and on the portal bus.
    assert.equal(rules.filter((r) => r.Properties.EventBusName === undefined).length, 2);
    assert.equal(rules.filter((r) => r.Properties.EventBusName?.Ref?.startsWith('Bus')).length, 2);
  });

  it('delivers to /api/events/aws over HTTPS through an API destination, with retries and a DLQ', () => {
    const [destId] = Object.keys(events.findResources('AWS::Events::ApiDestination'));
    events.hasResourceProperties('AWS::Events::ApiDestination', { HttpMethod: 'POST' });
    const dest = events.toJSON().Resources[destId].Properties;
    assert.match(flat(dest.InvocationEndpoint), /\["https:\/\/",.*ServiceUrl.*"\/api\/events\/aws"\]/);
    const [dlqId] = Object.keys(events.findResources('AWS::SQS::Queue'));
    for (const rule of Object.values(events.findResources('AWS::Events::Rule')) as any[]) {
      const [target] = rule.Properties.Targets;
      assert.deepEqual(target.Arn, { 'Fn::GetAtt': [destId, 'Arn'] });
      assert.deepEqual(target.DeadLetterConfig, { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } });
      assert.deepEqual(target.RetryPolicy, { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 });
    }
  });

  it('authenticates with the portal API token from Secrets Manager as a Bearer header', () => {
    const [conn] = Object.values(events.findResources('AWS::Events::Connection')) as any[];
    assert.equal(conn.Properties.AuthorizationType, 'API_KEY');
    const auth = conn.Properties.AuthParameters.ApiKeyAuthParameters;
    assert.equal(auth.ApiKeyName, 'Authorization');
    const value = flat(auth.ApiKeyValue);
    assert.match(value, /^\{"Fn::Join":\["",\["Bearer \{\{resolve:secretsmanager:/);
    assert.match(value, /ApiTokenSecret/);
    assert.match(value, /:SecretString:token::\}\}/);
  });

  it('encrypts the DLQ, enforces TLS, and alarms when it is not empty', () => {
    events.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    const [policy] = Object.values(events.findResources('AWS::SQS::QueuePolicy')) as any[];
    assert.ok(policy.Properties.PolicyDocument.Statement.some((st: any) => st.Effect === 'Deny' && flat(st.Condition).includes('SecureTransport')));
    events.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 0 });
  });

  it('lets the member accounts (only) put events on the portal bus, by the bus\'s own policy', () => {
    // AWS::Events::EventBusPolicy (whose principal form is deprecated) is not used at all.
    events.resourceCountIs('AWS::Events::EventBusPolicy', 0);
    const [bus] = Object.values(events.findResources('AWS::Events::EventBus')) as any[];
    const statements = bus.Properties.Policy.Statement;
    assert.equal(statements.length, 1);
    assert.equal(statements[0].Action, 'events:PutEvents');
    assert.deepEqual(statements[0].Principal, { AWS: 'arn:aws:iam::333333333333:root' });
    assert.equal(statements[0].Resource, 'arn:aws:events:us-east-1:111111111111:event-bus/portside-dev-events');
  });
});

describe('member account stack', () => {
  it('both roles trust only the portal role, and only with the external id', () => {
    for (const name of ['PortsideRead', 'PortsideApprove']) {
      const [role] = Object.values(member.findResources('AWS::IAM::Role', { Properties: { RoleName: name } })) as any[];
      assert.ok(role, name);
      assert.deepEqual(role.Properties.AssumeRolePolicyDocument.Statement, [
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111111111111:role/portside-dev-portal' },
          Condition: { StringEquals: { 'sts:ExternalId': 'portside-dev-7f3c' } },
        },
      ]);
      assert.equal(role.Properties.MaxSessionDuration, 3600);
    }
  });

  it('roles by purpose: the read role reads and cannot approve; the approval role only approves', () => {
    const [readId] = Object.keys(member.findResources('AWS::IAM::Role', { Properties: { RoleName: 'PortsideRead' } }));
    const read = roleStatements(member, readId);
    assert.deepEqual(new Set(read.flatMap(actionsOf)), MEMBER_READ_ROLE_ACTIONS);
    for (const st of read) assert.equal(st.Effect, 'Allow');
    const [approveId] = Object.keys(member.findResources('AWS::IAM::Role', { Properties: { RoleName: 'PortsideApprove' } }));
    const approve = roleStatements(member, approveId);
    assert.deepEqual(new Set(approve.flatMap(actionsOf)), MEMBER_APPROVAL_ROLE_ACTIONS);
    const answer = approve.find((st) => actionsOf(st).includes('codepipeline:PutApprovalResult'))!;
    assert.equal(answer.Resource, 'arn:aws:codepipeline:*:333333333333:*/*/*');
  });

  it('an organisation may leave the approval role out (approvalRole: false); the portal then may not assume it there', () => {
    const base = configFor('dev', 'ecs');
    const readOnly = synthesize({ ...base, events: { ...base.events, memberAccounts: [{ accountId: '333333333333', approvalRole: false }] } });
    const memberTemplate = readOnly.template(readOnly.stacks.members[0]);
    assert.deepEqual(
      Object.values(memberTemplate.findResources('AWS::IAM::Role')).map((r: any) => r.Properties.RoleName).filter(Boolean),
      ['PortsideRead'],
    );
    const portal = readOnly.template(readOnly.stacks.portal);
    const assume = Object.values(portal.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement).filter((st: any) => st.Action === 'sts:AssumeRole');
    assert.deepEqual(assume.map((st: any) => st.Resource), ['arn:aws:iam::333333333333:role/PortsideRead']);
  });

  it('forwards CodePipeline and alarm events to the portal bus in the portal account', () => {
    const [rule] = Object.values(member.findResources('AWS::Events::Rule')) as any[];
    assert.deepEqual(rule.Properties.EventPattern.source, ['aws.codepipeline', 'aws.cloudwatch']);
    assert.deepEqual(rule.Properties.EventPattern['detail-type'], [...PIPELINE_TYPES, 'CloudWatch Alarm State Change']);
    assert.equal(rule.Properties.Targets[0].Arn, 'arn:aws:events:us-east-1:111111111111:event-bus/portside-dev-events');
    assert.ok(rule.Properties.Targets[0].DeadLetterConfig);
  });

  it('is deployable in the member account and usable as a StackSet template', () => {
    const stack = s.stacks.members[0];
    assert.equal(stack.account, '333333333333');
    assert.equal(member.toJSON().Rules, undefined, 'no bootstrap-version rule');
    assert.equal(member.toJSON().Parameters, undefined, 'no parameters');
    assert.deepEqual(
      stack.dependencies.map((d) => d.stackName),
      ['Portside-dev-Portal'],
    );
  });
});
