/**
 * What the alarm collector needs from AWS, in the dev environment: the portal
 * role (its own account) and the member role may describe alarms, read their
 * history and metric data, and read an alarm's tags (only alarms of that
 * account); and alarm state changes reach the portal.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Template } from 'aws-cdk-lib/assertions';
import { Synthesized, actionsOf, configFor, flat, roleStatements, synthesize } from './helpers';

const COLLECTOR_ACTIONS = ['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory', 'cloudwatch:GetMetricData', 'cloudwatch:ListTagsForResource'];

let s: Synthesized;
let member: Template;
let events: Template;

before(() => {
  s = synthesize(configFor('dev', 'apprunner'));
  member = s.template(s.stacks.members[0]);
  events = s.template(s.stacks.events);
});

describe('alarm collector permissions', () => {
  it('the member read role may do everything the alarm collector calls, and read tags of its own account\'s alarms only', () => {
    const [roleId] = Object.keys(member.findResources('AWS::IAM::Role', { Properties: { RoleName: 'PortsideRead' } }));
    const statements = roleStatements(member, roleId);
    const granted = new Set(statements.flatMap(actionsOf));
    for (const action of COLLECTOR_ACTIONS) assert.ok(granted.has(action), `member role lacks ${action}`);
    const tags = statements.filter((st) => actionsOf(st).includes('cloudwatch:ListTagsForResource'));
    assert.equal(tags.length, 1);
    const resource = flat(tags[0]!.Resource);
    assert.match(resource, /cloudwatch:\*:/);
    assert.match(resource, /:alarm:\*/);
    assert.doesNotMatch(resource, /^"\*"$/);
  });

  it('the portal role may do the same in its own account', () => {
    const portal = s.template(s.stacks.portal);
    const statements = Object.values(portal.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const granted = new Set(statements.flatMap((st: any) => [st.Action].flat()));
    for (const action of COLLECTOR_ACTIONS) assert.ok(granted.has(action), `portal role lacks ${action}`);
  });

  it('forwards CloudWatch alarm state changes to the portal', () => {
    const rules = Object.values(events.findResources('AWS::Events::Rule')) as any[];
    const alarms = rules.filter((r) => [r.Properties.EventPattern.source].flat().includes('aws.cloudwatch'));
    assert.ok(alarms.length > 0);
    for (const r of alarms) assert.ok(r.Properties.EventPattern['detail-type'].includes('CloudWatch Alarm State Change'));
  });
});
