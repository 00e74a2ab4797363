/**
 * A trace's segment documents (BatchGetTraces) as one waterfall: segments and
 * their subsegments in call order, each with its offset from the start of the
 * trace, its duration, its errors and annotations. Pure.
 */
export interface TSpan {
  id: string;
  parentId: string | null;
  depth: number;
  name: string;
  kind: "segment" | "subsegment";
  /** X-Ray origin (AWS::ECS::Container…) or subsegment namespace (aws, remote). */
  origin: string | null;
  startOffsetMs: number;
  durationMs: number | null;
  isInProgress: boolean;
  hasFault: boolean;
  hasError: boolean;
  hasThrottle: boolean;
  httpMethod: string | null;
  httpUrl: string | null;
  httpStatus: number | null;
  annotations: Record<string, string | number | boolean>;
  /** The first exception's message, when it recorded one. */
  cause: string | null;
}

interface TDoc {
  id?: string;
  name?: string;
  start_time?: number;
  end_time?: number;
  in_progress?: boolean;
  parent_id?: string;
  origin?: string;
  namespace?: string;
  error?: boolean;
  fault?: boolean;
  throttle?: boolean;
  http?: { request?: { method?: string; url?: string }; response?: { status?: number } };
  annotations?: Record<string, unknown>;
  cause?: { exceptions?: { message?: string; type?: string }[] } | string;
  subsegments?: TDoc[];
}

interface TNode {
  doc: TDoc;
  kind: TSpan["kind"];
  parentId: string | null;
}

/** Up to this many spans: a trace can hold thousands of subsegments; the page shows the first ones and says so. */
export const MAX_SPANS = 2000;

export function buildWaterfall(documents: readonly string[]): { spans: TSpan[]; startedAt: Date | null; durationMs: number; isTruncated: boolean } {
  const nodes = new Map<string, TNode>();
  const visit = (doc: TDoc, kind: TSpan["kind"], parentId: string | null) => {
    if (!doc.id) return;
    nodes.set(doc.id, { doc, kind, parentId });
    for (const sub of doc.subsegments ?? []) visit(sub, "subsegment", doc.id);
  };
  for (const text of documents) {
    let doc: TDoc;
    try {
      doc = JSON.parse(text) as TDoc;
    } catch {
      continue; // A malformed document is skipped; the rest of the trace still shows.
    }
    visit(doc, "segment", doc.parent_id ?? null);
  }
  const starts = [...nodes.values()].map((n) => n.doc.start_time).filter((t): t is number => typeof t === "number");
  const ends = [...nodes.values()].map((n) => n.doc.end_time ?? n.doc.start_time).filter((t): t is number => typeof t === "number");
  if (starts.length === 0) return { spans: [], startedAt: null, durationMs: 0, isTruncated: false };
  const t0 = Math.min(...starts);
  const children = new Map<string | null, TNode[]>();
  for (const node of nodes.values()) {
    // A parent that is not in the trace (not sent, or expired) makes the span a root.
    const parent = node.parentId !== null && nodes.has(node.parentId) ? node.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), node]);
  }
  for (const list of children.values()) list.sort((a, b) => (a.doc.start_time ?? 0) - (b.doc.start_time ?? 0));

  const spans: TSpan[] = [];
  let isTruncated = false;
  const walk = (parent: string | null, depth: number) => {
    for (const node of children.get(parent) ?? []) {
      if (spans.length >= MAX_SPANS) {
        isTruncated = true;
        return;
      }
      const d = node.doc;
      const cause = typeof d.cause === "object" ? (d.cause.exceptions?.[0]?.message ?? d.cause.exceptions?.[0]?.type ?? null) : null;
      const annotations: TSpan["annotations"] = {};
      for (const [k, v] of Object.entries(d.annotations ?? {})) if (["string", "number", "boolean"].includes(typeof v)) annotations[k] = v as string | number | boolean;
      spans.push({
        id: d.id!,
        parentId: parent,
        depth,
        name: d.name ?? "(unnamed)",
        kind: node.kind,
        origin: d.origin ?? d.namespace ?? null,
        startOffsetMs: ((d.start_time ?? t0) - t0) * 1000,
        durationMs: d.end_time !== undefined && d.start_time !== undefined ? (d.end_time - d.start_time) * 1000 : null,
        isInProgress: d.in_progress === true,
        hasFault: d.fault === true,
        hasError: d.error === true,
        hasThrottle: d.throttle === true,
        httpMethod: d.http?.request?.method ?? null,
        httpUrl: d.http?.request?.url ?? null,
        httpStatus: d.http?.response?.status ?? null,
        annotations,
        cause,
      });
      walk(d.id!, depth + 1);
    }
  };
  walk(null, 0);
  return { spans, startedAt: new Date(t0 * 1000), durationMs: (Math.max(...ends) - t0) * 1000, isTruncated };
}
