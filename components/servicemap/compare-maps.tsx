"use client";

import "@xyflow/react/dist/style.css";
import { Background, Controls, ReactFlow, ReactFlowProvider, useReactFlow, useStore, type Node } from "@xyflow/react";
import { useRouter } from "next/navigation";
import { useTheme } from "next-themes";
import { useEffect, useMemo, useState } from "react";
import { formatChange } from "@/components/servicemap/format";
import { HealthLegend } from "@/components/servicemap/health";
import { afterPaint, CANVAS, CHANGE_TONES, COMPARE_NODE_HEIGHT, flowEdges, flowNode, layOutView, legibleViewport, nodeTypes, useIsClient, type TMarkedChange, type TNodeData } from "@/components/servicemap/map-flow";
import type { TChange, TEdgeComparison, TNodeComparison } from "@/lib/servicemap/compare";
import { mapQueryString } from "@/lib/servicemap/schemas";
import type { TComparedMap } from "@/lib/servicemap/server/compare-deployment";
import { buildView, type TViewEdge, type TViewNode } from "@/lib/servicemap/view";
import type { TPositions } from "@/lib/servicemap/layout";

/** One mark for all of a node's or an edge's changes: worse when any is, each change saying its own direction when they differ. */
function markOf(changes: TChange[]): TMarkedChange | null {
  if (changes.length === 0) return null;
  const isMixed = new Set(changes.map((c) => c.direction)).size > 1;
  return {
    tone: changes.some((c) => c.direction === "worse") ? "worse" : "better",
    text: changes.map((c) => (isMixed ? `${formatChange(c)} (${c.direction})` : formatChange(c))).join(" · "),
  };
}

type TSide = "before" | "after";

function SideMap({ side, map, view, positions, marks, edgeMarks }: { side: TSide; map: TComparedMap; view: { nodes: TViewNode[]; edges: TViewEdge[] }; positions: TPositions; marks: Map<number, TMarkedChange>; edgeMarks: Map<string, TMarkedChange> }) {
  const router = useRouter();
  const flow = useReactFlow();
  const { resolvedTheme } = useTheme();
  const isClient = useIsClient();
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  const [isReady, setIsReady] = useState(false);

  const nodes: Node<TNodeData>[] = useMemo(
    () => view.nodes.map((v) => flowNode(v, positions.get(v.key) ?? { x: 0, y: 0 }, { isSelected: false, isDimmed: false, change: (v.node && marks.get(v.node.id)) ?? null, onExpand: null }, COMPARE_NODE_HEIGHT)),
    [view.nodes, positions, marks],
  );
  const edges = useMemo(() => flowEdges(view.edges, (e) => edgeMarks.get(e.key) ?? null), [view.edges, edgeMarks]);

  // Both sides are laid out together, so a node sits in the same place in each; the whole of the union is fitted.
  useEffect(() => {
    if (!isClient || width === 0 || height === 0 || isReady) return;
    let isCurrent = true;
    let cancelPaint = () => {};
    void flow.setViewport(legibleViewport(positions, COMPARE_NODE_HEIGHT, width, height).viewport).then(() => {
      if (isCurrent) cancelPaint = afterPaint(() => setIsReady(true));
    });
    return () => {
      isCurrent = false;
      cancelPaint();
    };
  }, [isClient, width, height, isReady, positions, flow]);

  const changed = view.nodes.filter((v) => v.node && marks.has(v.node.id)).length;
  const title = side === "before" ? "Before the deployment" : "After the deployment";
  return (
    <section aria-labelledby={`compare-${side}-title`} className="min-w-0">
      <h2 id={`compare-${side}-title`} className="mb-2 text-sm font-semibold">
        {title} <span className="font-normal text-zinc-600 dark:text-zinc-400">({map.window.from.slice(11, 16)} – {map.window.to.slice(11, 16)} UTC)</span>
      </h2>
      <div
        className="h-[400px] overflow-hidden rounded-xl border border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-950"
        data-testid={`compare-map-${side}`}
        data-ready={isReady ? "true" : "false"}
        role="region"
        aria-label={`${title}: ${view.nodes.length} nodes, ${view.edges.length} connections, ${changed} marked as changed`}
      >
        {view.nodes.length === 0 ? (
          <p className="p-4 text-sm text-zinc-600 dark:text-zinc-400">X-Ray recorded no traffic for the service in this window.</p>
        ) : isClient ? (
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            onNodeClick={(_event, node) => {
              const v = (node.data as TNodeData).view;
              if (v.node) router.push(`/service-map?${mapQueryString({ window: "custom", from: map.window.from, to: map.window.to, group: "Default" })}&node=${v.node.id}`);
            }}
            nodesDraggable={false}
            nodesConnectable={false}
            minZoom={0.1}
            colorMode={resolvedTheme === "dark" ? "dark" : "light"}
          >
            <Background gap={24} />
            <Controls showInteractive={false} />
          </ReactFlow>
        ) : (
          <p className="p-4 text-sm text-zinc-600 dark:text-zinc-400">Drawing {view.nodes.length} nodes…</p>
        )}
      </div>
    </section>
  );
}

