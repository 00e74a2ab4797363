import { Duration, Tags } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';

/**
 * The portal's own alarms. Each carries the tags the portal's alarm collector
 * reads (lib/alarms): `portside:service` maps it to the portal's own entry in
 * its catalog, `portside:severity` decides whether it opens an incident. So
 * the portal shows its own health as it shows any other service's.
 */
export type TSeverity = 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4';

/** What the app writes as CloudWatch embedded metric format lines (lib/jobs/queue-metrics.ts), once a minute. */
export const APP_METRICS_NAMESPACE = 'Portside';
export const JOB_QUEUE_OLDEST_METRIC = 'JobQueueOldestSeconds';
export const DORA_REFRESH_OLDEST_METRIC = 'DoraRefreshOldestSeconds';

export interface PortalAlarmOptions {
  readonly alarmName: string;
  readonly description: string;
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
  readonly evaluationPeriods?: number;
  readonly severity: TSeverity;
  /** The portal's own service slug in its catalog. */
  readonly serviceSlug: string;
  readonly treatMissingData?: cloudwatch.TreatMissingData;
}

export function portalAlarm(scope: Construct, id: string, o: PortalAlarmOptions): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    alarmName: o.alarmName,
    alarmDescription: o.description,
    metric: o.metric,
    threshold: o.threshold,
    comparisonOperator: o.comparisonOperator,
    evaluationPeriods: o.evaluationPeriods ?? 3,
    datapointsToAlarm: o.evaluationPeriods ?? 3,
    treatMissingData: o.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  tagPortalAlarm(alarm, o.serviceSlug, o.severity);
  return alarm;
}

export function tagPortalAlarm(alarm: cloudwatch.Alarm, serviceSlug: string, severity: TSeverity): void {
  Tags.of(alarm).add('portside:service', serviceSlug);
  Tags.of(alarm).add('portside:severity', severity);
}

/** The app's own metrics (EMF), maximum over five minutes. */
export function appMetric(metricName: string): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: APP_METRICS_NAMESPACE, metricName, statistic: 'Maximum', period: Duration.minutes(5) });
}
