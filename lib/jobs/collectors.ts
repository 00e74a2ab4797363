import "server-only";
import { cloudWatchAlarmCollector } from "@/lib/alarms/server/sync-alarms";
import { collectorJobs } from "@/lib/jobs/collector-jobs";
import { codePipelineCollector } from "@/lib/pipelines/server/sync-pipelines";
import { xrayCollector } from "@/lib/servicemap/server/sync-xray";

/**
 * The AWS collectors on the job queue, one registration each: a collector
 * is its adapter and its store (lib/aws/server/run-collector.ts), and this
 * line gives it its queues, workers and schedule (lib/jobs/collector-jobs.ts).
 */

/** The day's first syncs read every pipeline's definition and tags again, whatever its version says. */
export const codePipelineJobs = collectorJobs({ name: "codepipeline", collector: codePipelineCollector, fullRefresh: { isDefinitionRefreshForced: true } });

export const cloudWatchJobs = collectorJobs({ name: "cloudwatch", collector: cloudWatchAlarmCollector, summarize: (stored) => stored });

export const xrayJobs = collectorJobs({ name: "xray", collector: xrayCollector, summarize: (stored) => stored });
