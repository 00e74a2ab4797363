import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import type { TMetricQuery } from "@/lib/alarms/collect/cloudwatch";
import { at, REGION, serveFakeCloudWatch } from "@/lib/testing/aws/fake-cloudwatch";
import { getBatchedMetricData } from "@/lib/alarms/collect/metric-data";
import { createTokenBuckets } from "@/lib/aws/token-bucket";

const client = new CloudWatchClient({ region: REGION });
const cw = mockClient(client);
beforeEach(() => cw.reset());

const metric = (id: string, returnData = true): TMetricQuery => ({
  id,
  label: null,
  returnData,
  expression: null,
  metricStat: { namespace: "AWS/ECS", metricName: "CPUUtilization", dimensions: [{ name: "ServiceName", value: id }], period: 60, stat: "Average", unit: null },
  accountId: null,
});

/** A clock that moves only when someone sleeps, so the rate limit can be checked without waiting. */
function clock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms), elapsed: () => t };
}

describe("getBatchedMetricData", () => {
  it("puts up to 500 queries in a call, keeps a request's queries together, and maps the series back to their requests", async () => {
    serveFakeCloudWatch(cw, { metricAlarms: [], metricValue: (id) => Number(id.split("_").pop()!.replace(/\D/g, "")) || 7 });
    // 1,200 single-metric alarms and one metric math alarm of three queries.
    const requests = Array.from({ length: 1200 }, (_, i) => ({ key: `alarm-${i}`, queries: [metric(`m${i}`)] }));
    requests.splice(499, 0, { key: "math", queries: [{ ...metric("e", true), metricStat: null, expression: "100 * errors / requests" }, metric("errors", false), metric("requests", false)] });
    const c = clock();
    const result = await getBatchedMetricData({ client, bucketKey: "123456789012:eu-west-1", requests, start: at(0), end: at(5), buckets: createTokenBuckets({ ratePerSecond: 50, ...c }) });

    const calls = cw.commandCalls(GetMetricDataCommand).map((call) => call.args[0].input.MetricDataQueries ?? []);
    expect(calls.map((q) => q.length)).toEqual([499, 500, 204]);
    expect(calls.every((q) => q.length <= 500)).toBe(true);
    // The expression names the renamed ids of its own request, in the same call.
    const math = calls[1]!.filter((q) => q.Id?.startsWith("r499_"));
    expect(math.map((q) => [q.Id, q.Expression ?? null, q.ReturnData])).toEqual([
      ["r499_e", "100 * r499_errors / r499_requests", true],
      ["r499_errors", null, false],
      ["r499_requests", null, false],
    ]);
    expect(result.size).toBe(1201);
    expect(result.get("alarm-5")).toEqual([{ id: "m5", label: "r5_m5", points: [0, 1, 2, 3, 4].map((m) => ({ at: at(m), value: 5 })), status: "Complete", messages: [] }]);
    expect(result.get("math")?.map((s) => s.id)).toEqual(["e"]);
  });

  it("never goes over 50 calls a second for one account × region", async () => {
    serveFakeCloudWatch(cw, { metricAlarms: [] });
    const c = clock();
    const buckets = createTokenBuckets({ ratePerSecond: 50, burst: 1, ...c });
    const times: number[] = [];
    cw.on(GetMetricDataCommand).callsFake(() => {
      times.push(c.elapsed());
      return { MetricDataResults: [] };
    });
    // 120 alarm pages opened at once, each asking for its own metric.
    await Promise.all(Array.from({ length: 120 }, (_, i) => getBatchedMetricData({ client, bucketKey: "one", requests: [{ key: "a", queries: [metric(`m${i}`)] }], start: at(0), end: at(5), buckets })));
    expect(times).toHaveLength(120);
    for (const start of times) expect(times.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(50);
    // 20 ms apart: the 120th call 2.38 s after the first.
    expect(Math.max(...times)).toBe(2380);
  });
});
