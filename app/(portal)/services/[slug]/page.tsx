import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { DeploymentStatusBadge } from "@/components/deployments/deployment-status-badge";
import { TierBadge } from "@/components/catalog/tier-badge";
import { Badge } from "@/components/ui/badge";
import { Card, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { holdsEverywhere } from "@/lib/auth/permissions";
import { requireViewer } from "@/lib/auth/server/viewer";
import { PipelinesCard } from "@/components/pipelines/pipelines-card";
import { AlarmsCard } from "@/components/alarms/alarms-card";
import { IncidentsCard } from "@/components/incidents/incidents-card";
import { PostmortemsCard } from "@/components/postmortems/postmortems-card";
import { ZBoardFiltersSchema } from "@/lib/pipelines/board";
import { findPipelines } from "@/lib/pipelines/server/find-pipelines";
import { Table } from "@/components/ui/table";
import { RelativeTime } from "@/components/ui/relative-time";
import { getService } from "@/lib/catalog/server/get-service";
import { ServiceMapCard } from "@/components/servicemap/service-map-card";
import { getServiceMap } from "@/lib/servicemap/server/get-service-map";
import { safeHref } from "@/lib/schemas";

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  return { title: (await params).slug };
}

const SOURCE_LABEL = { AWS_TAG: "AWS tag", CATALOG_FILE: "catalog file", MANUAL: "set by hand" } as const;

