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
