import "server-only";
import { auditData, type TActor, type TAuditOrigin } from "@/lib/audit/server/audit";
import { db, type Prisma } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { remapPipelines } from "@/lib/pipelines/server/remap-pipelines";
import { remapAlarms } from "@/lib/alarms/server/remap-alarms";
import {
  parseCatalogInfo,
  type TCatalogProblem,
  type TComponentEntity,
  type TGroupEntity,
  type TOtherEntity,
} from "@/lib/catalog/catalog-info";

export interface TImportCatalogOptions {
  text: string;
  /** Where the file came from (path in the repo, upload name); shown on the service page. */
  source: string;
  actor: TActor;
  origin?: TAuditOrigin;
}

export interface TImportCounts { created: number; updated: number; unchanged: number }
export interface TImportResult {
  teams: TImportCounts;
  services: TImportCounts;
  entities: TImportCounts;
  mappings: { created: number; removed: number };
  /** Stored pipelines whose service or production stage the import changed (remapped at once, not at the next sync). */
  pipelines: { remapped: number };
}

/** For a file of MAX_CATALOG_DOCUMENTS (lib/catalog/catalog-info.ts), with room to spare. */
const IMPORT_TRANSACTION_TIMEOUT_MS = 60_000;

function zero(): TImportCounts {
  return { created: 0, updated: 0, unchanged: 0 };
}

/** Whether a stored row already holds `data` (its other columns are ignored). */
function holds(row: object, data: object): boolean {
  const current = Object.fromEntries(Object.keys(data).map((key) => [key, (row as Record<string, unknown>)[key]]));
  return same(current, data);
}

