/**
 * Reads Backstage `catalog-info.yaml` files: the kinds Group, Component,
 * System, API and Resource, with their AWS annotations. Pure: it returns the
 * entities and every problem with its line, and the importer applies nothing
 * when there is any problem.
 */
import { LineCounter, parseAllDocuments, type Document } from "yaml";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { checkStorableStrings, ZHttpUrl, ZLinkUrl, ZText } from "@/lib/schemas";

export const ANNOTATIONS = {
  codepipelineArn: "aws.amazon.com/aws-codepipeline-arn",
  codepipelineTags: "aws.amazon.com/aws-codepipeline-tags",
  alarmArns: "aws.amazon.com/cloudwatch-alarm-arns",
  alarmTags: "aws.amazon.com/cloudwatch-alarm-tags",
  xrayServiceName: "aws.amazon.com/xray-service-name",
  tier: "portside.dev/tier",
  prodStage: "portside.dev/prod-stage",
  githubSlug: "github.com/project-slug",
  sourceLocation: "backstage.io/source-location",
} as const;

const ZName = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[A-Za-z0-9]+([-_.][A-Za-z0-9]+)*$/, "must be letters and digits separated by - _ or . (at most 63)");
const ZRef = z.string().min(1).max(253);

/**
 * One import is one transaction: 1,000 documents take a few seconds; ~5,000
 * outlasted the transaction. A bigger catalog is imported in several files
 * (docs/data-in.md, "The catalog file").
 */
export const MAX_CATALOG_DOCUMENTS = 1000;
/** Real catalog files nest a few levels; a deeper one is an attack on the parser (or on jsonb). */
export const MAX_CATALOG_DEPTH = 32;
/** Aliases (*name) one document may use: enough for shared anchors, not for a "billion laughs". */
export const MAX_CATALOG_ALIASES = 100;

const ZMetadata = z.object({
  name: ZName,
  namespace: ZName.optional(),
  title: ZText.max(200).optional(),
  description: ZText.max(2000).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  tags: z.array(z.string()).optional(),
  // Rendered as links on the service page: never javascript: or data:.
  links: z.array(z.object({ url: ZLinkUrl, title: ZText.max(200).optional() }).passthrough()).optional(),
}).passthrough();

const ZEnvelope = z.object({
  apiVersion: z.enum(["backstage.io/v1alpha1", "backstage.io/v1beta1"], { message: "must be backstage.io/v1alpha1" }),
  kind: z.enum(["Group", "Component", "System", "API", "Resource"], { message: "must be one of Group, Component, System, API, Resource" }),
  metadata: ZMetadata,
});

const SPECS = {
  Group: z.object({
    type: z.string().min(1),
    profile: z.object({ displayName: z.string().optional(), email: z.string().optional() }).passthrough().optional(),
    parent: ZRef.optional(),
    children: z.array(ZRef),
    members: z.array(ZRef).optional(),
  }).passthrough(),
  Component: z.object({
    type: z.string().min(1),
    lifecycle: z.string().min(1),
    owner: ZRef,
    system: ZRef.optional(),
    dependsOn: z.array(ZRef).optional(),
    providesApis: z.array(ZRef).optional(),
    consumesApis: z.array(ZRef).optional(),
  }).passthrough(),
  System: z.object({ owner: ZRef, domain: ZRef.optional() }).passthrough(),
  API: z.object({ type: z.string().min(1), lifecycle: z.string().min(1), owner: ZRef, definition: z.string().min(1), system: ZRef.optional() }).passthrough(),
  Resource: z.object({ type: z.string().min(1), owner: ZRef, system: ZRef.optional(), dependsOn: z.array(ZRef).optional() }).passthrough(),
} as const;

export type TKind = keyof typeof SPECS;

export interface TCatalogProblem {
  line: number;
  message: string;
}

export interface TMapping {
  resourceType: string;
  arn: string;
  annotation: string;
}

