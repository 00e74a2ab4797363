"use client";

/**
 * What the service map and the before/after maps share: the node as drawn,
 * the layout of a view into React Flow nodes and edges, and a first viewport
 * that stays legible.
 */
import { getViewportForBounds, Handle, Position, type Edge, type Node, type NodeProps, type Viewport } from "@xyflow/react";
import { Archive, ArrowDownRight, ArrowUpRight, Box, Database, Globe, Inbox, Layers, Server, Users, Zap } from "lucide-react";
import { memo, useSyncExternalStore } from "react";
import { formatMs, formatPercent, formatRate } from "@/components/servicemap/format";
import { HEALTH_STYLES, HealthBadge } from "@/components/servicemap/health";
import { cn } from "@/components/ui/cn";
import { layOutMap, type TPositions } from "@/lib/servicemap/layout";
import { typeLabel, type TViewEdge, type TViewNode } from "@/lib/servicemap/view";

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 92;
/** A before/after node has room for its change under its figures. */
export const COMPARE_NODE_HEIGHT = 136;
/**
 * The smallest zoom a map opens at: below it a node's name is too small to read.
 * A map too large to fit at this zoom opens at it, on its left (clients and the first services), and is panned or zoomed out from there.
 */
export const MIN_LEGIBLE_ZOOM = 0.5;
const LAYOUT = { nodeWidth: NODE_WIDTH, rankGap: 90, columnGap: 40, rowGap: 28 };

/** What changed on a node or an edge between two windows, as words: the colour only repeats them. */
export interface TMarkedChange {
  tone: "worse" | "better" | "new" | "gone";
  text: string;
  /** Instead of the tone's own word, e.g. "Worse after" on the map of the window before. */
  label?: string;
}

export const changeLabel = (change: TMarkedChange) => change.label ?? CHANGE_TONES[change.tone].label;

export const CHANGE_TONES: Record<TMarkedChange["tone"], { label: string; box: string; ring: string; stroke: string }> = {
  worse: { label: "Worse", box: "bg-red-50 text-red-900 ring-red-300 dark:bg-red-950 dark:text-red-100 dark:ring-red-800", ring: "outline outline-4 outline-offset-2 outline-red-500/70", stroke: "#dc2626" },
  better: { label: "Better", box: "bg-emerald-50 text-emerald-900 ring-emerald-300 dark:bg-emerald-950 dark:text-emerald-100 dark:ring-emerald-800", ring: "outline outline-4 outline-offset-2 outline-emerald-500/70", stroke: "#059669" },
  new: { label: "New after", box: "bg-sky-50 text-sky-900 ring-sky-300 dark:bg-sky-950 dark:text-sky-100 dark:ring-sky-800", ring: "outline outline-2 outline-offset-2 outline-sky-500/70", stroke: "#0284c7" },
  gone: { label: "Gone after", box: "bg-zinc-100 text-zinc-800 ring-zinc-300 dark:bg-zinc-800 dark:text-zinc-100 dark:ring-zinc-600", ring: "outline outline-2 outline-offset-2 outline-zinc-400/70", stroke: "#71717a" },
};

function TypeIcon({ type, className }: { type: string; className?: string }) {
  const Icon =
    type === "team" ? Layers
    : type === "client" ? Users
    : /Lambda/.test(type) ? Zap
    : /DynamoDB|RDS|Database|SQL|ElastiCache|Aurora/.test(type) ? Database
    : /SQS|SNS|Kinesis/.test(type) ? Inbox
    : /S3/.test(type) ? Archive
    : /remote|http/i.test(type) ? Globe
    : /ECS|EC2|EKS|Beanstalk|Container|Instance/.test(type) ? Server
    : Box;
  return <Icon aria-hidden className={className} />;
}

/** How a node is shown besides its figures. */
export interface TNodeState {
  isSelected: boolean;
  isDimmed: boolean;
  change: TMarkedChange | null;
  onExpand: ((key: string) => void) | null;
}

export interface TNodeData extends TNodeState, Record<string, unknown> {
  view: TViewNode;
  height: number;
}

