/**
 * The map's layout: a layered drawing left to right (clients, services in the
 * order they call each other, data stores), computed in a few milliseconds
 * for hundreds of nodes, on the server or in the browser. Pure.
 *
 * It replaces elkjs, whose layered layout took 1–2.6 s for the bench's 42-node
 * collapsed map in Node (and as long again on every page load in a browser,
 * where its 1.6 MB of compiled Java starts cold): more than the whole budget
 * of a map that is interactive within a second.
 *
 * The steps are the usual ones of a layered (Sugiyama) drawing, each kept simple:
 * 1. ranks: clients first, data stores last; services by the longest chain of
 *    calls reaching them (calls that close a cycle are ignored), squeezed into
 *    fewer ranks when the chain is deeper than the canvas has room for;
 * 2. order within a rank: team and name, then barycentre sweeps that pull each
 *    node towards its neighbours in the other ranks, to cut crossings;
 * 3. coordinates: a rank taller than the drawing wraps into side-by-side
 *    sub-columns, row by row, so a rank of 100 stores is a block, not a tower.
 */
import type { TColumn } from "@/lib/servicemap/view";

export interface TLayoutNode {
  key: string;
  column: TColumn;
  /** Initial order within a rank (team, then name): members of a team start side by side. */
  sortKey: string;
}

export interface TLayoutEdge {
  source: string;
  target: string;
}

export interface TLayoutOptions {
  nodeWidth: number;
  nodeHeight: number;
  /** Between ranks (room for the edges), and between the sub-columns of a wrapped rank. */
  rankGap: number;
  columnGap: number;
  rowGap: number;
  /** The canvas the map opens in, in pixels: the drawing is shaped to be read there. */
  canvas: { width: number; height: number };
}

export type TPositions = Map<string, { x: number; y: number }>;

const SWEEPS = 4;
/** A zoom at which a node's figures are still comfortable to read: past it, ranks are traded for size no further. */
const COMFORTABLE_ZOOM = 0.65;
/** Ranks tried for the services (a deeper chain is always squeezed to at most this many). */
const MAX_SERVICE_RANKS = 40;
/** When no rank count reaches a comfortable zoom, the most ranks whose zoom is this close to the best: structure for a little size. */
const NEAR_BEST = 0.85;

/** Ranks of the services: longest chain of calls from a service no other service calls, cycles broken where the search closes them. */
function serviceRanks(services: string[], edges: TLayoutEdge[]): Map<string, number> {
  const isService = new Set(services);
  const out = new Map<string, string[]>(services.map((s) => [s, []]));
  for (const e of edges) if (isService.has(e.source) && isService.has(e.target) && e.source !== e.target) out.get(e.source)!.push(e.target);
  // Iterative depth-first search: an edge to a node still on the stack closes a cycle and is dropped; the finishing order reversed is a topological order of the rest.
  const state = new Map<string, 1 | 2>();
  const finished: string[] = [];
  const forward = new Map<string, string[]>(services.map((s) => [s, []]));
  for (const root of services) {
    if (state.has(root)) continue;
    const stack: { node: string; next: number }[] = [{ node: root, next: 0 }];
    state.set(root, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const targets = out.get(top.node)!;
      if (top.next < targets.length) {
        const t = targets[top.next++]!;
        const s = state.get(t);
        if (s === 1) continue;
        forward.get(top.node)!.push(t);
        if (s === undefined) {
          state.set(t, 1);
          stack.push({ node: t, next: 0 });
        }
      } else {
        state.set(top.node, 2);
        finished.push(top.node);
        stack.pop();
      }
    }
  }
  const rank = new Map<string, number>(services.map((s) => [s, 0]));
  for (let i = finished.length - 1; i >= 0; i--) {
    const node = finished[i]!;
    for (const t of forward.get(node)!) rank.set(t, Math.max(rank.get(t)!, rank.get(node)! + 1));
  }
  return rank;
}

/** Width and height of a drawing whose ranks hold these many nodes, wrapped at `rows`. */
function drawingSize(sizes: number[], rows: number, options: TLayoutOptions): { width: number; height: number } {
  const cellW = options.nodeWidth + options.columnGap;
  const cellH = options.nodeHeight + options.rowGap;
  let width = (sizes.length - 1) * options.rankGap;
  let tallest = 0;
  for (const size of sizes) {
    const columns = Math.ceil(size / rows);
    width += columns * cellW - options.columnGap;
    tallest = Math.max(tallest, Math.ceil(size / columns));
  }
  return { width, height: tallest * cellH - options.rowGap };
}

/** The zoom at which a drawing fits the canvas, at most 1. */
function fitZoom({ width, height }: { width: number; height: number }, options: TLayoutOptions): number {
  return Math.min(1, options.canvas.width / width, options.canvas.height / height);
}