export interface TGroupEntity { kind: "Group"; line: number; name: string; title: string; description: string | null; parent: string | null }
export interface TComponentEntity {
  kind: "Component";
  line: number;
  name: string;
  title: string;
  description: string | null;
  owner: string;
  lifecycle: string;
  system: string | null;
  dependsOn: string[];
  tier: "TIER_1" | "TIER_2" | "TIER_3" | "TIER_4";
  repositoryUrl: string | null;
  links: { title: string; url: string }[];
  xrayName: string | null;
  /** portside.dev/prod-stage: the stage of its pipelines that deploys to production. */
  pipelineProdStage: string | null;
  mappings: TMapping[];
}
export interface TOtherEntity { kind: "System" | "API" | "Resource"; line: number; name: string; namespace: string; title: string | null; description: string | null; owner: string; spec: Record<string, unknown> }
export type TCatalogEntity = TGroupEntity | TComponentEntity | TOtherEntity;

/** "group:default/payments", "group:payments" or "payments" → "payments" when the kind fits. */
export function refName(ref: string, expectedKind: string): string | null {
  const match = /^(?:([A-Za-z]+):)?(?:([^/]+)\/)?(.+)$/.exec(ref.trim());
  if (!match) return null;
  const [, kind, , name] = match;
  if (kind && kind.toLowerCase() !== expectedKind.toLowerCase()) return null;
  return name ?? null;
}

const ARN = {
  pipeline: /^arn:aws[a-z-]*:codepipeline:[a-z0-9-]+:\d{12}:[A-Za-z0-9._-]+$/,
  alarm: /^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:.+$/,
};
// CodePipeline's StageDeclaration.name pattern.
const STAGE_NAME = /^[A-Za-z0-9.@_-]{1,100}$/;
const TAG_SELECTOR = /^[^=,\s]+=[^=,]*(,\s*[^=,\s]+=[^=,]*)*$/;
// GitHub's owner/repository names.
const GITHUB_SLUG = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const ZStorable = z.unknown().superRefine(checkStorableStrings);
const TOO_DEEP = `the document nests too deeply (at most ${MAX_CATALOG_DEPTH} levels)`;

