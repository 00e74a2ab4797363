/**
 * The portal's own alarm set, on both targets: created by the stacks, and
 * tagged so that the portal's alarm collector maps them to the portal's own
 * catalog entry (portside:service) with a severity (portside:severity).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Template } from 'aws-cdk-lib/assertions';
import { Synthesized, configFor, flat, synthesize } from './helpers';

let ecs: Synthesized;
let appRunner: Synthesized;
let prod: Synthesized;

before(() => {
  ecs = synthesize(configFor('dev', 'ecs'));
  appRunner = synthesize(configFor('dev', 'apprunner'));
  prod = synthesize(configFor('prod', 'ecs'));
});

function alarms(s: Synthesized): Map<string, any> {
  const all = new Map<string, any>();
  for (const stack of [s.stacks.portal, s.stacks.database, s.stacks.events]) {
    const template: Template = s.template(stack);
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm')) as any[]) all.set(alarm.Properties.AlarmName, alarm.Properties);
  }
  return all;
}

const tags = (alarm: any) => Object.fromEntries((alarm.Tags ?? []).map((t: any) => [t.Key, t.Value]));
const metricNames = (alarm: any) => flat(alarm.Metrics ?? alarm.MetricName);

const EXPECTED = [
  'http-5xx-rate',
  'latency-p90',
  'job-queue-age',
  'dora-refresh-backlog',
  'database-cpu',
  'database-connections',
  'database-storage',
  'events-dlq-not-empty',
];

describe('the portal\'s own alarms', () => {
  for (const [name, get] of [['ECS', () => ecs], ['App Runner', () => appRunner], ['prod (Aurora)', () => prod]] as const) {
    it(`${name}: the whole set, each tagged to the portal's own service with a severity`, () => {
      const set = alarms(get());
      for (const suffix of EXPECTED) {
        const alarm = [...set].find(([n]) => n.endsWith(`-${suffix}`))?.[1];
        assert.ok(alarm, `no ${suffix} alarm among ${[...set.keys()].join(', ')}`);
        assert.equal(tags(alarm)['portside:service'], 'portside', suffix);
        assert.match(tags(alarm)['portside:severity'] ?? '', /^SEV[1-4]$/, suffix);
      }
    });
  }

  it('watches the right metrics on each target', () => {
    const onEcs = alarms(ecs);
    assert.match(metricNames(onEcs.get('portside-dev-http-5xx-rate')), /HTTPCode_Target_5XX_Count.*RequestCount|RequestCount.*HTTPCode_Target_5XX_Count/);
    assert.match(metricNames(onEcs.get('portside-dev-http-5xx-rate')), /Fn::Split.*loadbalancer\//);
    assert.match(metricNames(onEcs.get('portside-dev-latency-p90')), /TargetResponseTime/);
    const onAppRunner = alarms(appRunner);
    assert.match(metricNames(onAppRunner.get('portside-dev-http-5xx-rate')), /5xxStatusResponses/);
    assert.match(metricNames(onAppRunner.get('portside-dev-latency-p90')), /RequestLatency/);
    // The app's own metrics (EMF lines, lib/jobs/queue-metrics.ts).
    assert.equal(onEcs.get('portside-dev-job-queue-age').Namespace, 'Portside');
    assert.equal(onEcs.get('portside-dev-job-queue-age').MetricName, 'JobQueueOldestSeconds');
    assert.equal(onEcs.get('portside-dev-dora-refresh-backlog').MetricName, 'DoraRefreshOldestSeconds');
    assert.equal(onEcs.get('portside-dev-database-storage').MetricName, 'FreeStorageSpace');
    assert.equal(alarms(prod).get('portside-prod-database-storage').MetricName, 'FreeLocalStorage');
    assert.equal(onEcs.get('portside-dev-database-connections').MetricName, 'DatabaseConnections');
    assert.equal(onEcs.get('portside-dev-events-dlq-not-empty').MetricName, 'ApproximateNumberOfMessagesVisible');
  });
});