const MapNode = memo(function MapNode({ data }: NodeProps<Node<TNodeData>>) {
  const v = data.view;
  const name = v.kind === "team" ? `${v.label}, ${v.count} nodes` : v.label;
  const change = data.change ? CHANGE_TONES[data.change.tone] : null;
  return (
    <div
      className={cn(
        "w-[220px] rounded-lg border-2 bg-white px-3 py-2 text-left shadow-sm dark:bg-zinc-900",
        HEALTH_STYLES[v.health].ring,
        v.kind === "team" && "border-dashed",
        data.isSelected && "ring-4 ring-sky-400/60",
        // Context (a neighbour of the filtered team) and search misses recede without fading their text: contrast stays readable.
        (data.isDimmed || v.isContext) && "border-dashed !border-zinc-300 bg-zinc-50 shadow-none dark:!border-zinc-700 dark:bg-zinc-950",
        change?.ring,
      )}
      style={{ height: data.height }}
      data-testid={`map-node-${v.label}`}
      data-change={data.change?.tone}
    >
      <Handle type="target" position={Position.Left} className="!size-1.5 !border-0 !bg-zinc-400" />
      <div className="flex items-center gap-1.5">
        <TypeIcon type={v.type} className="size-4 shrink-0 text-zinc-500 dark:text-zinc-400" />
        <span className="truncate text-sm font-semibold" title={name}>
          {v.label}
        </span>
        {v.kind === "team" ? <span className="ml-auto text-xs text-zinc-500 dark:text-zinc-400">{v.count}</span> : null}
      </div>
      <div className="mt-0.5 truncate text-[11px] text-zinc-500 dark:text-zinc-400">{v.kind === "team" ? "Team, collapsed" : typeLabel(v.type)}</div>
      <div className="mt-1 flex items-center gap-2 text-[11px] text-zinc-700 dark:text-zinc-300">
        <span>{formatRate(v.perMinute)}</span>
        {v.kind === "node" && v.type !== "client" ? (
          <span>
            p50 {formatMs(v.p50Ms)} · p95 {formatMs(v.p95Ms)}
          </span>
        ) : null}
      </div>
      <div className="mt-1 flex items-center justify-between">
        <HealthBadge health={v.health} />
        {v.kind === "team" && data.onExpand ? (
          <button
            type="button"
            className="nodrag rounded px-1.5 text-[11px] font-medium text-sky-700 hover:underline dark:text-sky-400"
            onClick={(event) => {
              event.stopPropagation();
              data.onExpand?.(v.key);
            }}
          >
            Expand
          </button>
        ) : null}
      </div>
      {data.change && change ? (
        <p className={cn("mt-1.5 line-clamp-2 flex items-start gap-1 rounded px-1.5 py-0.5 text-[11px] font-semibold leading-tight ring-1 ring-inset", change.box)}>
          {data.change.tone === "better" ? <ArrowDownRight aria-hidden className="size-3 shrink-0" /> : data.change.tone === "worse" ? <ArrowUpRight aria-hidden className="size-3 shrink-0" /> : null}
          <span>
            {changeLabel(data.change)}
            {data.change.text ? `: ${data.change.text}` : ""}
          </span>
        </p>
      ) : null}
      <Handle type="source" position={Position.Right} className="!size-1.5 !border-0 !bg-zinc-400" />
    </div>
  );
});

export const nodeTypes = { map: MapNode };

/** The canvases a map opens in, less their padding, as the layout shapes a drawing for them (nominal: a resize does not move nodes). */
export const CANVAS = { page: { width: 1100, height: 590 }, card: { width: 850, height: 330 }, compare: { width: 520, height: 350 } } as const;

/** Positions of a view's nodes (the same structure always gives the same positions, so a refresh does not move anything). */
export function layOutView(view: { nodes: TViewNode[]; edges: TViewEdge[] }, { nodeHeight = NODE_HEIGHT, canvas }: { nodeHeight?: number; canvas: { width: number; height: number } }): TPositions {
  return layOutMap(
    view.nodes.map((n) => ({ key: n.key, column: n.column, sortKey: `${n.teamSlug ?? "~"}\u0000${n.label}` })),
    view.edges,
    { ...LAYOUT, nodeHeight, canvas },
  );
}

/**
 * React Flow nodes with their size and handles given, so that the flow can fit, cull and draw edges
 * before it has measured a node in the page (a culled node is never measured).
 */
export function flowNode(v: TViewNode, position: { x: number; y: number }, data: TNodeState, height = NODE_HEIGHT): Node<TNodeData> {
  return {
    id: v.key,
    type: "map",
    position,
    width: NODE_WIDTH,
    height,
    measured: { width: NODE_WIDTH, height },
    handles: [
      { type: "target", position: Position.Left, x: -3, y: height / 2 - 3, width: 6, height: 6 },
      { type: "source", position: Position.Right, x: NODE_WIDTH - 3, y: height / 2 - 3, width: 6, height: 6 },
    ],
    data: { ...data, view: v, height },
    ariaLabel: `${v.label}: ${v.kind === "team" ? `team of ${v.count} nodes, ` : ""}${formatRate(v.perMinute)}, ${v.health}${data.change ? `; ${changeLabel(data.change).toLowerCase()}${data.change.text ? `: ${data.change.text}` : ""}` : ""}`,
    draggable: false,
    connectable: false,
  };
}