/**
 * The deployed service and its neighbours side by side, before and after the deployment, each node and
 * connection whose failure rate or latency changed significantly marked on both maps, with the change in words.
 */
export function CompareMaps({ maps, nodes, edges }: { maps: { before: TComparedMap; after: TComparedMap }; nodes: TNodeComparison[]; edges: TEdgeComparison[] }) {
  const views = useMemo(
    () => ({ before: buildView(maps.before, { isCollapsed: false, expanded: "all" }), after: buildView(maps.after, { isCollapsed: false, expanded: "all" }) }),
    [maps],
  );
  const positions = useMemo(() => {
    const union = new Map<string, TViewNode>();
    for (const v of [...views.before.nodes, ...views.after.nodes]) union.set(v.key, v);
    const links = new Map<string, TViewEdge>();
    for (const e of [...views.before.edges, ...views.after.edges]) links.set(e.key, e);
    return layOutView({ nodes: [...union.values()], edges: [...links.values()] }, { nodeHeight: COMPARE_NODE_HEIGHT, canvas: CANVAS.compare });
  }, [views]);
  const marks = useMemo(() => {
    const bySide = { before: new Map<number, TMarkedChange>(), after: new Map<number, TMarkedChange>() };
    for (const n of nodes) {
      const mark = markOf(n.changes);
      if (mark) {
        bySide.before.set(n.id, { ...mark, label: `${CHANGE_TONES[mark.tone].label} after` });
        bySide.after.set(n.id, mark);
      } else if (!n.before) bySide.after.set(n.id, { tone: "new", text: "" });
      else if (!n.after) bySide.before.set(n.id, { tone: "gone", text: "" });
    }
    return bySide;
  }, [nodes]);
  const edgeMarks = useMemo(() => {
    const bySide = { before: new Map<string, TMarkedChange>(), after: new Map<string, TMarkedChange>() };
    for (const e of edges) {
      const mark = markOf(e.changes);
      if (!mark) continue;
      bySide.before.set(`n:${e.source}>n:${e.target}`, { ...mark, label: `${CHANGE_TONES[mark.tone].label} after` });
      bySide.after.set(`n:${e.source}>n:${e.target}`, mark);
    }
    return bySide;
  }, [edges]);

  return (
    <div className="mb-6">
      <div className="grid gap-4 xl:grid-cols-2">
        {(["before", "after"] as const).map((side) => (
          <ReactFlowProvider key={side}>
            <SideMap side={side} map={maps[side]} view={views[side]} positions={positions} marks={marks[side]} edgeMarks={edgeMarks[side]} />
          </ReactFlowProvider>
        ))}
      </div>
      <ul aria-label="Change marks" className="mt-3 flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400">
        {(["worse", "better", "new"] as const).map((tone) => (
          <li key={tone} className="flex items-center gap-1.5">
            <span className={`rounded px-1.5 py-0.5 font-semibold ring-1 ring-inset ${CHANGE_TONES[tone].box}`}>{CHANGE_TONES[tone].label}</span>
            <span>{tone === "new" ? "no traffic before the deployment" : `${tone === "worse" ? "up" : "down"} significantly: failure rate, p95 (nodes) or mean latency (connections)`}</span>
          </li>
        ))}
      </ul>
      <div className="mt-2">
        <HealthLegend />
      </div>
    </div>
  );
}
