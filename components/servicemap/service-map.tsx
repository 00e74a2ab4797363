"use client";

import "@xyflow/react/dist/style.css";
import { useQuery } from "@tanstack/react-query";
import { Background, Controls, Handle, Position, ReactFlow, ReactFlowProvider, useReactFlow, type Edge, type Node, type NodeProps } from "@xyflow/react";
import ELK from "elkjs/lib/elk.bundled.js";
import { Archive, Box, Database, Globe, Inbox, Layers, Server, Users, Zap } from "lucide-react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useTheme } from "next-themes";
import { memo, useCallback, useEffect, useMemo, useState } from "react";
import { formatMs, formatPercent, formatRate } from "@/components/servicemap/format";
import { HEALTH_STYLES, HealthBadge, HealthLegend } from "@/components/servicemap/health";
import { NodePanel } from "@/components/servicemap/node-panel";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { apiFetch } from "@/lib/api-client";
import { mapQueryString, type TServiceMap, type TServiceMapQuery } from "@/lib/servicemap/schemas";
import { buildView, COLLAPSE_ABOVE, groupOf, typeLabel, type TViewEdge, type TViewNode } from "@/lib/servicemap/view";

const NODE_WIDTH = 220;
const NODE_HEIGHT = 92;
const REFRESH_MS = 60_000;
const elk = new ELK();


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

interface TNodeData extends Record<string, unknown> {
  view: TViewNode;
  isSelected: boolean;
  isDimmed: boolean;
  onExpand: (key: string) => void;
}

const MapNode = memo(function MapNode({ data }: NodeProps<Node<TNodeData>>) {
  const v = data.view;
  const name = v.kind === "team" ? `${v.label}, ${v.count} nodes` : v.label;
  return (
    <div
      className={cn(
        "h-[92px] w-[220px] rounded-lg border-2 bg-white px-3 py-2 text-left shadow-sm dark:bg-zinc-900",
        HEALTH_STYLES[v.health].ring,
        v.kind === "team" && "border-dashed",
        data.isSelected && "ring-4 ring-sky-400/60",
        // Context (a neighbour of the filtered team) and search misses recede without fading their text: contrast stays readable.
        (data.isDimmed || v.isContext) && "border-dashed !border-zinc-300 bg-zinc-50 shadow-none dark:!border-zinc-700 dark:bg-zinc-950",
      )}
      data-testid={`map-node-${v.label}`}
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
        {v.kind === "team" ? (
          <button
            type="button"
            className="nodrag rounded px-1.5 text-[11px] font-medium text-sky-700 hover:underline dark:text-sky-400"
            onClick={(event) => {
              event.stopPropagation();
              data.onExpand(v.key);
            }}
          >
            Expand
          </button>
        ) : null}
      </div>
      <Handle type="source" position={Position.Right} className="!size-1.5 !border-0 !bg-zinc-400" />
    </div>
  );
});

const nodeTypes = { map: MapNode };

async function layOut(view: { nodes: TViewNode[]; edges: TViewEdge[] }): Promise<Map<string, { x: number; y: number }>> {
  const result = await elk.layout({
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "RIGHT",
      // Clients in the first column, data stores in the last, whatever the calls say.
      "elk.partitioning.activate": "true",
      "elk.layered.spacing.nodeNodeBetweenLayers": "90",
      "elk.spacing.nodeNode": "28",
      "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
      "elk.layered.cycleBreaking.strategy": "GREEDY",
    },
    children: view.nodes.map((n) => ({ id: n.key, width: NODE_WIDTH, height: NODE_HEIGHT, layoutOptions: { "elk.partitioning.partition": String(n.column) } })),
    edges: view.edges.map((e) => ({ id: e.key, sources: [e.source], targets: [e.target] })),
  });
  return new Map((result.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }]));
}

function edgeWidth(perMinute: number, max: number): number {
  if (max <= 0 || perMinute <= 0) return 1;
  return 1 + 5 * (Math.log10(1 + perMinute) / Math.log10(1 + max));
}

