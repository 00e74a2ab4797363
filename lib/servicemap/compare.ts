/**
 * Before/after a deployment: the same nodes and edges over two windows of
 * equal length, and which of them changed significantly. Pure.
 *
 * A change is significant when it is large and unlikely to be noise:
 * - failure rate (5xx + 4xx + 429 over requests): up or down by at least
 *   MIN_RATE_DELTA (absolute) and by a two-proportion z-test |z| ≥ MIN_Z;
 * - latency (p95 for nodes, mean for edges): up or down by at least
 *   MIN_LATENCY_RATIO and MIN_LATENCY_DELTA_MS.
 * Too little traffic on either side (MIN_REQUESTS) says nothing.
 */
import type { TMapEdge, TMapNode } from "@/lib/servicemap/schemas";

export const COMPARE_THRESHOLDS = { minRateDelta: 0.02, minZ: 3, minLatencyRatio: 1.5, minLatencyDeltaMs: 50, minRequests: 50 } as const;

export type TChange = { metric: "failure rate" | "p95 latency" | "mean latency"; before: number; after: number; direction: "worse" | "better" };

interface TCounts {
  requests: number;
  errors: number;
  faults: number;
  throttles: number;
}

const failures = (c: TCounts) => c.errors + c.faults + c.throttles;

function rateChange(before: TCounts, after: TCounts): TChange | null {
  const t = COMPARE_THRESHOLDS;
  if (before.requests < t.minRequests || after.requests < t.minRequests) return null;
  const p1 = failures(before) / before.requests;
  const p2 = failures(after) / after.requests;
  if (Math.abs(p2 - p1) < t.minRateDelta) return null;
  const pooled = (failures(before) + failures(after)) / (before.requests + after.requests);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / before.requests + 1 / after.requests));
  if (se === 0 || Math.abs((p2 - p1) / se) < t.minZ) return null;
  return { metric: "failure rate", before: p1, after: p2, direction: p2 > p1 ? "worse" : "better" };
}

function latencyChange(metric: TChange["metric"], before: number | null, after: number | null, requests: [number, number]): TChange | null {
  const t = COMPARE_THRESHOLDS;
  if (before === null || after === null || requests[0] < t.minRequests || requests[1] < t.minRequests) return null;
  const [lo, hi] = before < after ? [before, after] : [after, before];
  if (hi - lo < t.minLatencyDeltaMs || hi / Math.max(lo, 1e-9) < t.minLatencyRatio) return null;
  return { metric, before, after, direction: after > before ? "worse" : "better" };
}

export interface TNodeComparison {
  id: number;
  name: string;
  before: TMapNode | null;
  after: TMapNode | null;
  changes: TChange[];
}

export interface TEdgeComparison {
  id: number;
  source: number;
  target: number;
  changes: TChange[];
}

export function compareMaps(before: { nodes: TMapNode[]; edges: TMapEdge[] }, after: { nodes: TMapNode[]; edges: TMapEdge[] }): { nodes: TNodeComparison[]; edges: TEdgeComparison[] } {
  const ids = new Set([...before.nodes, ...after.nodes].map((n) => n.id));
  const b = new Map(before.nodes.map((n) => [n.id, n]));
  const a = new Map(after.nodes.map((n) => [n.id, n]));
  const nodes: TNodeComparison[] = [...ids].map((id) => {
    const nb = b.get(id) ?? null;
    const na = a.get(id) ?? null;
    const changes: TChange[] = [];
    if (nb && na) {
      const rate = rateChange(nb, na);
      if (rate) changes.push(rate);
      const latency = latencyChange("p95 latency", nb.p95Ms, na.p95Ms, [nb.requests, na.requests]);
      if (latency) changes.push(latency);
    }
    return { id, name: (na ?? nb)!.name, before: nb, after: na, changes };
  });
  const eb = new Map(before.edges.map((e) => [e.id, e]));
  const edges: TEdgeComparison[] = after.edges.flatMap((ea) => {
    const e0 = eb.get(ea.id);
    if (!e0) return [];
    const changes = [rateChange(e0, ea), latencyChange("mean latency", e0.meanMs, ea.meanMs, [e0.requests, ea.requests])].filter((c): c is TChange => c !== null);
    return changes.length ? [{ id: ea.id, source: ea.source, target: ea.target, changes }] : [];
  });
  return { nodes: nodes.sort((x, y) => y.changes.length - x.changes.length || x.name.localeCompare(y.name)), edges };
}
