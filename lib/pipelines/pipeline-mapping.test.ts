import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matchesTagSelector, parseTagSelector, pipelineProdStage, resolvePipelineService, type TPipelineMapping } from "@/lib/pipelines/pipeline-mapping";

const ARN = "arn:aws:codepipeline:eu-west-1:111111111111:ledger-pipeline";

describe("tag selectors", () => {
  it("reads the selector the catalog stores, trimming around keys and values", () => {
    expect(parseTagSelector("tags:component=ledger, team=payments")).toEqual([
      ["component", "ledger"],
      ["team", "payments"],
    ]);
    expect(parseTagSelector("tags:empty=")).toEqual([["empty", ""]]);
    expect(parseTagSelector(ARN)).toBeNull();
    expect(parseTagSelector("tags:=x")).toBeNull();
    expect(parseTagSelector("tags:novalue")).toBeNull();
  });

  it("matches only when every pair is a tag of the pipeline, case-sensitively", () => {
    const tags = { component: "ledger", team: "payments", env: "prod" };
    expect(matchesTagSelector(tags, [["component", "ledger"], ["team", "payments"]])).toBe(true);
    expect(matchesTagSelector(tags, [["component", "ledger"], ["team", "search"]])).toBe(false);
    expect(matchesTagSelector(tags, [["Component", "ledger"]])).toBe(false);
    expect(matchesTagSelector(tags, [["missing", ""]])).toBe(false);
    expect(matchesTagSelector({ toString: "x" }, [["constructor", ""]])).toBe(false);
  });
});

describe("resolvePipelineService", () => {
  const tags = { component: "ledger", team: "payments" };
  const m = (id: number, arn: string, source: string, serviceId: number): TPipelineMapping => ({ id, arn, source, serviceId });

  it("prefers the pipeline's own tag, then a person, then the catalog's ARN, then a catalog tag selector", () => {
    const all = [m(1, "tags:component=ledger", "CATALOG_FILE", 40), m(2, ARN, "CATALOG_FILE", 30), m(3, ARN, "MANUAL", 20), m(4, ARN, "AWS_TAG", 10)];
    expect(resolvePipelineService({ arn: ARN, tags }, all)).toEqual({ serviceId: 10, via: "tag", mappingId: 4 });
    expect(resolvePipelineService({ arn: ARN, tags }, all.slice(0, 3))).toEqual({ serviceId: 20, via: "manual", mappingId: 3 });
    expect(resolvePipelineService({ arn: ARN, tags }, all.slice(0, 2))).toEqual({ serviceId: 30, via: "catalog-arn", mappingId: 2 });
    expect(resolvePipelineService({ arn: ARN, tags }, all.slice(0, 1))).toEqual({ serviceId: 40, via: "catalog-tags", mappingId: 1 });
  });

  it("gives the more specific selector the pipeline, and is null when nothing maps it", () => {
    const selectors = [m(1, "tags:team=payments", "CATALOG_FILE", 1), m(2, "tags:team=payments, component=ledger", "CATALOG_FILE", 2), m(3, "tags:team=search", "CATALOG_FILE", 3)];
    expect(resolvePipelineService({ arn: ARN, tags }, selectors)?.serviceId).toBe(2);
    expect(resolvePipelineService({ arn: ARN, tags: { team: "search" } }, selectors)?.serviceId).toBe(3);
    expect(resolvePipelineService({ arn: ARN, tags: {} }, selectors)).toBeNull();
    expect(resolvePipelineService({ arn: ARN, tags }, [m(9, "arn:aws:codepipeline:eu-west-1:111111111111:other", "AWS_TAG", 9)])).toBeNull();
  });

  it("does not depend on the order of the mappings", () => {
    const mapping = fc.record({
      id: fc.integer({ min: 1, max: 1000 }),
      arn: fc.constantFrom(ARN, "tags:team=payments", "tags:component=ledger, team=payments", "tags:team=search", "arn:aws:codepipeline:eu-west-1:1:x"),
      source: fc.constantFrom("AWS_TAG", "MANUAL", "CATALOG_FILE"),
      serviceId: fc.integer({ min: 1, max: 50 }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(mapping, { selector: (x) => x.id, maxLength: 12 }), (mappings) => {
        const forward = resolvePipelineService({ arn: ARN, tags }, mappings);
        const backward = resolvePipelineService({ arn: ARN, tags }, [...mappings].reverse());
        expect(backward).toEqual(forward);
      }),
      { numRuns: 100 },
    );
  }, 30_000);
});

describe("pipelineProdStage", () => {
  const stageNames = ["Source", "Staging", "Production", "Smoke"];

  it("takes the catalog annotation, then the portside:prod-stage tag, then the last stage", () => {
    expect(pipelineProdStage({ stageNames, tags: { "portside:prod-stage": "Staging" }, annotation: "Production" })).toBe("Production");
    expect(pipelineProdStage({ stageNames, tags: { "portside:prod-stage": " Staging " }, annotation: null })).toBe("Staging");
    expect(pipelineProdStage({ stageNames, tags: {}, annotation: null })).toBe("Smoke");
  });

  it("ignores a name that is not one of the stages", () => {
    expect(pipelineProdStage({ stageNames, tags: { "portside:prod-stage": "Live" }, annotation: "Prod" })).toBe("Smoke");
    expect(pipelineProdStage({ stageNames: [], tags: {}, annotation: "Production" })).toBeNull();
  });
});
