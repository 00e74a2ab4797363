import "server-only";
import { db } from "@/lib/db";

/** One service with its owner, its AWS mappings (and where each came from), pipelines and recent deployments. */
export async function getService({ slug }: { slug: string }) {
  const service = await db.service.findUnique({
    where: { slug },
    select: {
      id: true,
      slug: true,
      name: true,
      description: true,
      tier: true,
      lifecycle: true,
      system: true,
      dependsOn: true,
      repositoryUrl: true,
      links: true,
      xrayName: true,
      pipelineProdStage: true,
      catalogSource: true,
      team: { select: { slug: true, name: true } },
      resourceMappings: {
        orderBy: [{ resourceType: "asc" }, { arn: "asc" }],
        select: { resourceType: true, arn: true, source: true, sourceDetail: true, awsAccount: { select: { name: true, accountId: true } } },
      },
      pipelines: { orderBy: { name: "asc" }, select: { name: true, region: true, latestStatus: true, latestExecutionAt: true } },
      deployments: {
        where: { environment: "production", finishedAt: { not: null } },
        orderBy: { finishedAt: "desc" },
        take: 8,
        select: { id: true, status: true, version: true, finishedAt: true, isPlanned: true, _count: { select: { changes: true } } },
      },
      _count: { select: { incidents: { where: { status: { not: "RESOLVED" } } } } },
    },
  });
  if (!service) return null;
  const links = Array.isArray(service.links) ? (service.links as { title?: string; url?: string }[]).filter((l) => typeof l.url === "string") : [];
  return { ...service, links: links.map((l) => ({ title: l.title ?? l.url!, url: l.url! })), openIncidents: service._count.incidents };
}

export type TServiceDetail = NonNullable<Awaited<ReturnType<typeof getService>>>;
