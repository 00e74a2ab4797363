/**
 * A pipeline's service and production stage from the catalog (tag selectors,
 * portside.dev/prod-stage) and from its own tags, through the sync and the
 * catalog import, against a real PostgreSQL; CodePipeline is answered by
 * aws-sdk-client-mock with SDK-typed responses.
 */
import { CodePipelineClient } from "@aws-sdk/client-codepipeline";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, describe, expect, it } from "vitest";
import { importCatalog } from "@/lib/catalog/server/import-catalog";
import { closeDb, db } from "@/lib/db";
import { actionExecution, at, executionSummary, REGION, serveFakeCodePipeline, type TFakePipeline, type TFakeWorld } from "@/lib/testing/aws/fake-codepipeline";
import { syncPipelines } from "@/lib/pipelines/server/sync-pipelines";
import { makeService, uniqueSlug } from "@/lib/testing/fixtures";

afterAll(closeDb);

const FAILED_IN_PRODUCTION = "22222222-0000-4000-8000-000000000002";

async function account(pipelines: TFakePipeline[]) {
  const accountId = String(Math.floor(1e11 + Math.random() * 9e11));
  await db.awsAccount.create({ data: { accountId, name: uniqueSlug("acct"), regions: [REGION] } });
  const client = new CodePipelineClient({ region: REGION });
  const world: TFakeWorld = { pipelines };
  serveFakeCodePipeline(mockClient(client), world);
  return {
    world,
    async sync() {
      const [outcome] = await syncPipelines({ accountId, createClient: () => client, definitionRefreshRounds: 0 });
      expect(outcome).toMatchObject({ status: "SUCCEEDED", error: null });
      return outcome!;
    },
  };
}

function pipeline(name: string, tags: Record<string, string>): TFakePipeline {
  return {
    name,
    version: 1,
    stages: ["Source", "Build", "Production"],
    tags,
    executions: [
      executionSummary("33333333-0000-4000-8000-000000000003", "Succeeded", 300),
      executionSummary(FAILED_IN_PRODUCTION, "Failed", 200, { statusSummary: "Deploy failed" }),
      executionSummary("11111111-0000-4000-8000-000000000001", "Succeeded", 100),
    ],
    actions: {
      [FAILED_IN_PRODUCTION]: [
        actionExecution(FAILED_IN_PRODUCTION, "Source", "Source", "Succeeded", 200),
        actionExecution(FAILED_IN_PRODUCTION, "Build", "Build", "Succeeded", 205),
        actionExecution(FAILED_IN_PRODUCTION, "Production", "Deploy", "Failed", 210, "Health checks failed"),
      ],
    },
  };
}

function catalog(team: string, component: string, annotations: Record<string, string>): string {
  const lines = Object.entries(annotations).map(([k, v]) => `    ${k}: "${v}"`);
  return [
    "apiVersion: backstage.io/v1alpha1",
    "kind: Group",
    "metadata:",
    `  name: ${team}`,
    "spec:",
    "  type: team",
    "  children: []",
    "---",
    "apiVersion: backstage.io/v1alpha1",
    "kind: Component",
    "metadata:",
    `  name: ${component}`,
    ...(lines.length ? ["  annotations:", ...lines] : []),
    "spec:",
    "  type: service",
    "  lifecycle: production",
    `  owner: ${team}`,
  ].join("\n");
}

async function stored(name: string) {
  const p = await db.pipeline.findFirstOrThrow({ where: { name }, select: { id: true, serviceId: true, prodStage: true, tags: true } });
  const deployments = await db.deployment.findMany({
    where: { pipelineExecution: { pipelineId: p.id } },
    select: { status: true, serviceId: true, pipelineExecution: { select: { executionId: true } } },
  });
  return { ...p, deployments: Object.fromEntries(deployments.map((d) => [d.pipelineExecution!.executionId.slice(0, 1), [d.status, d.serviceId]])) };
}