export function layOutMap(nodes: TLayoutNode[], edges: TLayoutEdge[], options: TLayoutOptions): TPositions {
  const positions: TPositions = new Map();
  if (nodes.length === 0) return positions;
  const known = new Set(nodes.map((n) => n.key));
  const links = edges.filter((e) => known.has(e.source) && known.has(e.target) && e.source !== e.target);

  // 1. Ranks. A chain of calls deeper than the canvas has room for is squeezed into fewer service ranks, keeping
  //    its left-to-right order: as many ranks as keep the drawing readable (COMFORTABLE_ZOOM) or, when nothing
  //    does, as many as fit it nearly as large as it can be. Each rank count is tried with its best row count.
  const byColumn = (c: TColumn) => nodes.filter((n) => n.column === c).sort((a, b) => a.sortKey.localeCompare(b.sortKey));
  const [clients, services, stores] = [byColumn(0), byColumn(1), byColumn(2)];
  const longest = serviceRanks(services.map((n) => n.key), links);
  const depth = services.length === 0 ? 0 : Math.max(...longest.values()) + 1;
  const squeezeTo = (count: number) => (r: number) => (depth <= count ? r : Math.floor((r * count) / depth));
  const sizesWith = (count: number): number[] => {
    const perRank = new Array<number>(Math.min(depth, count)).fill(0);
    const squeeze = squeezeTo(count);
    for (const r of longest.values()) perRank[squeeze(r)]!++;
    return [clients.length, ...perRank, stores.length].filter((size) => size > 0);
  };
  const bestRows = (sizes: number[]) => {
    let best = { rows: 1, zoom: fitZoom(drawingSize(sizes, 1, options), options) };
    for (let rows = 2; rows <= Math.max(...sizes); rows++) {
      const zoom = fitZoom(drawingSize(sizes, rows, options), options);
      if (zoom > best.zoom) best = { rows, zoom };
    }
    return best;
  };
  const tries = Array.from({ length: Math.min(Math.max(depth, 1), MAX_SERVICE_RANKS) }, (_, i) => ({ count: i + 1, ...bestRows(sizesWith(i + 1)) }));
  const top = Math.max(...tries.map((t) => t.zoom));
  const chosen = [...tries].reverse().find((t) => t.zoom >= Math.min(COMFORTABLE_ZOOM, top * NEAR_BEST))!;
  const squeeze = squeezeTo(chosen.count);
  const ranks: string[][] = [];
  if (clients.length > 0) ranks.push(clients.map((n) => n.key));
  const firstService = ranks.length;
  for (let r = 0; r < Math.min(depth, chosen.count); r++) ranks.push([]);
  for (const n of services) ranks[firstService + squeeze(longest.get(n.key)!)]!.push(n.key);
  if (stores.length > 0) ranks.push(stores.map((n) => n.key));
  const layers = ranks.filter((r) => r.length > 0);

  // 2. Order: barycentre sweeps, left to right then right to left, each node pulled to the mean position of its neighbours in the ranks already placed.
  const rankOf = new Map<string, number>();
  layers.forEach((layer, r) => layer.forEach((k) => rankOf.set(k, r)));
  const neighbours = new Map<string, string[]>(nodes.map((n) => [n.key, []]));
  for (const e of links) {
    neighbours.get(e.source)!.push(e.target);
    neighbours.get(e.target)!.push(e.source);
  }
  const place = new Map<string, number>();
  const index = (layer: string[]) => layer.forEach((k, i) => place.set(k, layer.length === 1 ? 0.5 : i / (layer.length - 1)));
  layers.forEach(index);
  const sweep = (r: number, isFrom: (other: number) => boolean) => {
    const layer = layers[r]!;
    const weight = new Map<string, number>();
    for (const k of layer) {
      const from = neighbours.get(k)!.filter((m) => isFrom(rankOf.get(m)!));
      weight.set(k, from.length === 0 ? place.get(k)! : from.reduce((sum, m) => sum + place.get(m)!, 0) / from.length);
    }
    layer.sort((a, b) => weight.get(a)! - weight.get(b)!);
    index(layer);
  };
  for (let s = 0; s < SWEEPS; s++) {
    for (let r = 1; r < layers.length; r++) sweep(r, (o) => o < r);
    for (let r = layers.length - 2; r >= 0; r--) sweep(r, (o) => o > r);
  }

  // 3. Coordinates: a tall rank wraps row by row into sub-columns (at the chosen row count); each rank is centred on the tallest.
  const cellW = options.nodeWidth + options.columnGap;
  const cellH = options.nodeHeight + options.rowGap;
  const shapes = layers.map((layer) => {
    const columns = Math.ceil(layer.length / chosen.rows);
    return { columns, rows: Math.ceil(layer.length / columns) };
  });
  const tallest = Math.max(...shapes.map((s) => s.rows));
  let x = 0;
  layers.forEach((layer, r) => {
    const { columns, rows } = shapes[r]!;
    const top = ((tallest - rows) * cellH) / 2;
    layer.forEach((k, i) => positions.set(k, { x: x + (i % columns) * cellW, y: top + Math.floor(i / columns) * cellH }));
    x += columns * cellW - options.columnGap + options.rankGap;
  });
  return positions;
}
