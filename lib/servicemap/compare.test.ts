import { describe, expect, it } from "vitest";
import { compareMaps } from "@/lib/servicemap/compare";
import { healthOf, mapStats } from "@/lib/servicemap/health";
import type { TMapEdge, TMapNode } from "@/lib/servicemap/schemas";

function node(id: number, requests: number, failures: number, p95Ms: number): TMapNode {
  const stats = mapStats({ requests, errors: 0, faults: failures, throttles: 0, totalResponseTime: requests * 0.05 }, 60);
  return { id, name: `n${id}`, type: "AWS::ECS::Container", accountId: "1", region: "r", ...stats, p50Ms: p95Ms / 3, p95Ms, health: healthOf(stats), service: null, team: null, isContext: false };
}
const edge = (id: number, requests: number, meanSeconds: number): TMapEdge => {
  const stats = mapStats({ requests, errors: 0, faults: 0, throttles: 0, totalResponseTime: requests * meanSeconds }, 60);
  return { id, source: 1, target: 2, ...stats, health: healthOf(stats) };
};

describe("compareMaps", () => {
  it("flags exactly the nodes and edges whose failure rate or latency changed beyond the thresholds", () => {
    const before = {
      nodes: [node(1, 10_000, 50, 200), node(2, 10_000, 50, 200), node(3, 10_000, 50, 200), node(4, 10_000, 50, 200), node(5, 30, 0, 100), node(6, 10_000, 500, 200)],
      edges: [edge(1, 5000, 0.05), edge(2, 5000, 0.05)],
    };
    const after = {
      nodes: [
        node(1, 10_000, 60, 220), // noise: 0.5% → 0.6%, p95 +10%
        node(2, 10_000, 800, 210), // failures 0.5% → 8%
        node(3, 10_000, 50, 600), // p95 200 → 600 ms
        node(4, 10_000, 55, 240), // +20%: under the latency threshold
        node(5, 30, 20, 900), // too little traffic to say
        node(6, 10_000, 40, 200), // better: 5% → 0.4%
      ],
      edges: [edge(1, 5000, 0.05), edge(2, 5000, 0.2)],
    };
    const diff = compareMaps(before, after);
    const flagged = Object.fromEntries(diff.nodes.filter((n) => n.changes.length).map((n) => [n.name, n.changes.map((c) => `${c.metric} ${c.direction}`)]));
    expect(flagged).toEqual({ n2: ["failure rate worse"], n3: ["p95 latency worse"], n6: ["failure rate better"] });
    expect(diff.edges.map((e) => [e.id, e.changes.map((c) => `${c.metric} ${c.direction}`)])).toEqual([[2, ["mean latency worse"]]]);
  });

  it("lists nodes seen on one side only, with no change claimed", () => {
    const diff = compareMaps({ nodes: [node(1, 1000, 0, 100)], edges: [] }, { nodes: [node(7, 1000, 0, 100)], edges: [] });
    expect(diff.nodes.map((n) => [n.id, n.before !== null, n.after !== null, n.changes.length])).toEqual([
      [1, true, false, 0],
      [7, false, true, 0],
    ]);
  });
});
