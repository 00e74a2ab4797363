import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseCatalogInfo, refName, type TComponentEntity } from "@/lib/catalog/catalog-info";

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, "fixtures", name), "utf8");

describe("catalog-info.yaml", () => {
  it("reads a Group, a System and two Components with their AWS annotations", () => {
    const { entities, problems } = parseCatalogInfo(fixture("catalog-info.yaml"));
    expect(problems).toEqual([]);
    expect(entities.map((e) => `${e.kind}:${e.name}`)).toEqual(["Group:fulfilment", "System:delivery", "Component:shipping-api", "Component:returns-worker"]);
    const shipping = entities.find((e) => e.name === "shipping-api") as TComponentEntity;
    expect(shipping).toMatchObject({
      owner: "fulfilment",
      system: "delivery",
      tier: "TIER_1",
      lifecycle: "production",
      repositoryUrl: "https://github.com/example-shop/shipping-api",
      xrayName: "shipping-api-prod",
      pipelineProdStage: "Production",
      dependsOn: ["component:returns-worker"],
      links: [{ title: "Runbook", url: "https://wiki.example.com/runbooks/shipping-api" }],
    });
    expect(shipping.mappings.map((m) => `${m.resourceType} ${m.arn}`)).toEqual([
      "AWS::CodePipeline::Pipeline arn:aws:codepipeline:eu-west-1:111111111111:shipping-api-pipeline",
      "AWS::CloudWatch::Alarm arn:aws:cloudwatch:eu-west-1:111111111111:alarm:shipping-api-5xx",
      "AWS::CloudWatch::Alarm arn:aws:cloudwatch:eu-west-1:111111111111:alarm:shipping-api-latency",
    ]);
    const returns = entities.find((e) => e.name === "returns-worker") as TComponentEntity;
    expect(returns.pipelineProdStage).toBeNull();
    expect(returns.mappings).toEqual([
      { resourceType: "AWS::CodePipeline::Pipeline (tag selector)", arn: "tags:component=returns-worker, team=fulfilment", annotation: "aws.amazon.com/aws-codepipeline-tags" },
    ]);
  });

  it("reports every problem with its line", () => {
    const { problems } = parseCatalogInfo(fixture("catalog-info-invalid.yaml"));
    expect(problems).toEqual([
      { line: 6, message: expect.stringMatching(/^aws\.amazon\.com\/aws-codepipeline-arn: "arn:aws:s3:::not-a-pipeline" is not a CodePipeline ARN/) },
      { line: 7, message: "portside.dev/tier: must be 1, 2, 3 or 4" },
      { line: 8, message: 'portside.dev/prod-stage: "Prod stage!" is not a CodePipeline stage name (letters, digits and . @ - _, at most 100)' },
      { line: 10, message: "spec.lifecycle: is required" },
      { line: 14, message: "kind: must be one of Group, Component, System, API, Resource" },
    ]);
  });

  it("reports YAML syntax errors, duplicates and bad names with their lines", () => {
    expect(parseCatalogInfo("kind: [unclosed\n").problems[0]).toMatchObject({ line: 1, message: expect.stringMatching(/^YAML:/) });
    const twice = ["apiVersion: backstage.io/v1alpha1", "kind: Group", "metadata:", "  name: a", "spec:", "  type: team", "  children: []"].join("\n");
    expect(parseCatalogInfo(`${twice}\n---\n${twice}\n`).problems).toEqual([{ line: 12, message: 'Group "a" is defined twice (first on line 4)' }]);
    const badName = twice.replace("name: a", "name: not ok!");
    expect(parseCatalogInfo(badName).problems).toEqual([{ line: 4, message: expect.stringMatching(/^metadata\.name: must be letters and digits/) }]);
  });

  it("refuses user owners and reads entity references in all their forms", () => {
    expect(refName("group:default/payments", "group")).toBe("payments");
    expect(refName("group:payments", "group")).toBe("payments");
    expect(refName("payments", "group")).toBe("payments");
    expect(refName("user:default/ada", "group")).toBeNull();
    const userOwned = ["apiVersion: backstage.io/v1alpha1", "kind: System", "metadata:", "  name: s", "spec:", "  owner: user:ada"].join("\n");
    expect(parseCatalogInfo(userOwned).problems).toEqual([{ line: 6, message: "spec.owner: must refer to a Group (user owners are not supported)" }]);
  });
});

