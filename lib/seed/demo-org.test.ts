import { describe, expect, it } from "vitest";
import { DEFAULT_SEED_OPTIONS, buildCatalog, deploymentTargets, serviceHistory, type TIdCounters, type TSeedOptions } from "@/lib/seed/demo-org";
import { buildOperations } from "@/lib/seed/operations";

const options: TSeedOptions = { ...DEFAULT_SEED_OPTIONS, now: new Date("2026-11-26T12:00:00Z") };

function fullHistory(opts: TSeedOptions) {
  const catalog = buildCatalog(opts);
  const targets = deploymentTargets(catalog, opts);
  const ids: TIdCounters = { deployment: 0, change: 0, incident: 0, execution: 0 };
  const histories = catalog.services.map((s) => serviceHistory(s, targets[s.id - 1]!, opts, ids));
  return { catalog, histories };
}

// Each test builds the whole demo history (4,500 deployments, 13,000 commits): about a second on an idle
// machine, up to 8 s for the one that builds it twice on a loaded 2-core one, past vitest's 5 s default.
describe("demo organisation", { timeout: 60_000 }, () => {
  it("is the same on every run", () => {
    const a = fullHistory(options);
    const b = fullHistory(options);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it("has the shape the product promises: 8 teams in 2 groups, 40 services, 2 accounts × 2 regions", () => {
    const { catalog } = fullHistory(options);
    expect(catalog.teams.filter((t) => t.parentId === null)).toHaveLength(2);
    expect(catalog.teams.filter((t) => t.parentId !== null)).toHaveLength(8);
    expect(catalog.services).toHaveLength(40);
    expect(new Set(catalog.services.map((s) => `${s.accountId}/${s.region}`)).size).toBe(4);
    expect(new Set(catalog.services.map((s) => s.slug)).size).toBe(40);
  });

  it("scales to an exact number of deployments", () => {
    const opts = { ...options, deployments: 12_345, teams: 20, services: 100 };
    const { histories, catalog } = fullHistory(opts);
    expect(catalog.services).toHaveLength(100);
    expect(histories.reduce((n, h) => n + h.deployments.length, 0)).toBe(12_345);
  });

  it("keeps its history coherent: commits before deployments, incidents after the deployment they are attributed to", () => {
    const { histories } = fullHistory(options);
    const deployments = new Map(histories.flatMap((h) => h.deployments).map((d) => [d.id, d]));
    for (const h of histories) {
      for (const c of h.changes) {
        const d = deployments.get(c.deploymentId)!;
        if (c.committedAt) expect(c.committedAt.getTime()).toBeLessThan(d.startedAt.getTime());
      }
      for (const i of h.incidents) {
        expect(i.openedAt.getTime()).toBeLessThanOrEqual(options.now.getTime());
        if (i.resolvedAt) expect(i.resolvedAt.getTime()).toBeGreaterThan(i.openedAt.getTime());
        if (i.deploymentId !== null) {
          expect(i.causedByChange).toBe(true);
          expect(deployments.get(i.deploymentId)!.finishedAt.getTime()).toBeLessThan(i.openedAt.getTime());
        }
      }
      for (const d of h.deployments) expect(d.finishedAt.getTime()).toBeLessThan(options.now.getTime());
    }
    const all = histories.flatMap((h) => h.deployments);
    const changes = histories.flatMap((h) => h.changes);
    // Realism the DORA work relies on: some failures, some fixes, some unknown commit times.
    expect(all.some((d) => d.status === "FAILED")).toBe(true);
    expect(all.some((d) => d.status === "ROLLED_BACK")).toBe(true);
    expect(all.some((d) => !d.isPlanned && d.fixesIncidentRef)).toBe(true);
    const unknown = changes.filter((c) => c.committedAt === null).length / changes.length;
    expect(unknown).toBeGreaterThan(0.03);
    expect(unknown).toBeLessThan(0.15);
  });

  it("separates elite from low performers", () => {
    const { catalog, histories } = fullHistory(options);
    const perTeam = (profile: string) => {
      const ids = new Set(catalog.services.filter((s) => s.profile === profile).map((s) => s.id));
      return histories.filter((h) => h.deployments[0] && ids.has(h.deployments[0].serviceId)).reduce((n, h) => n + h.deployments.length, 0) / ids.size;
    };
    expect(perTeam("elite")).toBeGreaterThan(perTeam("low") * 5);
  });

  it("puts alarms in ALARM for incidents still open", () => {
    const { catalog, histories } = fullHistory(options);
    const incidents = histories.flatMap((h) => h.incidents);
    const ops = buildOperations(catalog, options, incidents);
    const openServices = new Set(incidents.filter((i) => !i.resolvedAt && i.openedAt.getTime() > options.now.getTime() - 30 * 86_400_000).map((i) => i.serviceId));
    for (const serviceId of openServices) {
      expect(ops.alarms.some((a) => a.serviceId === serviceId && a.state === "ALARM")).toBe(true);
    }
    expect(ops.edges.every((e) => e.sourceId !== e.targetId)).toBe(true);
    // A day of 5-minute buckets for every node but the client (X-Ray gives clients no statistics), six days of hours before it.
    expect(ops.nodeBuckets.filter((b) => b.bucketSeconds === 300).length).toBe((ops.nodes.length - 1) * 288);
    expect(ops.nodeBuckets.filter((b) => b.bucketSeconds === 3600).length).toBe((ops.nodes.length - 1) * 6 * 24);
  });
});
