/**
 * Which service a pipeline deploys and which of its stages is production,
 * from what the catalog and AWS say about it. Pure: the callers load the
 * mappings and annotations and store the answer.
 */
import { resolveProdStage } from "@/lib/pipelines/collect/sync-pipeline";
import { PROD_STAGE_TAG } from "@/lib/pipelines/collect/codepipeline";

/** Catalog tag-selector mappings are stored with this ARN prefix ("tags:team=payments, component=ledger"). */
export const TAG_SELECTOR_PREFIX = "tags:";
export const PIPELINE_TAG_SELECTOR_TYPE = "AWS::CodePipeline::Pipeline (tag selector)";

export interface TPipelineMapping {
  id: number;
  /** A pipeline ARN, or a tag selector (TAG_SELECTOR_PREFIX). */
  arn: string;
  source: string;
  serviceId: number;
}

export type TServiceVia = "tag" | "manual" | "catalog-arn" | "catalog-tags" | "kept";

// The pipeline's own portside:service tag, then a person's mapping, then a catalog file naming the ARN, then a catalog tag selector.
const ARN_PRIORITY: Record<string, [number, TServiceVia]> = { AWS_TAG: [0, "tag"], MANUAL: [1, "manual"], CATALOG_FILE: [2, "catalog-arn"] };
const SELECTOR_PRIORITY = 3;

/** "tags:k=v, k2=v2" → [["k","v"],["k2","v2"]]; null when it is not a selector. */
export function parseTagSelector(arn: string): [string, string][] | null {
  if (!arn.startsWith(TAG_SELECTOR_PREFIX)) return null;
  const pairs: [string, string][] = [];
  for (const part of arn.slice(TAG_SELECTOR_PREFIX.length).split(",")) {
    const at = part.indexOf("=");
    if (at <= 0) return null;
    const key = part.slice(0, at).trim();
    if (!key) return null;
    pairs.push([key, part.slice(at + 1).trim()]);
  }
  return pairs.length > 0 ? pairs : null;
}

/** Every key=value of the selector is one of the tags (AWS tag keys and values are case-sensitive). */
export function matchesTagSelector(tags: Readonly<Record<string, string>>, pairs: readonly [string, string][]): boolean {
  return pairs.every(([key, value]) => Object.hasOwn(tags, key) && tags[key] === value);
}

/**
 * The service of one pipeline. Among tag selectors that match, the one with
 * more key=value pairs is the more specific and wins; a tie goes to the
 * older mapping, so the answer never depends on the order of the input.
 * Null when nothing maps it (the caller keeps what it had).
 */
export function resolvePipelineService(
  pipeline: { arn: string; tags: Readonly<Record<string, string>> },
  mappings: readonly TPipelineMapping[],
): { serviceId: number; via: TServiceVia; mappingId: number } | null {
  let best: { rank: [number, number, number]; serviceId: number; via: TServiceVia; mappingId: number } | null = null;
  for (const m of mappings) {
    let rank: [number, number, number];
    let via: TServiceVia;
    if (m.arn === pipeline.arn) {
      const [priority, arnVia] = ARN_PRIORITY[m.source] ?? [9, "manual"];
      rank = [priority, 0, m.id];
      via = arnVia;
    } else {
      const pairs = parseTagSelector(m.arn);
      if (!pairs || !matchesTagSelector(pipeline.tags, pairs)) continue;
      rank = [SELECTOR_PRIORITY, -pairs.length, m.id];
      via = "catalog-tags";
    }
    if (!best || compareRank(rank, best.rank) < 0) best = { rank, serviceId: m.serviceId, via, mappingId: m.id };
  }
  return best && { serviceId: best.serviceId, via: best.via, mappingId: best.mappingId };
}

function compareRank(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/**
 * The production stage: the service's catalog annotation, else the
 * pipeline's portside:prod-stage tag, else its last stage (a name that is not
 * one of its stages is ignored).
 */
export function pipelineProdStage({
  stageNames,
  tags,
  annotation,
}: {
  stageNames: readonly string[];
  tags: Readonly<Record<string, string>>;
  annotation: string | null | undefined;
}): string | null {
  return resolveProdStage({ stageNames, annotation, tag: tags[PROD_STAGE_TAG]?.trim() || null, stored: null }).prodStage;
}
