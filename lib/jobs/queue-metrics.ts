/**
 * The background work's health as CloudWatch metrics: how long the oldest
 * waiting collector job has waited, and the DORA refresh backlog (what
 * /api/ready reports). Written once a minute, by one instance (pg-boss's
 * monitor tick, lib/jobs/boss.ts), as one line in CloudWatch's embedded metric
 * format on stdout: the container's log group turns it into metrics with no
 * agent and no extra permission. The infra alarms on them
 * (infra/lib/constructs/portal-alarms.ts).
 */
import type pg from "pg";

export const METRICS_NAMESPACE = "Portside";

export interface TQueueMetrics {
  /** Seconds the oldest job due to run has waited; 0 when none waits. */
  jobQueueOldestSeconds: number;
  /** Deployments whose DORA figures are not computed yet. */
  doraRefreshPending: number;
  /** Seconds the oldest of them has waited; 0 when none does. */
  doraRefreshOldestSeconds: number;
}

/** One EMF document (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html). */
export function toEmfLine(metrics: TQueueMetrics, now: Date): string {
  return JSON.stringify({
    _aws: {
      Timestamp: now.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [[]],
          Metrics: [
            { Name: "JobQueueOldestSeconds", Unit: "Seconds" },
            { Name: "DoraRefreshPending", Unit: "Count" },
            { Name: "DoraRefreshOldestSeconds", Unit: "Seconds" },
          ],
        },
      ],
    },
    JobQueueOldestSeconds: metrics.jobQueueOldestSeconds,
    DoraRefreshPending: metrics.doraRefreshPending,
    DoraRefreshOldestSeconds: metrics.doraRefreshOldestSeconds,
  });
}

/** Reads the figures: two indexed reads, bounded like the readiness probe's. */
export async function readQueueMetrics({ db, jobsSchema }: { db: Pick<pg.ClientBase, "query">; jobsSchema: string }): Promise<TQueueMetrics> {
  const { rows } = await db.query<{ job: number | null; pending: number; dora: number | null }>(
    `SELECT (SELECT extract(epoch FROM now() - min(start_after))::float8 FROM ${jobsSchema}.job
              WHERE state IN ('created', 'retry') AND start_after <= now()) AS job,
            (SELECT count(*)::int FROM (SELECT 1 FROM "DoraPending" LIMIT 10001) p) AS pending,
            (SELECT extract(epoch FROM LOCALTIMESTAMP - "createdAt")::float8 FROM "DoraPending" ORDER BY id LIMIT 1) AS dora`,
  );
  const row = rows[0];
  const seconds = (value: number | null | undefined) => Math.max(0, Math.round(value ?? 0));
  return { jobQueueOldestSeconds: seconds(row?.job), doraRefreshPending: row?.pending ?? 0, doraRefreshOldestSeconds: seconds(row?.dora) };
}
