/**
 * Before/after a deployment against a real PostgreSQL: a made-up graph whose
 * deployed service starts failing after the deployment, and one downstream
 * store that slows down; nothing else changes.
 */
import { XRayClient, type Service } from "@aws-sdk/client-xray";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db";
import { REGION, serveFakeXray, stats } from "@/lib/testing/aws/fake-xray";
import { compareDeployment } from "@/lib/servicemap/server/compare-deployment";
import { syncXray } from "@/lib/servicemap/server/sync-xray";
import { makeService, uniqueSlug } from "@/lib/testing/fixtures";

afterAll(closeDb);

const DEPLOYED_AT = Date.parse("2026-11-05T10:00:00Z");

describe("compareDeployment", () => {
  it("flags exactly the nodes whose failure rate or latency changed beyond the thresholds", async () => {
    const service = await makeService();
    const accountId = String(Math.floor(1e11 + Math.random() * 9e11));
    await db.awsAccount.create({ data: { accountId, name: uniqueSlug("acct"), regions: [REGION] } });
    const p = `${uniqueSlug("c")}-`;
    const names = { client: `${p}web`, api: service.slug, other: `${p}other`, store: `${p}table`, cache: `${p}cache` };
    // Default group only: names are unique to this test, so other tests' nodes never meet these.
    const graph = (start: Date): Service[] => {
      const after = start.getTime() >= DEPLOYED_AT;
      const node = (id: number, name: string, type: string, s: ReturnType<typeof stats> | null, edges: number[] = []): Service => ({
        ReferenceId: id,
        Name: name,
        Type: type,
        ...(s ? { SummaryStatistics: s.summary, ResponseTimeHistogram: s.histogram } : {}),
        Edges: edges.map((target) => {
          const e = stats(500, 0.02);
          return { ReferenceId: target, SummaryStatistics: e.summary, ResponseTimeHistogram: e.histogram };
        }),
      });
      return [
        node(0, names.client, "client", null, [1, 2]),
        node(1, names.api, "AWS::ECS::Container", stats(1000, 0.05, { fault: after ? 0.08 : 0.002 }), [3, 4]),
        node(2, names.other, "AWS::ECS::Container", stats(1000, 0.05, { fault: 0.002 })),
        node(3, names.store, "AWS::DynamoDB::Table", stats(1000, after ? 0.3 : 0.01)),
        node(4, names.cache, "AWS::ElastiCache::Cluster", stats(1000, after ? 0.012 : 0.01)),
      ];
    };
    const client = new XRayClient({ region: REGION });
    serveFakeXray(mockClient(client), { groups: [], graph: (_g, start) => graph(start) });
    await syncXray({ accountId, createClient: () => client, now: new Date(DEPLOYED_AT + 3_900_000), backfillMs: 2 * 3600_000 + 300_000, lagMs: 60_000 });
    const deployment = await db.deployment.create({
      data: {
        serviceId: service.serviceId,
        environment: "production",
        status: "SUCCEEDED",
        startedAt: new Date(DEPLOYED_AT - 600_000),
        finishedAt: new Date(DEPLOYED_AT),
        source: "test",
        externalId: uniqueSlug("d"),
      },
      select: { id: true },
    });

    const result = await compareDeployment({ deploymentId: deployment.id, minutes: 30, now: new Date(DEPLOYED_AT + 3_900_000) });
    expect(result.minutes).toBe(30);
    const flagged = Object.fromEntries(result.nodes.filter((n) => n.changes.length).map((n) => [n.name, n.changes.map((c) => `${c.metric} ${c.direction}`)]));
    expect(flagged).toEqual({ [names.api]: ["failure rate worse"], [names.store]: ["p95 latency worse"] });
    // The service's neighbours are compared too; a service it does not talk to is not.
    expect(result.nodes.map((n) => n.name).sort()).toEqual([names.api, names.cache, names.client, names.store].sort());
    // The maps drawn side by side are those same nodes, each window as long as the other.
    for (const side of [result.maps.before, result.maps.after]) {
      expect(side.nodes.map((n) => n.name).sort()).toEqual([names.api, names.cache, names.client, names.store].sort());
      expect(side.window.minutes).toBe(30);
    }
  });
});
