import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { layOutMap, type TLayoutEdge, type TLayoutNode, type TPositions } from "@/lib/servicemap/layout";
import type { TColumn } from "@/lib/servicemap/view";

const OPTIONS = { nodeWidth: 220, nodeHeight: 92, rankGap: 90, columnGap: 40, rowGap: 28, canvas: { width: 1100, height: 640 } };
const n = (key: string, column: TColumn, sortKey = key): TLayoutNode => ({ key, column, sortKey });
const e = (source: string, target: string): TLayoutEdge => ({ source, target });

function overlaps(positions: TPositions): string[] {
  const boxes = [...positions.entries()];
  const hits: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, p] = boxes[i]!;
      const [b, q] = boxes[j]!;
      if (Math.abs(p.x - q.x) < OPTIONS.nodeWidth && Math.abs(p.y - q.y) < OPTIONS.nodeHeight) hits.push(`${a}/${b}`);
    }
  }
  return hits;
}

describe("layOutMap", () => {
  it("puts clients left, data stores right, and a service after the services that call it", () => {
    const p = layOutMap([n("store", 2), n("b", 1), n("web", 0), n("a", 1), n("c", 1)], [e("web", "a"), e("a", "b"), e("b", "c"), e("c", "store")], OPTIONS);
    const x = (k: string) => p.get(k)!.x;
    expect(x("web")).toBeLessThan(x("a"));
    expect(x("a")).toBeLessThan(x("b"));
    expect(x("b")).toBeLessThan(x("c"));
    expect(x("c")).toBeLessThan(x("store"));
  });

  it("squeezes a chain of calls deeper than the canvas has room for into fewer ranks, callers never right of what they call", () => {
    const chain = Array.from({ length: 30 }, (_, i) => n(`s${String(i).padStart(2, "0")}`, 1));
    const p = layOutMap(chain, chain.slice(1).map((c, i) => e(chain[i]!.key, c.key)), OPTIONS);
    const xs = chain.map((c) => p.get(c.key)!.x);
    expect(new Set(xs).size).toBeLessThan(30);
    expect(new Set(xs).size).toBeGreaterThan(1);
    xs.slice(1).forEach((x, i) => expect(x).toBeGreaterThanOrEqual(xs[i]!));
    expect(overlaps(p)).toEqual([]);
  });

  it("lays out a cycle of calls without losing a node", () => {
    const p = layOutMap([n("a", 1), n("b", 1), n("c", 1)], [e("a", "b"), e("b", "c"), e("c", "a")], OPTIONS);
    expect([...p.keys()].sort()).toEqual(["a", "b", "c"]);
    expect(overlaps(p)).toEqual([]);
  });

  it("orders each rank after its neighbours, so two parallel calls do not cross", () => {
    // Sorted by name, the stores would start crossed (x→z2 above y→z1).
    const p = layOutMap([n("x", 1), n("y", 1), n("z1", 2), n("z2", 2)], [e("x", "z2"), e("y", "z1")], OPTIONS);
    const y = (k: string) => p.get(k)!.y;
    expect(Math.sign(y("x") - y("y"))).toBe(Math.sign(y("z2") - y("z1")));
  });

  it("wraps a rank of many nodes into a block shaped like the canvas, rather than a tower", () => {
    const stores = Array.from({ length: 100 }, (_, i) => n(`s${i}`, 2));
    const p = layOutMap([n("api", 1), ...stores], stores.map((s) => e("api", s.key)), OPTIONS);
    const xs = [...p.values()].map((v) => v.x);
    const ys = [...p.values()].map((v) => v.y);
    const width = Math.max(...xs) - Math.min(...xs) + OPTIONS.nodeWidth;
    const height = Math.max(...ys) - Math.min(...ys) + OPTIONS.nodeHeight;
    const aspect = OPTIONS.canvas.width / OPTIONS.canvas.height;
    expect(width / height).toBeGreaterThan(aspect / 2);
    expect(width / height).toBeLessThan(aspect * 2);
    expect(overlaps(p)).toEqual([]);
  });

  it("places every node once, without overlaps, whatever the graph", () => {
    const graph = fc
      .record({ columns: fc.array(fc.constantFrom<TColumn>(0, 1, 1, 1, 2), { minLength: 1, maxLength: 80 }), pairs: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 200 }) })
      .map(({ columns, pairs }) => ({
        nodes: columns.map((c, i) => n(`k${i}`, c, `t${i % 7}`)),
        edges: pairs.map(([a, b]) => e(`k${a % columns.length}`, `k${b % columns.length}`)),
      }));
    fc.assert(
      fc.property(graph, ({ nodes, edges }) => {
        const p = layOutMap(nodes, edges, OPTIONS);
        expect(p.size).toBe(nodes.length);
        expect(overlaps(p)).toEqual([]);
      }),
      { numRuns: 100 },
    );
  }, 30_000);
});
