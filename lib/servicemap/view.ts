/**
 * What the map lays out: the graph as it is, or with teams collapsed into one
 * node each (a large map starts that way), and the column each node sits in
 * (clients left, services in the middle, data stores right). Pure.
 */
import { healthOf, mapStats } from "@/lib/servicemap/health";
import type { THealth, TMapEdge, TMapNode, TServiceMap } from "@/lib/servicemap/schemas";

/**
 * Past this many nodes, a map without a team or service filter starts
 * collapsed by team: a layered layout of more is too small to read at the
 * width of a page (a team holds ~5–20 services, so the collapsed map stays legible).
 */
export const COLLAPSE_ABOVE = 24;

/** The busiest connections laid out at most; the rest are counted, not drawn (a layered layout of thousands is neither fast nor readable). */
export const MAX_EDGES = 150;

export type TColumn = 0 | 1 | 2;

const STORE_TYPES = /DynamoDB|RDS|S3|SQS|SNS|ElastiCache|Kinesis|Database|SQL|Redis|Aurora|OpenSearch/i;

export function columnOf(type: string): TColumn {
  if (type === "client") return 0;
  if (STORE_TYPES.test(type)) return 2;
  return 1;
}

/** "AWS::DynamoDB::Table" → "DynamoDB table"; "client" → "Client". */
export function typeLabel(type: string): string {
  if (type === "client") return "Client";
  const parts = type.split("::");
  if (parts.length === 3) return `${parts[1]} ${parts[2]!.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()}`;
  return type || "Unknown";
}

export interface TViewNode {
  key: string;
  kind: "node" | "team";
  label: string;
  type: string;
  column: TColumn;
  health: THealth;
  perMinute: number;
  errorRate: number;
  faultRate: number;
  throttleRate: number;
  p50Ms: number | null;
  p95Ms: number | null;
  /** For a team node: how many nodes it stands for, and its slug (to expand it). */
  count: number;
  teamSlug: string | null;
  node: TMapNode | null;
  isContext: boolean;
}

export interface TViewEdge {
  key: string;
  source: string;
  target: string;
  perMinute: number;
  errorRate: number;
  faultRate: number;
  meanMs: number | null;
  health: THealth;
}

/** The group a node collapses into: its team, or clients and unowned resources by column. */
export function groupOf(n: TMapNode): { key: string; label: string; teamSlug: string | null; column: TColumn } {
  if (n.team) return { key: `team:${n.team.slug}`, label: n.team.name, teamSlug: n.team.slug, column: 1 };
  const column = columnOf(n.type);
  if (column === 0) return { key: "other:clients", label: "Clients", teamSlug: null, column };
  if (column === 2) return { key: "other:stores", label: "Data stores", teamSlug: null, column };
  return { key: "other:unowned", label: "Not in the catalog", teamSlug: null, column };
}

function single(n: TMapNode): TViewNode {
  return {
    key: `n:${n.id}`,
    kind: "node",
    label: n.name,
    type: n.type,
    column: columnOf(n.type),
    health: n.health,
    perMinute: n.perMinute,
    errorRate: n.errorRate,
    faultRate: n.faultRate,
    throttleRate: n.throttleRate,
    p50Ms: n.p50Ms,
    p95Ms: n.p95Ms,
    count: 1,
    teamSlug: n.team?.slug ?? null,
    node: n,
    isContext: n.isContext,
  };
}

/**
 * @param expanded group keys shown node by node; "all" expands everything.
 * Clients stay single nodes: there are few, and they anchor the left edge.
 */
export function buildView(
  map: Pick<TServiceMap, "nodes" | "edges" | "window">,
  { isCollapsed, expanded }: { isCollapsed: boolean; expanded: ReadonlySet<string> | "all" },
): { nodes: TViewNode[]; edges: TViewEdge[]; hiddenEdges: number } {
  const minutes = map.window.minutes;
  const keyOf = new Map<number, string>();
  const groups = new Map<string, { group: ReturnType<typeof groupOf>; members: TMapNode[] }>();
  const nodes: TViewNode[] = [];
  for (const n of map.nodes) {
    const group = groupOf(n);
    const isSingle = !isCollapsed || expanded === "all" || expanded.has(group.key) || columnOf(n.type) === 0;
    if (isSingle) {
      keyOf.set(n.id, `n:${n.id}`);
      nodes.push(single(n));
      continue;
    }
    keyOf.set(n.id, group.key);
    const entry = groups.get(group.key) ?? { group, members: [] };
    entry.members.push(n);
    groups.set(group.key, entry);
  }
  for (const { group, members } of groups.values()) {
    const sum = (f: (n: TMapNode) => number) => members.reduce((a, n) => a + f(n), 0);
    const counts = { requests: sum((n) => n.requests), errors: sum((n) => n.errors), faults: sum((n) => n.faults), throttles: sum((n) => n.throttles), totalResponseTime: sum((n) => ((n.meanMs ?? 0) * n.requests) / 1000) };
    const stats = mapStats(counts, minutes);
    // The group's health is its worst member's: one faulting service must not vanish into a healthy average.
    const order: THealth[] = ["fault", "throttle", "error", "ok", "idle"];
    const worst = order.find((h) => members.some((m) => m.health === h)) ?? healthOf(stats);
    nodes.push({
      key: group.key,
      kind: "team",
      label: group.label,
      type: "team",
      column: group.column,
      health: worst,
      perMinute: stats.perMinute,
      errorRate: stats.errorRate,
      faultRate: stats.faultRate,
      throttleRate: stats.throttleRate,
      p50Ms: null,
      p95Ms: Math.max(0, ...members.map((m) => m.p95Ms ?? 0)) || null,
      count: members.length,
      teamSlug: group.teamSlug,
      node: null,
      isContext: members.every((m) => m.isContext),
    });
  }
  const edges = new Map<string, { source: string; target: string; list: TMapEdge[] }>();
  for (const e of map.edges) {
    const source = keyOf.get(e.source);
    const target = keyOf.get(e.target);
    if (!source || !target || source === target) continue;
    const key = `${source}>${target}`;
    const entry = edges.get(key) ?? { source, target, list: [] };
    entry.list.push(e);
    edges.set(key, entry);
  }
  const all = [...edges.entries()].map(([key, { source, target, list }]) => {
      const sum = (f: (e: TMapEdge) => number) => list.reduce((a, e) => a + f(e), 0);
      const stats = mapStats({ requests: sum((e) => e.requests), errors: sum((e) => e.errors), faults: sum((e) => e.faults), throttles: sum((e) => e.throttles), totalResponseTime: sum((e) => ((e.meanMs ?? 0) * e.requests) / 1000) }, minutes);
      return { key, source, target, perMinute: stats.perMinute, errorRate: stats.errorRate + stats.throttleRate, faultRate: stats.faultRate, meanMs: stats.meanMs, health: healthOf(stats) };
  });
  // Failing connections first, then the busiest.
  const rank = (e: TViewEdge) => (e.health === "ok" || e.health === "idle" ? 0 : 1);
  const kept = all.length <= MAX_EDGES ? all : [...all].sort((a, b) => rank(b) - rank(a) || b.perMinute - a.perMinute).slice(0, MAX_EDGES);
  return { nodes, edges: kept, hiddenEdges: all.length - kept.length };
}
