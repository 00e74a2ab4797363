/**
 * An alarm's service from the catalog: a stored alarm whose tags match a
 * component's aws.amazon.com/cloudwatch-alarm-tags selector is mapped to it
 * at import, without waiting for the next sync; a more specific selector wins.
 */
import { afterAll, describe, expect, it } from "vitest";
import { importCatalog } from "@/lib/catalog/server/import-catalog";
import { closeDb, db } from "@/lib/db";
import { uniqueSlug } from "@/lib/testing/fixtures";

afterAll(closeDb);

function catalog(team: string, components: { name: string; selector?: string; arn?: string }[]): string {
  return [
    "apiVersion: backstage.io/v1alpha1",
    "kind: Group",
    "metadata:",
    `  name: ${team}`,
    "spec:",
    "  type: team",
    "  children: []",
    ...components.flatMap((c) => [
      "---",
      "apiVersion: backstage.io/v1alpha1",
      "kind: Component",
      "metadata:",
      `  name: ${c.name}`,
      "  annotations:",
      ...(c.selector ? [`    aws.amazon.com/cloudwatch-alarm-tags: "${c.selector}"`] : []),
      ...(c.arn ? [`    aws.amazon.com/cloudwatch-alarm-arns: "${c.arn}"`] : []),
      "spec:",
      "  type: service",
      "  lifecycle: production",
      `  owner: ${team}`,
    ]),
  ].join("\n");
}

describe("catalog import and alarms", () => {
  it("maps stored alarms by the catalog's alarm tag selectors at once, the more specific selector first", async () => {
    const accountId = String(Math.floor(1e11 + Math.random() * 9e11));
    const account = await db.awsAccount.create({ data: { accountId, name: uniqueSlug("acct"), regions: ["eu-west-1"] } });
    const system = uniqueSlug("payments");
    const alarm = (name: string, tags: Record<string, string>) =>
      db.alarm.create({
        data: { awsAccountId: account.id, region: "eu-west-1", arn: `arn:aws:cloudwatch:eu-west-1:${accountId}:alarm:${name}`, name, state: "OK", stateUpdatedAt: new Date(), tags },
        select: { id: true },
      });
    const broad = await alarm(uniqueSlug("queue-depth"), { system });
    const narrow = await alarm(uniqueSlug("ledger-5xx"), { system, component: "ledger" });
    const other = await alarm(uniqueSlug("unrelated"), { system: "other" });

    const team = uniqueSlug("team");
    const [platform, ledger] = [uniqueSlug("platform"), uniqueSlug("ledger")];
    await importCatalog({
      text: catalog(team, [
        { name: platform, selector: `system=${system}` },
        { name: ledger, selector: `system=${system}, component=ledger` },
      ]),
      source: "test.yaml",
      actor: { system: "test" },
    });
    const services = new Map((await db.service.findMany({ where: { slug: { in: [platform, ledger] } }, select: { id: true, slug: true } })).map((s) => [s.slug, s.id]));
    const serviceOf = async (id: number) => (await db.alarm.findUniqueOrThrow({ where: { id }, select: { serviceId: true } })).serviceId;
    expect(await serviceOf(broad.id)).toBe(services.get(platform));
    expect(await serviceOf(narrow.id)).toBe(services.get(ledger));
    expect(await serviceOf(other.id)).toBeNull();
  });

  it("opens the incident of a firing SEV1 alarm the import maps to a service, from its transition time", async () => {
    const accountId = String(Math.floor(1e11 + Math.random() * 9e11));
    const account = await db.awsAccount.create({ data: { accountId, name: uniqueSlug("acct"), regions: ["eu-west-1"] } });
    const openedAt = new Date("2026-11-02T10:12:00Z");
    const firing = async (name: string, tags: Record<string, string>) => {
      const arn = `arn:aws:cloudwatch:eu-west-1:${accountId}:alarm:${name}`;
      const alarm = await db.alarm.create({
        data: { awsAccountId: account.id, region: "eu-west-1", arn, name, severity: "SEV1", state: "ALARM", stateUpdatedAt: openedAt, tags },
        select: { id: true },
      });
      await db.alarmTransition.create({ data: { alarmId: alarm.id, fromState: "OK", toState: "ALARM", reason: "Threshold Crossed", at: openedAt } });
      return arn;
    };
    const system = uniqueSlug("orders");
    const byArn = await firing(uniqueSlug("orders-5xx"), {});
    await firing(uniqueSlug("orders-queue"), { system });

    const team = uniqueSlug("team");
    const [api, worker] = [uniqueSlug("orders-api"), uniqueSlug("orders-worker")];
    await importCatalog({
      text: catalog(team, [
        { name: api, arn: byArn },
        { name: worker, selector: `system=${system}` },
      ]),
      source: "test.yaml",
      actor: { system: "test" },
    });
    const incidents = await db.incident.findMany({
      where: { service: { slug: { in: [api, worker] } } },
      select: { service: { select: { slug: true } }, severity: true, status: true, openedAt: true, source: true },
      orderBy: { service: { slug: "asc" } },
    });
    expect(incidents).toEqual(
      [api, worker].sort().map((slug) => ({ service: { slug }, severity: "SEV1", status: "OPEN", openedAt, source: "cloudwatch" })),
    );
  });
});
