"use client";

import "@xyflow/react/dist/style.css";
import { useQuery } from "@tanstack/react-query";
import { Background, Controls, ReactFlow, ReactFlowProvider, useNodesInitialized, useReactFlow, useStore, useStoreApi, type Node } from "@xyflow/react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useTheme } from "next-themes";
import { useCallback, useEffect, useMemo, useState } from "react";
import { HealthBadge, HealthLegend } from "@/components/servicemap/health";
import { afterPaint, CANVAS, flowEdges, flowNode, layOutView, legibleViewport, NODE_HEIGHT, nodeTypes, viewportAround, type TNodeData } from "@/components/servicemap/map-flow";
import { NodePanel } from "@/components/servicemap/node-panel";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { apiFetch } from "@/lib/api-client";
import { mapQueryString, type TServiceMap, type TServiceMapQuery } from "@/lib/servicemap/schemas";
import type { TPositions } from "@/lib/servicemap/layout";
import { buildView, COLLAPSE_ABOVE, groupOf } from "@/lib/servicemap/view";

const REFRESH_MS = 60_000;

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

  const structure = useMemo(() => `${view.nodes.map((n) => n.key).join(",")}|${view.edges.map((e) => e.key).join(",")}`, [view]);
  const storeApi = useStoreApi();
  const flowWidth = useStore((s) => s.width);
  const flowHeight = useStore((s) => s.height);
  const areNodesInStore = useNodesInitialized();
  const [fitted, setFitted] = useState<{ key: string; isWhole: boolean } | null>(null);
  // The canvas's size, read once it is in the page (on hydration): the flow opens at its viewport straight away,
  // culling to it from its first frame, rather than drawing at the default viewport, measuring, then moving.
  const [box, setBox] = useState<{ width: number; height: number } | null>(null);
  const measureBox = useCallback(
    (element: HTMLDivElement | null) => {
      if (!element) return;
      const { width, height } = element.getBoundingClientRect();
      storeApi.setState({ width, height });
      setBox((b) => b ?? { width, height });
    },
    [storeApi],
  );

  // The layout is synchronous and depends only on which nodes and edges are drawn: a refresh with the same structure keeps every position.
  // It is computed in the browser only, once the canvas is there: the server renders no flow and has no use for it.
  const positions = useMemo(() => (box ? layOutView(view, { canvas: isCompact ? CANVAS.card : CANVAS.page }) : null), [box, view, isCompact]);

  const nodes: Node<TNodeData>[] = useMemo(
    () =>
      (positions === null ? [] : view.nodes).map((v) =>
        flowNode(v, positions?.get(v.key) ?? { x: 0, y: 0 }, {
          isSelected: v.node !== null && String(v.node.id) === selectedId,
          isDimmed: matches !== null && !matches.has(v.key),
          change: null,
          onExpand,
        }),
      ),
    [positions, view.nodes, selectedId, matches, onExpand],
  );
  const edges = useMemo(() => flowEdges(view.edges), [view.edges]);

  // Where the map opens: on the searched nodes, else the selected one, with their neighbours; else the whole map at a legible zoom.
  const viewportFor = useCallback(
    (positions: TPositions, width: number, height: number) => {
      const focus = matches && matches.size > 0 ? matches : selectedId && view.nodes.some((n) => n.key === `n:${selectedId}`) ? new Set([`n:${selectedId}`]) : null;
      if (!focus) return legibleViewport(positions, NODE_HEIGHT, width, height);
      const around = new Set(focus);
      for (const e of view.edges) {
        if (focus.has(e.source)) around.add(e.target);
        if (focus.has(e.target)) around.add(e.source);
      }
      return { viewport: viewportAround(positions, around, NODE_HEIGHT, width, height), isWhole: true };
    },
    [matches, selectedId, view],
  );
  const opening = useMemo(() => (box && positions && view.nodes.length > 0 ? viewportFor(positions, box.width, box.height).viewport : undefined), [box, positions, view.nodes.length, viewportFor]);

  // The first view opens where it should (defaultViewport); a later one (expanded, searched, selected) moves there. Then, once painted, the map says it is ready.
  const focusKey = `${structure}|${search}|${selectedId ?? ""}`;
  useEffect(() => {
    if (!box || !positions || !areNodesInStore || view.nodes.length === 0 || fitted?.key === focusKey) return;
    let isCurrent = true;
    let cancelPaint = () => {};
    const target = viewportFor(positions, flowWidth || box.width, flowHeight || box.height);
    const moved = fitted === null ? Promise.resolve() : flow.setViewport(target.viewport);
    void moved.then(() => {
      if (!isCurrent) return;
      cancelPaint = afterPaint(() => {
        setFitted({ key: focusKey, isWhole: target.isWhole });
        performance.mark("servicemap:interactive");
      });
    });
    return () => {
      isCurrent = false;
      cancelPaint();
    };
  }, [box, positions, areNodesInStore, view.nodes.length, focusKey, fitted, flowWidth, flowHeight, viewportFor, flow]);
  const isReady = fitted?.key === focusKey;

  const selected = selectedId ? map.nodes.find((n) => String(n.id) === selectedId) ?? null : null;
  const groupsShown = view.nodes.filter((n) => n.kind === "team").length;

  return (
    // The map has the page's width until a node is selected; then its panel takes the right-hand side.
    <div className={cn("grid gap-4", !isCompact && selected && "lg:grid-cols-[1fr_360px]")}>
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
          {fitted && !fitted.isWhole && isReady ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              Too many nodes to read at once: the map opens on its left at a readable size. Drag to pan, zoom out for the whole of it, or find a node.
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
            ref={measureBox}
          >
            {/* Drawn in the browser only: its theme and its size come from there. */}
            {box ? (
              <ReactFlow
                defaultViewport={opening}
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
              <p className="p-4 text-sm text-zinc-600 dark:text-zinc-400">Drawing {view.nodes.length} nodes…</p>
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
            <ul aria-label="Failing nodes" className="mt-3 flex flex-wrap gap-x-6 gap-y-1">
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