/** How deeply a parsed document nests (iterative: the value may be deeper than the stack). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_CATALOG_DEPTH) break;
    if (current !== null && typeof current === "object") for (const item of Object.values(current)) stack.push([item, depth + 1]);
  }
  return deepest;
}

function lineOf(doc: Document, counter: LineCounter, path: (string | number)[]): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === "object" && node.range) return counter.linePos(node.range[0]).line;
    // A missing key: point at the map that should hold it.
  }
  return doc.contents?.range ? counter.linePos(doc.contents.range[0]).line : 1;
}

function componentAnnotations(
  annotations: Record<string, string>,
  annotationLine: (name: string) => number,
  problems: TCatalogProblem[],
): { mappings: TMapping[]; tier: TComponentEntity["tier"]; pipelineProdStage: string | null; repositoryUrl: string | null } {
  const mappings: TMapping[] = [];
  const pipelineArn = annotations[ANNOTATIONS.codepipelineArn];
  if (pipelineArn !== undefined) {
    for (const arn of pipelineArn.split(",").map((a) => a.trim()).filter(Boolean)) {
      if (ARN.pipeline.test(arn)) mappings.push({ resourceType: "AWS::CodePipeline::Pipeline", arn, annotation: ANNOTATIONS.codepipelineArn });
      else problems.push({ line: annotationLine(ANNOTATIONS.codepipelineArn), message: `${ANNOTATIONS.codepipelineArn}: "${arn}" is not a CodePipeline ARN (arn:aws:codepipeline:<region>:<account>:<name>)` });
    }
  }
  const alarmArns = annotations[ANNOTATIONS.alarmArns];
  if (alarmArns !== undefined) {
    for (const arn of alarmArns.split(",").map((a) => a.trim()).filter(Boolean)) {
      if (ARN.alarm.test(arn)) mappings.push({ resourceType: "AWS::CloudWatch::Alarm", arn, annotation: ANNOTATIONS.alarmArns });
      else problems.push({ line: annotationLine(ANNOTATIONS.alarmArns), message: `${ANNOTATIONS.alarmArns}: "${arn}" is not a CloudWatch alarm ARN (arn:aws:cloudwatch:<region>:<account>:alarm:<name>)` });
    }
  }
  for (const [annotation, type] of [[ANNOTATIONS.codepipelineTags, "AWS::CodePipeline::Pipeline"], [ANNOTATIONS.alarmTags, "AWS::CloudWatch::Alarm"]] as const) {
    const selector = annotations[annotation];
    if (selector === undefined) continue;
    if (TAG_SELECTOR.test(selector.trim())) mappings.push({ resourceType: `${type} (tag selector)`, arn: `tags:${selector.trim()}`, annotation });
    else problems.push({ line: annotationLine(annotation), message: `${annotation}: "${selector}" is not a tag selector (key=value, key2=value2)` });
  }
  let tier: TComponentEntity["tier"] = "TIER_3";
  const tierText = annotations[ANNOTATIONS.tier];
  if (tierText !== undefined) {
    if (/^[1-4]$/.test(tierText.trim())) tier = `TIER_${tierText.trim()}` as TComponentEntity["tier"];
    else problems.push({ line: annotationLine(ANNOTATIONS.tier), message: `${ANNOTATIONS.tier}: must be 1, 2, 3 or 4` });
  }
  let pipelineProdStage: string | null = null;
  const prodStageText = annotations[ANNOTATIONS.prodStage];
  if (prodStageText !== undefined) {
    if (STAGE_NAME.test(prodStageText.trim())) pipelineProdStage = prodStageText.trim();
    else problems.push({ line: annotationLine(ANNOTATIONS.prodStage), message: `${ANNOTATIONS.prodStage}: "${prodStageText}" is not a CodePipeline stage name (letters, digits and . @ - _, at most 100)` });
  }
  // Shown as a link on the service page: http(s) only.
  let repositoryUrl: string | null = null;
  const slug = annotations[ANNOTATIONS.githubSlug]?.trim();
  const location = annotations[ANNOTATIONS.sourceLocation]?.trim().replace(/^url:/, "");
  if (slug) {
    if (GITHUB_SLUG.test(slug)) repositoryUrl = `https://github.com/${slug}`;
    else problems.push({ line: annotationLine(ANNOTATIONS.githubSlug), message: `${ANNOTATIONS.githubSlug}: "${slug}" is not a GitHub owner/repository` });
  } else if (location !== undefined) {
    if (ZHttpUrl.safeParse(location).success) repositoryUrl = location;
    else problems.push({ line: annotationLine(ANNOTATIONS.sourceLocation), message: `${ANNOTATIONS.sourceLocation}: "${location}" is not an http(s) URL (url:https://…)` });
  }
  return { mappings, tier, pipelineProdStage, repositoryUrl };
}

export function parseCatalogInfo(text: string): { entities: TCatalogEntity[]; problems: TCatalogProblem[] } {
  const counter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const problems: TCatalogProblem[] = [];
  const entities: TCatalogEntity[] = [];
  const seen = new Map<string, number>();

  if (!Array.isArray(docs)) {
    return { entities, problems: [{ line: 1, message: "the file is empty" }] };
  }
  if (docs.length > MAX_CATALOG_DOCUMENTS) {
    throw new AppError("PAYLOAD_TOO_LARGE", `The file holds ${docs.length} documents; one import takes at most ${MAX_CATALOG_DOCUMENTS}. Split it into several files.`, {
      details: { documents: docs.length, limit: MAX_CATALOG_DOCUMENTS },
    });
  }
  for (const doc of docs) {
    let isTooDeep = false;
    for (const error of doc.errors) {
      // The parser itself recurses: a deep enough file overflows its stack (once per level it unwinds: said once).
      if (error.message.includes("Maximum call stack size exceeded")) {
        if (!isTooDeep) problems.push({ line: error.linePos?.[0].line ?? 1, message: `YAML: ${TOO_DEEP}` });
        isTooDeep = true;
      } else problems.push({ line: error.linePos?.[0].line ?? 1, message: `YAML: ${error.message.split("\n")[0]}` });
    }
    if (doc.errors.length > 0 || doc.contents === null) continue;
    const at = (path: (string | number)[]) => lineOf(doc, counter, path);
    let raw: unknown;
    try {
      raw = doc.toJS({ maxAliasCount: MAX_CATALOG_ALIASES }) as unknown;
    } catch (error) {
      // yaml refuses an alias expansion past the count with a ReferenceError; a deep value overflows the stack.
      if (!(error instanceof ReferenceError || error instanceof RangeError)) throw error;
      const message = error instanceof RangeError ? TOO_DEEP : `the document expands aliases (*name) too many times (at most ${MAX_CATALOG_ALIASES}); write the values out`;
      problems.push({ line: at([]), message: `YAML: ${message}` });
      continue;
    }
    if (depthOf(raw) > MAX_CATALOG_DEPTH) {
      problems.push({ line: at([]), message: `YAML: ${TOO_DEEP}` });
      continue;
    }
    const storable = ZStorable.safeParse(raw);
    if (!storable.success) {
      for (const issue of storable.error.issues) problems.push({ line: at(issue.path as (string | number)[]), message: `${issue.path.join(".") || "document"}: ${issue.message}` });
      continue;
    }
    const envelope = ZEnvelope.safeParse(raw);
    if (!envelope.success) {
      for (const issue of envelope.error.issues) problems.push({ line: at(issue.path as (string | number)[]), message: `${issue.path.join(".") || "document"}: ${issue.message}` });
      continue;
    }
    const { kind, metadata } = envelope.data;
    const annotations = metadata.annotations ?? {};
    // Annotation problems are reported even when the spec has problems too.
    const componentExtras =
      kind === "Component" ? componentAnnotations(annotations, (name) => at(["metadata", "annotations", name]), problems) : null;
    const spec = SPECS[kind].safeParse((raw as { spec?: unknown }).spec);
    if (!spec.success) {
      for (const issue of spec.error.issues) {
        const path = ["spec", ...(issue.path as (string | number)[])];
        const missing = issue.code === "invalid_type" && (issue as { input?: unknown }).input === undefined;
        problems.push({ line: at(path), message: `${path.join(".")}: ${missing ? "is required" : issue.message}` });
      }
      continue;
    }
    const key = `${kind}:${metadata.name}`;
    const line = at(["metadata", "name"]);
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({ line, message: `${kind} "${metadata.name}" is defined twice (first on line ${first})` });
      continue;
    }
    seen.set(key, line);
    const data = spec.data as Record<string, unknown>;

    if (kind === "Group") {
      const parent = data.parent ? refName(String(data.parent), "group") : null;
      if (data.parent && !parent) problems.push({ line: at(["spec", "parent"]), message: "spec.parent: must refer to a Group" });
      const profile = data.profile as { displayName?: string } | undefined;
      entities.push({ kind, line, name: metadata.name, title: profile?.displayName ?? metadata.title ?? metadata.name, description: metadata.description ?? null, parent });
      continue;
    }
    const owner = refName(String(data.owner), "group");
    if (!owner) {
      problems.push({ line: at(["spec", "owner"]), message: "spec.owner: must refer to a Group (user owners are not supported)" });
      continue;
    }
    if (kind !== "Component") {
      entities.push({ kind, line, name: metadata.name, namespace: metadata.namespace ?? "default", title: metadata.title ?? null, description: metadata.description ?? null, owner, spec: data });
      continue;
    }

    entities.push({
      kind,
      line,
      name: metadata.name,
      title: metadata.title ?? metadata.name,
      description: metadata.description ?? null,
      owner,
      lifecycle: String(data.lifecycle),
      system: data.system ? refName(String(data.system), "system") : null,
      dependsOn: ((data.dependsOn as string[] | undefined) ?? []).map((d) => d.trim()),
      tier: componentExtras!.tier,
      repositoryUrl: componentExtras!.repositoryUrl,
      links: (metadata.links ?? []).map((l) => ({ title: l.title ?? l.url, url: l.url })),
      xrayName: annotations[ANNOTATIONS.xrayServiceName] ?? null,
      pipelineProdStage: componentExtras!.pipelineProdStage,
      mappings: componentExtras!.mappings,
    });
  }
  if (docs.length === 0) problems.push({ line: 1, message: "the file holds no entities" });
  problems.sort((a, b) => a.line - b.line);
  return { entities, problems };
}
