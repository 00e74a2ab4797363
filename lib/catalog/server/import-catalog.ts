import "server-only";
import { db, type Prisma } from "@/lib/db";
import { AppError } from "@/lib/errors";
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
  actor: { userId: number } | { tokenId: number } | { system: string };
}

export interface TImportCounts { created: number; updated: number; unchanged: number }
export interface TImportResult { teams: TImportCounts; services: TImportCounts; entities: TImportCounts; mappings: { created: number; removed: number } }

function zero(): TImportCounts {
  return { created: 0, updated: 0, unchanged: 0 };
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
export async function importCatalog({ text, source, actor }: TImportCatalogOptions): Promise<TImportResult> {
  const { entities, problems } = parseCatalogInfo(text);
  const groups = entities.filter((e): e is TGroupEntity => e.kind === "Group");
  const components = entities.filter((e): e is TComponentEntity => e.kind === "Component");
  const others = entities.filter((e): e is TOtherEntity => e.kind === "System" || e.kind === "API" || e.kind === "Resource");

  const known = new Set((await db.team.findMany({ select: { slug: true } })).map((t) => t.slug));
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

  const result: TImportResult = { teams: zero(), services: zero(), entities: zero(), mappings: { created: 0, removed: 0 } };
  await db.$transaction(async (tx) => {
    const teamIds = new Map<string, number>();
    const teamResult = new Map<string, keyof TImportCounts>();
    for (const g of groups) {
      const existing = await tx.team.findUnique({ where: { slug: g.name }, select: { id: true, name: true, description: true } });
      if (!existing) {
        const created = await tx.team.create({ data: { slug: g.name, name: g.title, description: g.description }, select: { id: true } });
        teamIds.set(g.name, created.id);
        teamResult.set(g.name, "created");
      } else {
        teamIds.set(g.name, existing.id);
        const isChanged = existing.name !== g.title || existing.description !== g.description;
        if (isChanged) await tx.team.update({ where: { id: existing.id }, data: { name: g.title, description: g.description } });
        teamResult.set(g.name, isChanged ? "updated" : "unchanged");
      }
    }
    const teamId = async (slug: string) => teamIds.get(slug) ?? (await tx.team.findUniqueOrThrow({ where: { slug }, select: { id: true } })).id;
    // Parents once every group of the file exists, whatever their order.
    for (const g of groups) {
      const parentId = g.parent ? await teamId(g.parent) : null;
      const id = teamIds.get(g.name)!;
      const current = await tx.team.findUniqueOrThrow({ where: { id }, select: { parentId: true } });
      if (current.parentId === parentId) continue;
      await tx.team.update({ where: { id }, data: { parentId } });
      if (teamResult.get(g.name) === "unchanged") teamResult.set(g.name, "updated");
    }
    for (const outcome of teamResult.values()) result.teams[outcome]++;

    const accounts = new Map((await tx.awsAccount.findMany({ select: { id: true, accountId: true } })).map((a) => [a.accountId, a.id]));
    for (const c of components) {
      const data = {
        name: c.title,
        description: c.description,
        teamId: await teamId(c.owner),
        tier: c.tier,
        repositoryUrl: c.repositoryUrl,
        links: c.links,
        xrayName: c.xrayName,
        lifecycle: c.lifecycle,
        system: c.system,
        dependsOn: c.dependsOn,
        catalogSource: source,
      };
      const existing = await tx.service.findUnique({
        where: { slug: c.name },
        select: { id: true, name: true, description: true, teamId: true, tier: true, repositoryUrl: true, links: true, xrayName: true, lifecycle: true, system: true, dependsOn: true, catalogSource: true },
      });
      let serviceId: number;
      if (!existing) {
        serviceId = (await tx.service.create({ data: { slug: c.name, ...data }, select: { id: true } })).id;
        result.services.created++;
      } else {
        serviceId = existing.id;
        const current: Omit<typeof existing, "id"> & { id?: number } = { ...existing };
        delete current.id;
        if (!same(current, data)) {
          await tx.service.update({ where: { id: serviceId }, data });
          result.services.updated++;
        } else result.services.unchanged++;
      }

      const wanted = new Map(c.mappings.map((m) => [m.arn, m]));
      const present = await tx.resourceMapping.findMany({ where: { serviceId, source: "CATALOG_FILE" }, select: { id: true, arn: true } });
      const stale = present.filter((p) => !wanted.has(p.arn)).map((p) => p.id);
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
          create: { serviceId, arn: m.arn, resourceType: m.resourceType, source: "CATALOG_FILE", sourceDetail: `${source} (${m.annotation})`, awsAccountId: accountId ? (accounts.get(accountId) ?? null) : null },
          update: { serviceId, resourceType: m.resourceType, sourceDetail: `${source} (${m.annotation})` },
        });
        result.mappings.created++;
        if (m.resourceType === "AWS::CodePipeline::Pipeline") await tx.pipeline.updateMany({ where: { arn: m.arn }, data: { serviceId } });
        if (m.resourceType === "AWS::CloudWatch::Alarm") await tx.alarm.updateMany({ where: { arn: m.arn }, data: { serviceId } });
      }
    }

    for (const e of others) {
      const data = { title: e.title, description: e.description, ownerTeamId: await teamId(e.owner), spec: e.spec as Prisma.InputJsonValue, source };
      const existing = await tx.catalogEntity.findUnique({
        where: { kind_namespace_name: { kind: e.kind, namespace: e.namespace, name: e.name } },
        select: { id: true, title: true, description: true, ownerTeamId: true, spec: true, source: true },
      });
      if (!existing) {
        await tx.catalogEntity.create({ data: { kind: e.kind, namespace: e.namespace, name: e.name, ...data } });
        result.entities.created++;
      } else {
        const { id, ...current } = existing;
        if (!same(current, data)) {
          await tx.catalogEntity.update({ where: { id }, data });
          result.entities.updated++;
        } else result.entities.unchanged++;
      }
    }

    const changed = result.teams.created + result.teams.updated + result.services.created + result.services.updated + result.entities.created + result.entities.updated + result.mappings.created + result.mappings.removed;
    if (changed > 0) {
      await tx.auditEvent.create({
        data: {
          actorType: "userId" in actor ? "USER" : "tokenId" in actor ? "TOKEN" : "SYSTEM",
          actorUserId: "userId" in actor ? actor.userId : null,
          actorTokenId: "tokenId" in actor ? actor.tokenId : null,
          action: "catalog.import",
          entityType: "CatalogFile",
          entityId: source,
          after: result as unknown as Prisma.InputJsonValue,
        },
      });
    }
  });
  return result;
}
