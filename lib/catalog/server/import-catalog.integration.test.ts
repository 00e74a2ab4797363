import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importCatalog } from "@/lib/catalog/server/import-catalog";
import { closeDb, db } from "@/lib/db";
import { uniqueSlug } from "@/lib/testing/fixtures";

// Each run renames the fixture's entities so tests never collide.
const suffix = uniqueSlug("t").slice(2);
const rename = (text: string) =>
  text
    .replace(/fulfilment/g, `fulfilment-${suffix}`)
    .replace(/shipping-api/g, `shipping-api-${suffix}`)
    .replace(/returns-worker/g, `returns-worker-${suffix}`)
    .replace(/name: delivery/g, `name: delivery-${suffix}`)
    .replace(/system: delivery/g, `system: delivery-${suffix}`)
    .replace(/parent: commerce/, `parent: commerce-${suffix}`);
const valid = rename(readFileSync(path.join(import.meta.dirname, "../fixtures/catalog-info.yaml"), "utf8"));

beforeAll(async () => {
  await db.team.create({ data: { slug: `commerce-${suffix}`, name: "Commerce" } });
});
afterAll(async () => {
  await closeDb();
});

describe("importCatalog", () => {
  it("imports the group, the components with their mappings and their source, then changes nothing on a second import", async () => {
    const first = await importCatalog({ text: valid, source: "catalog/catalog-info.yaml", actor: { system: "test" } });
    expect(first).toEqual({
      teams: { created: 1, updated: 0, unchanged: 0 },
      services: { created: 2, updated: 0, unchanged: 0 },
      entities: { created: 1, updated: 0, unchanged: 0 },
      mappings: { created: 4, removed: 0 },
      pipelines: { remapped: 0 },
    });
    const service = await db.service.findUniqueOrThrow({
      where: { slug: `shipping-api-${suffix}` },
      select: { tier: true, system: true, catalogSource: true, pipelineProdStage: true, team: { select: { slug: true, parent: { select: { slug: true } } } }, resourceMappings: { orderBy: { arn: "asc" }, select: { arn: true, source: true, sourceDetail: true } } },
    });
    expect(service).toMatchObject({ tier: "TIER_1", pipelineProdStage: "Production", system: `delivery-${suffix}`, catalogSource: "catalog/catalog-info.yaml", team: { slug: `fulfilment-${suffix}`, parent: { slug: `commerce-${suffix}` } } });
    expect(service.resourceMappings).toHaveLength(3);
    expect(service.resourceMappings[0]).toEqual({
      arn: "arn:aws:cloudwatch:eu-west-1:111111111111:alarm:shipping-api-" + suffix + "-5xx",
      source: "CATALOG_FILE",
      sourceDetail: "catalog/catalog-info.yaml (aws.amazon.com/cloudwatch-alarm-arns)",
    });

    const audits = await db.auditEvent.count({ where: { action: "catalog.import", entityId: "catalog/catalog-info.yaml" } });
    const second = await importCatalog({ text: valid, source: "catalog/catalog-info.yaml", actor: { system: "test" } });
    expect(second).toEqual({
      teams: { created: 0, updated: 0, unchanged: 1 },
      services: { created: 0, updated: 0, unchanged: 2 },
      entities: { created: 0, updated: 0, unchanged: 1 },
      mappings: { created: 0, removed: 0 },
      pipelines: { remapped: 0 },
    });
    expect(await db.auditEvent.count({ where: { action: "catalog.import", entityId: "catalog/catalog-info.yaml" } })).toBe(audits);
  });

  it("follows the file: a removed annotation removes its mapping", async () => {
    const fewer = valid.replace(/ {4}aws\.amazon\.com\/cloudwatch-alarm-arns:.*\n/, "");
    const result = await importCatalog({ text: fewer, source: "catalog/catalog-info.yaml", actor: { system: "test" } });
    expect(result.mappings).toEqual({ created: 0, removed: 2 });
    expect(result.services).toEqual({ created: 0, updated: 0, unchanged: 2 });
  });

  it("applies nothing from a file with problems, and names their lines", async () => {
    // returns-worker, renamed, now owned by a group that exists nowhere.
    const withUnknownOwner = valid
      .replace(`  owner: fulfilment-${suffix}\n`, `  owner: nobody-${suffix}\n`)
      .replace(new RegExp(`returns-worker-${suffix}`, "g"), `returns-worker-renamed-${suffix}`);
    expect(withUnknownOwner).toContain(`owner: nobody-${suffix}`);
    await expect(importCatalog({ text: withUnknownOwner, source: "x.yaml", actor: { system: "test" } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      details: { problems: [{ line: 48, message: `Component "returns-worker-renamed-${suffix}": owner group "nobody-${suffix}" is neither in this file nor in the catalog` }] },
    });
    expect(await db.service.count({ where: { slug: `returns-worker-renamed-${suffix}` } })).toBe(0);
  });

  it("refuses a file of ~5,000 documents up front (one import takes at most 1,000), storing nothing", async () => {
    const team = `big-${suffix}`;
    const doc = (i: number) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${team}-${i}\nspec:\n  type: service\n  lifecycle: production\n  owner: ${team}\n`;
    const text = [`apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${team}\nspec:\n  type: team\n  children: []\n`, ...Array.from({ length: 5000 }, (_, i) => doc(i))].join("---\n");
    const audits = await db.auditEvent.count();
    await expect(importCatalog({ text, source: "big.yaml", actor: { system: "test" } })).rejects.toMatchObject({
      status: 413,
      message: "The file holds 5001 documents; one import takes at most 1000. Split it into several files.",
    });
    expect(await db.team.count({ where: { slug: team } })).toBe(0);
    expect(await db.auditEvent.count()).toBe(audits);
  });
});