function edgeWidth(perMinute: number, max: number): number {
  if (max <= 0 || perMinute <= 0) return 1;
  return 1 + 5 * (Math.log10(1 + perMinute) / Math.log10(1 + max));
}

/** Edges as React Flow draws them: width by traffic, colour by health, a label where there are few enough to read; a changed edge says how. */
export function flowEdges(edges: TViewEdge[], changeOf: (e: TViewEdge) => TMarkedChange | null = () => null): Edge[] {
  const maxRate = Math.max(0, ...edges.map((e) => e.perMinute));
  return edges.map((e) => {
    const change = changeOf(e);
    const tone = change ? CHANGE_TONES[change.tone] : null;
    const label = change ? `${changeLabel(change)}: ${change.text}` : edges.length <= 60 ? `${formatMs(e.meanMs)} · ${formatPercent(e.errorRate + e.faultRate)} err` : undefined;
    return {
      id: e.key,
      source: e.source,
      target: e.target,
      label,
      labelStyle: { fontSize: change ? 11 : 10, fontWeight: change ? 600 : 400 },
      labelBgStyle: { fillOpacity: 0.9 },
      labelBgPadding: [4, 2] as [number, number],
      style: tone
        ? { stroke: tone.stroke, strokeWidth: Math.max(3, edgeWidth(e.perMinute, maxRate)), strokeDasharray: "8 4" }
        : { stroke: HEALTH_STYLES[e.health].stroke, strokeWidth: edgeWidth(e.perMinute, maxRate) },
      zIndex: change ? 1 : 0,
      focusable: false,
    };
  });
}

/**
 * The first viewport: everything, when it fits at a legible zoom; else the legible zoom, on the left of the map
 * (where clients and the first services are), vertically centred.
 */
export function legibleViewport(positions: TPositions, nodeHeight: number, width: number, height: number, padding = 24): { viewport: Viewport; isWhole: boolean } {
  const points = [...positions.values()];
  const minX = Math.min(...points.map((p) => p.x));
  const minY = Math.min(...points.map((p) => p.y));
  const maxX = Math.max(...points.map((p) => p.x)) + NODE_WIDTH;
  const maxY = Math.max(...points.map((p) => p.y)) + nodeHeight;
  const fit = Math.min((width - 2 * padding) / (maxX - minX), (height - 2 * padding) / (maxY - minY), 1.2);
  const isWhole = fit >= MIN_LEGIBLE_ZOOM;
  const zoom = Math.max(fit, MIN_LEGIBLE_ZOOM);
  const y = (height - (maxY + minY) * zoom) / 2;
  return { viewport: { x: isWhole ? (width - (maxX + minX) * zoom) / 2 : padding - minX * zoom, y, zoom }, isWhole };
}

/** The viewport that fits these nodes (a searched or selected one and its neighbours), at most a little larger than life. */
export function viewportAround(positions: TPositions, keys: Iterable<string>, nodeHeight: number, width: number, height: number): Viewport {
  const points = [...keys].flatMap((k) => positions.get(k) ?? []);
  const minX = Math.min(...points.map((p) => p.x));
  const minY = Math.min(...points.map((p) => p.y));
  const bounds = { x: minX, y: minY, width: Math.max(...points.map((p) => p.x)) + NODE_WIDTH - minX, height: Math.max(...points.map((p) => p.y)) + nodeHeight - minY };
  return getViewportForBounds(bounds, width, height, 0.05, 1.2, 0.25);
}

/** Calls back once the frame after the current one has been painted: when what was just rendered can be seen and clicked. */
export function afterPaint(callback: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const frame = requestAnimationFrame(() => {
    timer = setTimeout(callback, 0);
  });
  return () => {
    cancelAnimationFrame(frame);
    if (timer !== undefined) clearTimeout(timer);
  };
}

const noSubscription = () => () => undefined;
/** False on the server and while hydrating, true after: the flow is drawn in the browser only (its theme and size come from there). */
export function useIsClient(): boolean {
  return useSyncExternalStore(noSubscription, () => true, () => false);
}