describe("catalog-info.yaml that attacks the parser or the pages", () => {
  const component = (metadata: string, annotations = "") =>
    `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web\n${metadata}${annotations ? `  annotations:\n${annotations}` : ""}spec:\n  type: service\n  lifecycle: production\n  owner: team\n`;

  it("refuses links that are not http(s) or mailto, which the service page would render", () => {
    const text = component(`  links:\n    - url: "javascript:alert(document.cookie)"\n      title: Runbook\n    - url: "data:text/html,<script>alert(1)</script>"\n    - url: mailto:oncall@example.com\n`);
    expect(parseCatalogInfo(text).problems).toEqual([
      { line: 6, message: "metadata.links.0.url: must be an http://, https:// or mailto: URL" },
      { line: 8, message: "metadata.links.1.url: must be an http://, https:// or mailto: URL" },
    ]);
  });

  it("refuses a source location that is not an http(s) URL, and keeps one that is", () => {
    const bad = parseCatalogInfo(component("", `    backstage.io/source-location: "url:javascript:alert(1)"\n`));
    expect(bad.problems).toEqual([{ line: 6, message: 'backstage.io/source-location: "javascript:alert(1)" is not an http(s) URL (url:https://…)' }]);
    const good = parseCatalogInfo(component("", `    backstage.io/source-location: "url:https://git.example.com/web/tree/main/"\n`));
    expect((good.entities[0] as TComponentEntity).repositoryUrl).toBe("https://git.example.com/web/tree/main/");
  });

  it("refuses NUL characters and lone surrogates, naming the field and its line", () => {
    expect(parseCatalogInfo(component(`  description: "before\\0after"\n`)).problems).toEqual([{ line: 5, message: "metadata.description: must not contain a NUL character (\\u0000)" }]);
    expect(parseCatalogInfo(component(`  title: "half \\uD800 a pair"\n`)).problems).toEqual([{ line: 5, message: "metadata.title: must not contain an unpaired surrogate (not valid Unicode)" }]);
  });

  it("refuses an alias bomb (billion laughs) with a clear message", () => {
    const levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    for (let i = 1; i < 9; i++) levels.push(`${"abcdefghi"[i]}: &${"abcdefghi"[i]} [${Array(9).fill(`*${"abcdefghi"[i - 1]}`).join(", ")}]`);
    expect(parseCatalogInfo(levels.join("\n")).problems).toEqual([{ line: 1, message: "YAML: the document expands aliases (*name) too many times (at most 100); write the values out" }]);
  });

  it("refuses very deep nesting with a clear message, not the parser's stack overflow", () => {
    const message = "YAML: the document nests too deeply (at most 32 levels)";
    expect(parseCatalogInfo(`a: ${"[".repeat(50_000)}${"]".repeat(50_000)}`).problems).toEqual([{ line: 1, message }]);
    expect(parseCatalogInfo(`a: ${"[".repeat(40)}${"]".repeat(40)}`).problems).toEqual([{ line: 1, message }]);
    const indented = Array.from({ length: 3000 }, (_, i) => `${" ".repeat(i)}k:`).join("\n");
    expect(parseCatalogInfo(`${indented} 1`).problems).toEqual([{ line: 1, message }]);
  });

  it("refuses a file of more than 1,000 documents with a 413 that names the limit", () => {
    const text = Array.from({ length: 1001 }, () => "kind: Group\n").join("---\n");
    expect(() => parseCatalogInfo(text)).toThrow(expect.objectContaining({ status: 413, message: "The file holds 1001 documents; one import takes at most 1000. Split it into several files." }));
  });
});