function MapCanvas({ initial, query, isCompact = false }: { initial: TServiceMap; query: TServiceMapQuery; isCompact?: boolean }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const flow = useReactFlow();
  const { resolvedTheme } = useTheme();
  const { data: map } = useQuery({
    queryKey: ["servicemap", mapQueryString(query)],
    queryFn: () => apiFetch<TServiceMap>(`/api/servicemap?${mapQueryString(query)}`, { method: "GET" }),
    initialData: initial,
    refetchInterval: REFRESH_MS,
  });

  const expandParam = params.get("expand");
  const selectedId = params.get("node");
  const search = params.get("q") ?? "";
  const expanded = useMemo<ReadonlySet<string> | "all">(() => {
    if (expandParam === "all") return "all";
    const keys = new Set((expandParam ?? "").split(",").filter(Boolean));
    // A searched or selected node is shown, even when its team starts collapsed.
    const q = search.trim().toLowerCase();
    for (const n of map.nodes) {
      if ((q && (n.name.toLowerCase().includes(q) || n.service?.name.toLowerCase().includes(q))) || String(n.id) === selectedId) keys.add(groupOf(n).key);
    }
    return keys;
  }, [expandParam, search, selectedId, map.nodes]);
  const isCollapsed = !query.team && !query.service && map.nodes.length > COLLAPSE_ABOVE;
  const view = useMemo(() => buildView(map, { isCollapsed, expanded }), [map, isCollapsed, expanded]);
  const [searchText, setSearchText] = useState(search);

  const setParams = useCallback(
    (changes: Record<string, string | null>) => {
      const next = new URLSearchParams(params.toString());
      for (const [k, v] of Object.entries(changes)) {
        if (v === null || v === "") next.delete(k);
        else next.set(k, v);
      }
      router.replace(`${pathname}?${next.toString()}`, { scroll: false });
    },
    [params, pathname, router],
  );

  const onExpand = useCallback(
    (key: string) => {
      if (expanded === "all") return;
      setParams({ expand: [...expanded, key].join(",") });
    },
    [expanded, setParams],
  );

  const matches = useMemo(() => {
    const q = search.trim().toLowerCase();
    if (!q) return null;
    return new Set(view.nodes.filter((n) => n.label.toLowerCase().includes(q) || n.node?.service?.name.toLowerCase().includes(q)).map((n) => n.key));
  }, [search, view.nodes]);

  // The layout belongs to the view it was computed for; a newer view waits for its own.
  const [layout, setLayout] = useState<{ view: typeof view; positions: Map<string, { x: number; y: number }> } | null>(null);
  const positions = layout?.view === view ? layout.positions : null;
  const [readyFor, setReadyFor] = useState<typeof view | null>(null);
  const isReady = readyFor === view;
  useEffect(() => {
    let isCurrent = true;
    layOut(view).then(
      (p) => {
        if (isCurrent) setLayout({ view, positions: p });
      },
      (error: unknown) => console.error("service map layout failed", error),
    );
    return () => {
      isCurrent = false;
    };
  }, [view]);

  const maxRate = Math.max(0, ...view.edges.map((e) => e.perMinute));
  const nodes: Node<TNodeData>[] = useMemo(
    () =>
      positions
        ? view.nodes.map((v) => ({
            id: v.key,
            type: "map",
            position: positions.get(v.key) ?? { x: 0, y: 0 },
            data: { view: v, isSelected: v.node !== null && String(v.node.id) === selectedId, isDimmed: matches !== null && !matches.has(v.key), onExpand },
            ariaLabel: `${v.label}: ${v.kind === "team" ? `team of ${v.count} nodes, ` : ""}${formatRate(v.perMinute)}, ${v.health}`,
            draggable: false,
            connectable: false,
          }))
        : [],
    [positions, view.nodes, selectedId, matches, onExpand],
  );
  const edges: Edge[] = useMemo(
    () =>
      view.edges.map((e) => ({
        id: e.key,
        source: e.source,
        target: e.target,
        // Labels only where they can be read.
        label: view.edges.length <= 60 ? `${formatMs(e.meanMs)} · ${formatPercent(e.errorRate + e.faultRate)} err` : undefined,
        labelStyle: { fontSize: 10 },
        labelBgStyle: { fillOpacity: 0.85 },
        style: { stroke: HEALTH_STYLES[e.health].stroke, strokeWidth: edgeWidth(e.perMinute, maxRate) },
        focusable: false,
      })),
    [view.edges, maxRate],
  );

  // Once laid out: fit the view (to the searched nodes and their neighbours, or everything) and say the map is ready.
  useEffect(() => {
    if (!positions || nodes.length === 0) return;
    const frame = requestAnimationFrame(() => {
      // Zoom to the searched nodes, else to the selected one, with their neighbours.
      const focus = matches && matches.size > 0 ? matches : selectedId && view.nodes.some((n) => n.key === `n:${selectedId}`) ? new Set([`n:${selectedId}`]) : null;
      if (focus) {
        const around = new Set(focus);
        for (const e of view.edges) {
          if (focus.has(e.source)) around.add(e.target);
          if (focus.has(e.target)) around.add(e.source);
        }
        void flow.fitView({ nodes: [...around].map((id) => ({ id })), padding: 0.25, maxZoom: 1.2 });
      } else {
        void flow.fitView({ padding: 0.1 });
      }
      setReadyFor(view);
      performance.mark("servicemap:interactive");
    });
    return () => cancelAnimationFrame(frame);
  }, [positions, nodes.length, matches, selectedId, view, flow]);

  const selected = selectedId ? map.nodes.find((n) => String(n.id) === selectedId) ?? null : null;
  const groupsShown = view.nodes.filter((n) => n.kind === "team").length;

  return (
    <div className={cn("grid gap-4", !isCompact && "lg:grid-cols-[1fr_360px]")}>
      <div className="min-w-0">
        <div className={cn("mb-3 flex flex-wrap items-end gap-3", isCompact && "hidden")}>
          <form
            role="search"
            aria-label="Find a node on the map"
            className="flex items-end gap-2"
            onSubmit={(event) => {
              event.preventDefault();
              setParams({ q: searchText });
            }}
          >
            <label className="text-sm">
              <span className="mb-1 block text-xs font-medium text-zinc-600 dark:text-zinc-400">Find a node</span>
              <input
                type="search"
                value={searchText}
                onChange={(event) => setSearchText(event.target.value)}
                placeholder="Service or resource name"
                className="w-56 rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900"
              />
            </label>
            <button type="submit" className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm font-medium hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800">
              Zoom to
            </button>
            {search ? (
              <button type="button" className="px-2 py-1.5 text-sm text-sky-700 hover:underline dark:text-sky-400" onClick={() => { setSearchText(""); setParams({ q: null }); }}>
                Clear
              </button>
            ) : null}
          </form>
          {isCollapsed ? (
            <div className="flex items-center gap-2 text-sm">
              <span className="text-zinc-600 dark:text-zinc-400">
                {map.nodes.length} nodes{groupsShown > 0 ? `; ${groupsShown} groups collapsed` : ""}.
              </span>
              {expanded === "all" || (expanded.size > 0 && groupsShown === 0) ? (
                <button type="button" className="text-sky-700 hover:underline dark:text-sky-400" onClick={() => setParams({ expand: null })}>
                  Collapse by team
                </button>
              ) : (
                <button type="button" className="text-sky-700 hover:underline dark:text-sky-400" onClick={() => setParams({ expand: "all" })}>
                  Expand all
                </button>
              )}
            </div>
          ) : null}
          {view.hiddenEdges > 0 ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              Showing the {view.edges.length} busiest and failing connections; {view.hiddenEdges} more are not drawn.
            </p>
          ) : null}
          {matches !== null ? (
            <p role="status" className="text-sm text-zinc-600 dark:text-zinc-400">
              {matches.size === 0 ? `Nothing on the map matches “${search}”.` : `${matches.size} match${matches.size === 1 ? "" : "es"} for “${search}”, shown with their neighbours.`}
            </p>
          ) : null}
        </div>
        {view.nodes.length === 0 ? (
          <EmptyState title="No traffic in this window">X-Ray recorded no requests for this group{query.team ? " and team" : ""} in the window. Try a longer window, or check the sync status.</EmptyState>
        ) : (
          <div
            className={cn(isCompact ? "h-[380px]" : "h-[640px]", "overflow-hidden rounded-xl border border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-950")}
            data-testid="service-map"
            data-ready={isReady ? "true" : "false"}
            aria-label={`Service map: ${view.nodes.length} nodes, ${view.edges.length} connections`}
            role="region"
          >
            {/* Rendered once laid out, in the browser only: positions come from the layout, and the theme from the browser. */}
            {positions ? (
            <ReactFlow
              nodes={nodes}
              edges={edges}
              nodeTypes={nodeTypes}
              onNodeClick={(_event, node) => {
                const v = (node.data as TNodeData).view;
                if (v.kind === "team") onExpand(v.key);
                // On a team or service page, a node opens the full map with its panel.
                else if (v.node && isCompact) router.push(`/service-map?${mapQueryString(query)}&node=${v.node.id}`);
                else if (v.node) setParams({ node: String(v.node.id) });
              }}
              nodesDraggable={false}
              nodesConnectable={false}
              minZoom={0.05}
              onlyRenderVisibleElements
              colorMode={resolvedTheme === "dark" ? "dark" : "light"}
            >
              <Background gap={24} />
              <Controls showInteractive={false} />
            </ReactFlow>
            ) : (
              <p className="p-4 text-sm text-zinc-600 dark:text-zinc-400">Laying out {view.nodes.length} nodes…</p>
            )}
          </div>
        )}
        <div className="mt-3">
          <HealthLegend />
        </div>
      </div>
      <aside aria-label="Node details" className={cn("min-w-0", isCompact && "hidden")}>
        {selected ? (
          <NodePanel node={selected} query={query} onClose={() => setParams({ node: null })} />
        ) : (
          <div className="rounded-xl border border-dashed border-zinc-300 p-5 text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
            Select a node to see its traffic over the window, its alarms and open incidents, its recent deployments and its slowest and failing traces.
            <ul className="mt-4 space-y-1">
              {[...map.nodes]
                .filter((n) => n.health === "fault" || n.health === "error" || n.health === "throttle")
                .sort((a, b) => b.faultRate - a.faultRate)
                .slice(0, 6)
                .map((n) => (
                  <li key={n.id} className="flex items-center justify-between gap-2">
                    <button type="button" className="truncate text-left text-sky-700 hover:underline dark:text-sky-400" onClick={() => setParams({ node: String(n.id) })}>
                      {n.name}
                    </button>
                    <HealthBadge health={n.health} />
                  </li>
                ))}
            </ul>
          </div>
        )}
      </aside>
    </div>
  );
}

export function ServiceMap(props: { initial: TServiceMap; query: TServiceMapQuery; isCompact?: boolean }) {
  return (
    <ReactFlowProvider>
      <MapCanvas {...props} />
    </ReactFlowProvider>
  );
}
