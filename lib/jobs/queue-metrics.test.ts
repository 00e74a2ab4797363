import { describe, expect, it } from "vitest";
import { toEmfLine } from "@/lib/jobs/queue-metrics";

describe("toEmfLine", () => {
  it("is one embedded-metric-format document CloudWatch turns into the three metrics the alarms watch", () => {
    const line = toEmfLine({ jobQueueOldestSeconds: 42, doraRefreshPending: 7, doraRefreshOldestSeconds: 90 }, new Date("2026-12-07T12:00:00Z"));
    expect(line).not.toContain("\n");
    const document = JSON.parse(line) as Record<string, unknown> & { _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] } };
    expect(document._aws.Timestamp).toBe(Date.parse("2026-12-07T12:00:00Z"));
    const [directive] = document._aws.CloudWatchMetrics;
    expect(directive?.Namespace).toBe("Portside");
    expect(directive?.Dimensions).toEqual([[]]);
    // Every declared metric has its value at the top level, as the specification requires.
    for (const metric of directive?.Metrics ?? []) expect(typeof document[metric.Name]).toBe("number");
    expect(document).toMatchObject({ JobQueueOldestSeconds: 42, DoraRefreshPending: 7, DoraRefreshOldestSeconds: 90 });
  });
});