export default async function ServicePage({ params }: { params: Promise<{ slug: string }> }) {
  await connection();
  const viewer = await requireViewer();
  const service = await getService({ slug: (await params).slug });
  if (!service) notFound();
  const mapQuery = { window: "1h", group: "Default", service: service.slug } as const;
  const [pipelines, map] = await Promise.all([findPipelines(ZBoardFiltersSchema.parse({ service: service.slug }), 6), getServiceMap(mapQuery)]);
  const canAudit = holdsEverywhere(viewer, "audit.read");
  const now = new Date();
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-zinc-600 dark:text-zinc-400">
        <Link href="/teams" className="hover:underline">Teams</Link>
        {" / "}
        <Link href={`/teams/${service.team.slug}`} className="hover:underline">{service.team.name}</Link>
      </nav>
      <PageHeader
        title={service.name}
        description={service.description ?? undefined}
        actions={
          <div className="flex flex-wrap gap-1.5">
            <TierBadge tier={service.tier} />
            {service.lifecycle ? <Badge tone="info">{service.lifecycle}</Badge> : null}
            {service.openIncidents > 0 ? <Badge tone="bad">{service.openIncidents} open incident{service.openIncidents === 1 ? "" : "s"}</Badge> : null}
          </div>
        }
      />
      <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
        <div className="space-y-6">
          <PipelinesCard board={pipelines} filter={{ service: service.slug }} />
          <ServiceMapCard map={map} query={mapQuery} />
          <AlarmsCard filter={{ service: service.slug }} />
          <IncidentsCard filter={{ service: service.slug }} />
          <PostmortemsCard filter={{ service: service.slug }} now={now} />
          <Card>
            <CardTitle>AWS resources</CardTitle>
            {service.resourceMappings.length === 0 ? (
              <EmptyState title="No AWS resources are mapped to this service">
                Tag resources with <code className="font-mono">portside:service={service.slug}</code>, or add AWS annotations to its catalog-info.yaml.
              </EmptyState>
            ) : (
              <Table caption="AWS resources mapped to this service, and where each link came from" columns={[{ label: "Resource" }, { label: "Linked by" }]}>
                  {service.resourceMappings.map((m) => (
                    <tr key={`${m.source}:${m.arn}`}>
                      <td className="py-2 pr-3 align-top">
                        <span className="block text-xs text-zinc-500 dark:text-zinc-400">{m.resourceType}{m.awsAccount ? ` · ${m.awsAccount.name}` : ""}</span>
                        <code className="font-mono text-xs break-all">{m.arn}</code>
                      </td>
                      <td className="py-2 align-top">
                        <Badge tone={m.source === "CATALOG_FILE" ? "info" : "neutral"}>{SOURCE_LABEL[m.source]}</Badge>
                        {m.sourceDetail ? <span className="mt-1 block text-xs text-zinc-600 dark:text-zinc-400">{m.sourceDetail}</span> : null}
                      </td>
                    </tr>
                  ))}
              </Table>
            )}
          </Card>
          <Card>
            <CardTitle>Latest production deployments</CardTitle>
            {service.deployments.length === 0 ? (
              <EmptyState title="No production deployments yet" />
            ) : (
              <Table caption={`Latest production deployments of ${service.name}`} columns={[{ label: "Version" }, { label: "Status" }, { label: "Finished", align: "end" }]}>
                  {service.deployments.map((d) => (
                    <tr key={d.id}>
                      <td className="py-2 pr-2">
                        <span className="font-mono text-xs">{d.version ?? "—"}</span>
                        <span className="block text-xs text-zinc-500 dark:text-zinc-400">{d._count.changes} commit{d._count.changes === 1 ? "" : "s"}{d.isPlanned ? "" : " · fix"}</span>
                      </td>
                      <td className="py-2 pr-2"><DeploymentStatusBadge status={d.status} /></td>
                      <td className="py-2 text-right text-zinc-600 tabular-nums dark:text-zinc-400"><RelativeTime date={d.finishedAt!} now={now} /></td>
                    </tr>
                  ))}
              </Table>
            )}
          </Card>
        </div>
        <Card>
          <CardTitle>About</CardTitle>
          <dl className="space-y-3 text-sm">
            <div><dt className="text-xs text-zinc-500 dark:text-zinc-400">Owner</dt><dd><Link href={`/teams/${service.team.slug}`} className="text-sky-700 hover:underline dark:text-sky-400">{service.team.name}</Link></dd></div>
            {service.system ? <div><dt className="text-xs text-zinc-500 dark:text-zinc-400">System</dt><dd>{service.system}</dd></div> : null}
            {service.xrayName ? <div><dt className="text-xs text-zinc-500 dark:text-zinc-400">X-Ray service name</dt><dd className="font-mono text-xs">{service.xrayName}</dd></div> : null}
            {service.repositoryUrl ? <div><dt className="text-xs text-zinc-500 dark:text-zinc-400">Repository</dt><dd><a href={safeHref(service.repositoryUrl)} className="break-all text-sky-700 hover:underline dark:text-sky-400">{service.repositoryUrl}</a></dd></div> : null}
            {service.dependsOn.length > 0 ? <div><dt className="text-xs text-zinc-500 dark:text-zinc-400">Depends on</dt><dd className="font-mono text-xs">{service.dependsOn.join(", ")}</dd></div> : null}
            {service.pipelines.length > 0 ? <div><dt className="text-xs text-zinc-500 dark:text-zinc-400">Pipelines</dt><dd>{service.pipelines.map((p) => `${p.name} (${p.region})`).join(", ")}</dd></div> : null}
            {service.pipelineProdStage ? (
              <div>
                <dt className="text-xs text-zinc-500 dark:text-zinc-400">Production stage of its pipelines</dt>
                <dd>
                  <span className="font-mono text-xs">{service.pipelineProdStage}</span>{" "}
                  <span className="text-xs text-zinc-600 dark:text-zinc-400">(catalog annotation portside.dev/prod-stage)</span>
                </dd>
              </div>
            ) : null}
            {service.links.length > 0 ? (
              <div>
                <dt className="text-xs text-zinc-500 dark:text-zinc-400">Links</dt>
                <dd><ul>{service.links.map((l) => <li key={l.url}><a href={safeHref(l.url)} className="text-sky-700 hover:underline dark:text-sky-400">{l.title}</a></li>)}</ul></dd>
              </div>
            ) : null}
            {service.catalogSource ? (
              <div>
                <dt className="text-xs text-zinc-500 dark:text-zinc-400">Defined in</dt>
                <dd className="font-mono text-xs">{service.catalogSource}</dd>
                {canAudit ? (
                  <dd>
                    <Link href={`/settings/audit?${new URLSearchParams({ entityType: "CatalogFile", entityId: service.catalogSource })}`} className="text-xs text-sky-700 hover:underline dark:text-sky-400">
                      Import history
                    </Link>
                  </dd>
                ) : null}
              </div>
            ) : null}
          </dl>
        </Card>
      </div>
    </>
  );
}