/** Deep equality that ignores key order (jsonb does not keep it). */
function same(a: unknown, b: unknown): boolean {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === "object"
        ? Object.fromEntries(Object.entries(value).sort(([x], [y]) => x.localeCompare(y)).map(([k, v]) => [k, canonical(v)]))
        : value;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/**
 * Imports a catalog-info.yaml: groups become teams, components services with
 * their AWS mappings, systems/APIs/resources catalog entities. All or nothing
 * in one transaction; re-importing the same file changes nothing.
 */
export async function importCatalog({ text, source, actor, origin }: TImportCatalogOptions): Promise<TImportResult> {
  const { entities, problems } = parseCatalogInfo(text);
  const groups = entities.filter((e): e is TGroupEntity => e.kind === "Group");
  const components = entities.filter((e): e is TComponentEntity => e.kind === "Component");
  const others = entities.filter((e): e is TOtherEntity => e.kind === "System" || e.kind === "API" || e.kind === "Resource");

  // Only the teams the file names are looked up: one query, whatever the catalog's size.
  const referenced = [...new Set([...groups.flatMap((g) => [g.name, ...(g.parent ? [g.parent] : [])]), ...components.map((c) => c.owner), ...others.map((e) => e.owner)])];
  const known = new Set((await db.team.findMany({ where: { slug: { in: referenced } }, select: { slug: true } })).map((t) => t.slug));
  const groupNames = new Set(groups.map((g) => g.name));
  const refProblems: TCatalogProblem[] = [];
  const teamExists = (slug: string) => groupNames.has(slug) || known.has(slug);
  for (const g of groups) if (g.parent && !teamExists(g.parent)) refProblems.push({ line: g.line, message: `Group "${g.name}": parent group "${g.parent}" is neither in this file nor in the catalog` });
  for (const e of [...components, ...others])
    if (!teamExists(e.owner)) refProblems.push({ line: e.line, message: `${e.kind} "${e.name}": owner group "${e.owner}" is neither in this file nor in the catalog` });
  const all = [...problems, ...refProblems].sort((a, b) => a.line - b.line);
  if (all.length > 0) {
    throw new AppError("INVALID_INPUT", `${source} has ${all.length} problem(s); nothing was imported.`, { details: { problems: all } });
  }

  // What the pipelines' remapping must look at: the file's services and every pipeline mapping it adds or removes.
  const remap = { serviceIds: [] as number[], arns: [] as string[] };
  const result: TImportResult = { teams: zero(), services: zero(), entities: zero(), mappings: { created: 0, removed: 0 }, pipelines: { remapped: 0 } };
  await db.$transaction(async (tx) => {
    // What exists already, read up front (a handful of queries, not one per entity).
    const [teams, services, entities, accounts] = await Promise.all([
      tx.team.findMany({ where: { slug: { in: referenced } }, select: { id: true, slug: true, name: true, description: true, parentId: true } }),
      tx.service.findMany({
        where: { slug: { in: components.map((c) => c.name) } },
        select: { id: true, slug: true, name: true, description: true, teamId: true, tier: true, repositoryUrl: true, links: true, xrayName: true, lifecycle: true, system: true, dependsOn: true, catalogSource: true, pipelineProdStage: true },
      }),
      tx.catalogEntity.findMany({
        where: { name: { in: others.map((e) => e.name) } },
        select: { id: true, kind: true, namespace: true, name: true, title: true, description: true, ownerTeamId: true, spec: true, source: true },
      }),
      tx.awsAccount.findMany({ select: { id: true, accountId: true } }),
    ]);
    const teamBySlug = new Map(teams.map((t) => [t.slug, t]));
    const serviceBySlug = new Map(services.map((sv) => [sv.slug, sv]));
    const entityByKey = new Map(entities.map((e) => [`${e.kind}:${e.namespace}:${e.name}`, e]));
    const accountIds = new Map(accounts.map((a) => [a.accountId, a.id]));
    const mappingsByService = new Map<number, { id: number; arn: string }[]>();
    for (const m of await tx.resourceMapping.findMany({ where: { serviceId: { in: services.map((sv) => sv.id) }, source: "CATALOG_FILE" }, select: { id: true, arn: true, serviceId: true } }))
      mappingsByService.set(m.serviceId, [...(mappingsByService.get(m.serviceId) ?? []), m]);

    const teamIds = new Map(teams.map((t) => [t.slug, t.id]));
    const teamResult = new Map<string, keyof TImportCounts>();
    for (const g of groups) {
      const existing = teamBySlug.get(g.name);
      if (!existing) {
        const created = await tx.team.create({ data: { slug: g.name, name: g.title, description: g.description }, select: { id: true } });
        teamIds.set(g.name, created.id);
        teamResult.set(g.name, "created");
      } else {
        const isChanged = existing.name !== g.title || existing.description !== g.description;
        if (isChanged) await tx.team.update({ where: { id: existing.id }, data: { name: g.title, description: g.description } });
        teamResult.set(g.name, isChanged ? "updated" : "unchanged");
      }
    }
    // Every team the file names now has an id (checked above).
    const teamId = (slug: string) => teamIds.get(slug)!;
    // Parents once every group of the file exists, whatever their order.
    for (const g of groups) {
      const parentId = g.parent ? teamId(g.parent) : null;
      if ((teamBySlug.get(g.name)?.parentId ?? null) === parentId) continue;
      await tx.team.update({ where: { id: teamId(g.name) }, data: { parentId } });
      if (teamResult.get(g.name) === "unchanged") teamResult.set(g.name, "updated");
    }
    for (const outcome of teamResult.values()) result.teams[outcome]++;

    for (const c of components) {
      const data = {
        name: c.title,
        description: c.description,
        teamId: teamId(c.owner),
        tier: c.tier,
        repositoryUrl: c.repositoryUrl,
        links: c.links,
        xrayName: c.xrayName,
        lifecycle: c.lifecycle,
        system: c.system,
        dependsOn: c.dependsOn,
        catalogSource: source,
        pipelineProdStage: c.pipelineProdStage,
      };
      const existing = serviceBySlug.get(c.name);
      let serviceId: number;
      if (!existing) {
        serviceId = (await tx.service.create({ data: { slug: c.name, ...data }, select: { id: true } })).id;
        result.services.created++;
      } else {
        serviceId = existing.id;
        if (!holds(existing, data)) {
          await tx.service.update({ where: { id: serviceId }, data });
          result.services.updated++;
        } else result.services.unchanged++;
      }

      const wanted = new Map(c.mappings.map((m) => [m.arn, m]));
      const present = mappingsByService.get(serviceId) ?? [];
      const staleMappings = present.filter((p) => !wanted.has(p.arn));
      const stale = staleMappings.map((p) => p.id);
      remap.serviceIds.push(serviceId);
      remap.arns.push(...staleMappings.map((p) => p.arn));
      if (stale.length) {
        await tx.resourceMapping.deleteMany({ where: { id: { in: stale } } });
        result.mappings.removed += stale.length;
      }
      const have = new Set(present.map((p) => p.arn));
      for (const m of wanted.values()) {
        if (have.has(m.arn)) continue;
        const accountId = /^arn:[^:]+:[^:]+:[^:]+:(\d{12}):/.exec(m.arn)?.[1];
        await tx.resourceMapping.upsert({
          where: { arn_source: { arn: m.arn, source: "CATALOG_FILE" } },
          create: { serviceId, arn: m.arn, resourceType: m.resourceType, source: "CATALOG_FILE", sourceDetail: `${source} (${m.annotation})`, awsAccountId: accountId ? (accountIds.get(accountId) ?? null) : null },
          update: { serviceId, resourceType: m.resourceType, sourceDetail: `${source} (${m.annotation})` },
        });
        result.mappings.created++;
        remap.arns.push(m.arn);
        if (m.resourceType === "AWS::CloudWatch::Alarm") await tx.alarm.updateMany({ where: { arn: m.arn }, data: { serviceId } });
      }
    }

    for (const e of others) {
      const data = { title: e.title, description: e.description, ownerTeamId: teamId(e.owner), spec: e.spec as Prisma.InputJsonValue, source };
      const existing = entityByKey.get(`${e.kind}:${e.namespace}:${e.name}`);
      if (!existing) {
        await tx.catalogEntity.create({ data: { kind: e.kind, namespace: e.namespace, name: e.name, ...data } });
        result.entities.created++;
      } else {
        if (!holds(existing, data)) {
          await tx.catalogEntity.update({ where: { id: existing.id }, data });
          result.entities.updated++;
        } else result.entities.unchanged++;
      }
    }

    const changed = result.teams.created + result.teams.updated + result.services.created + result.services.updated + result.entities.created + result.entities.updated + result.mappings.created + result.mappings.removed;
    if (changed > 0) {
      await tx.auditEvent.create({ data: auditData(actor, { action: "catalog.import", entityType: "CatalogFile", entityId: source, after: result }, origin) });
    }
    // A write or two per entity: MAX_CATALOG_DOCUMENTS of them outlast Prisma's default of 5 s on a busy server.
  }, { timeout: IMPORT_TRANSACTION_TIMEOUT_MS });
  const isPipelineMappingChanged = result.mappings.created + result.mappings.removed + result.services.created + result.services.updated > 0;
  if (isPipelineMappingChanged) {
    // Pipelines are written with plain SQL in their own transaction (lib/pipelines/server). Should this step
    // fail, the catalog stands as imported and the next sync applies it, as it does on every run.
    try {
      result.pipelines.remapped = (await remapPipelines(remap)).pipelines;
    } catch (error) {
      log.error({ err: error, source }, "catalog imported, but its pipeline mappings could not be applied yet; the next sync applies them");
    }
    // Alarms likewise (their ARN mappings were applied above; tag selectors and removed mappings here).
    try {
      await remapAlarms(remap);
    } catch (error) {
      log.error({ err: error, source }, "catalog imported, but its alarm mappings could not be applied yet; the next sync applies them");
    }
  }
  return result;
}