describe("pipeline mapping from the catalog", () => {
  it("maps a pipeline by a catalog tag selector, and the catalog's production stage decides its deployments", async () => {
    const team = uniqueSlug("team");
    const component = uniqueSlug("svc");
    const name = uniqueSlug("tagged");
    // Tag selectors span accounts and regions: the selector names a tag of this pipeline only.
    const a = await account([pipeline(name, { component, "portside:prod-stage": "Production" })]);
    const first = await importCatalog({ text: catalog(team, component, { "aws.amazon.com/aws-codepipeline-tags": `component=${component}` }), source: "test.yaml", actor: { system: "test" } });
    expect(first.pipelines.remapped).toBe(0);
    const serviceId = (await db.service.findUniqueOrThrow({ where: { slug: component }, select: { id: true } })).id;

    await a.sync();
    expect(await stored(name)).toMatchObject({
      serviceId,
      prodStage: "Production",
      tags: { component, "portside:prod-stage": "Production" },
      deployments: { "3": ["SUCCEEDED", serviceId], "2": ["FAILED", serviceId], "1": ["SUCCEEDED", serviceId] },
    });

    // The annotation wins over the pipeline's tag, takes effect at the import, and the deployments are decided again:
    // the execution that failed in Production had passed Build, the production stage now.
    const second = await importCatalog({
      text: catalog(team, component, { "aws.amazon.com/aws-codepipeline-tags": `component=${component}`, "portside.dev/prod-stage": "Build" }),
      source: "test.yaml",
      actor: { system: "test" },
    });
    expect(second).toMatchObject({ services: { updated: 1 }, pipelines: { remapped: 1 } });
    expect(await stored(name)).toMatchObject({ prodStage: "Build", deployments: { "3": ["SUCCEEDED", serviceId], "2": ["SUCCEEDED", serviceId], "1": ["SUCCEEDED", serviceId] } });

    // An incremental sync (no definition fetched) keeps what the stored tags and the annotation say.
    const incremental = await a.sync();
    expect(incremental.stored).toMatchObject({ deployments: { created: 0, deleted: 0 } });
    expect(await stored(name)).toMatchObject({ serviceId, prodStage: "Build" });

    // Importing the same file again changes nothing.
    expect(
      await importCatalog({
        text: catalog(team, component, { "aws.amazon.com/aws-codepipeline-tags": `component=${component}`, "portside.dev/prod-stage": "Build" }),
        source: "test.yaml",
        actor: { system: "test" },
      }),
    ).toMatchObject({ services: { updated: 0, unchanged: 1 }, pipelines: { remapped: 0 } });

    // Dropping the annotation gives the stage back to the tag.
    await importCatalog({ text: catalog(team, component, { "aws.amazon.com/aws-codepipeline-tags": `component=${component}` }), source: "test.yaml", actor: { system: "test" } });
    expect(await stored(name)).toMatchObject({ prodStage: "Production", deployments: { "2": ["FAILED", serviceId] } });
  });

  it("lets the pipeline's own portside:service tag win over a selector, and a selector the tags do not match maps nothing", async () => {
    const team = uniqueSlug("team");
    const component = uniqueSlug("svc");
    const tagged = await makeService();
    const matched = uniqueSlug("matched");
    const unmatched = uniqueSlug("unmatched");
    const a = await account([pipeline(matched, { component }), pipeline(unmatched, { component: `${component}-other` })]);
    await importCatalog({ text: catalog(team, component, { "aws.amazon.com/aws-codepipeline-tags": `component=${component}` }), source: "test.yaml", actor: { system: "test" } });
    const serviceId = (await db.service.findUniqueOrThrow({ where: { slug: component }, select: { id: true } })).id;

    await a.sync();
    expect(await stored(matched)).toMatchObject({ serviceId });
    expect(await stored(unmatched)).toMatchObject({ serviceId: null, deployments: {} });

    // A new version (so the definition and tags are read again) tagged for another service.
    const definition = a.world.pipelines.find((p) => p.name === matched)!;
    definition.version = 2;
    definition.tags = { component, "portside:service": tagged.slug };
    await a.sync();
    expect(await stored(matched)).toMatchObject({ serviceId: tagged.serviceId, deployments: { "3": ["SUCCEEDED", tagged.serviceId], "2": ["FAILED", tagged.serviceId] } });
  });
});

describe("incidents and deployments from CodePipeline", () => {
  it("gives an incident that began after a synced deployment to it, by the rule, once the sync has written it", async () => {
    const service = await makeService();
    const name = uniqueSlug("attributed");
    const a = await account([pipeline(name, { "portside:service": service.slug })]);
    // Execution 3 finished at minute 320 of the fake's clock; the incident began 80 minutes later.
    const incident = await db.incident.create({
      data: { serviceId: service.serviceId, title: "5xx after deploy", severity: "SEV2", openedAt: at(400), source: "test", externalId: uniqueSlug("inc") },
      select: { id: true },
    });
    await a.sync();
    const deployment = await db.deployment.findFirstOrThrow({
      where: { pipelineExecution: { executionId: "33333333-0000-4000-8000-000000000003", pipeline: { name } } },
      select: { id: true },
    });
    expect(await db.incident.findUniqueOrThrow({ where: { id: incident.id }, select: { deploymentId: true, attributionSource: true } })).toEqual({
      deploymentId: deployment.id,
      attributionSource: "RULE",
    });
    const timeline = await db.incidentEvent.findMany({ where: { incidentId: incident.id, kind: "attributed" }, select: { actor: true } });
    expect(timeline).toHaveLength(1);

    // A sync that writes nothing new changes nothing.
    await a.sync();
    expect(await db.incidentEvent.count({ where: { incidentId: incident.id, kind: "attributed" } })).toBe(1);
  });
});
