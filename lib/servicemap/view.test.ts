import { describe, expect, it } from "vitest";
import { mapStats } from "@/lib/servicemap/health";
import type { TMapEdge, TMapNode } from "@/lib/servicemap/schemas";
import { buildView, columnOf, typeLabel } from "@/lib/servicemap/view";

function node(id: number, name: string, type: string, team: string | null, requests = 600, faults = 0): TMapNode {
  const stats = mapStats({ requests, errors: 0, faults, throttles: 0, totalResponseTime: requests * 0.05 }, 60);
  return { id, name, type, accountId: "1", region: "eu-west-1", ...stats, p50Ms: 40, p95Ms: 120, health: faults / requests >= 0.01 ? "fault" : "ok", service: team ? { slug: name, name } : null, team: team ? { slug: team, name: team } : null, isContext: false };
}
const edge = (id: number, source: number, target: number, requests = 300): TMapEdge => ({ id, source, target, ...mapStats({ requests, errors: 0, faults: 0, throttles: 0, totalResponseTime: requests * 0.02 }, 60), health: "ok" });

const map = {
  window: { from: "", to: "", minutes: 60 },
  nodes: [node(1, "web", "client", null), node(2, "cart", "AWS::ECS::Container", "checkout"), node(3, "pay", "AWS::Lambda::Function", "checkout", 100, 5), node(4, "orders", "AWS::DynamoDB::Table", null)],
  edges: [edge(1, 1, 2), edge(2, 2, 3), edge(3, 3, 4), edge(4, 2, 4)],
};

describe("buildView", () => {
  it("collapses a team into one node whose health is its worst member's, and merges its edges", () => {
    const view = buildView(map, { isCollapsed: true, expanded: new Set() });
    expect(view.nodes.map((n) => [n.key, n.count, n.health])).toEqual([
      ["n:1", 1, "ok"],
      ["team:checkout", 2, "fault"],
      ["other:stores", 1, "ok"],
    ]);
    // cart→pay is inside the team; cart→orders and pay→orders become one edge.
    expect(view.edges.map((e) => [e.key, e.perMinute])).toEqual([
      ["n:1>team:checkout", 5],
      ["team:checkout>other:stores", 10],
    ]);
  });

  it("shows an expanded team node by node", () => {
    const view = buildView(map, { isCollapsed: true, expanded: new Set(["team:checkout"]) });
    expect(view.nodes.map((n) => n.key)).toEqual(["n:1", "n:2", "n:3", "other:stores"]);
    expect(buildView(map, { isCollapsed: false, expanded: new Set() }).nodes).toHaveLength(4);
  });
});

describe("columns", () => {
  it("puts clients left and data stores right", () => {
    expect([columnOf("client"), columnOf("AWS::ECS::Container"), columnOf("AWS::DynamoDB::Table"), columnOf("AWS::SQS::Queue")]).toEqual([0, 1, 2, 2]);
    expect(typeLabel("AWS::DynamoDB::Table")).toBe("DynamoDB table");
    expect(typeLabel("AWS::Lambda::Function")).toBe("Lambda function");
  });
});
