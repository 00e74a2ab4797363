/**
 * X-Ray service name → catalog service. In order: the catalog annotation
 * `aws.amazon.com/xray-service-name` (Service.xrayName), then the slug, then
 * the service's display name ignoring case. Clients are nobody's service.
 */
export interface TCatalogServiceRef {
  id: number;
  slug: string;
  name: string;
  xrayName: string | null;
}

export type TMappingSource = "annotation" | "slug" | "name";

export interface TServiceMatch {
  serviceId: number;
  source: TMappingSource;
}

export function serviceMatcher(services: readonly TCatalogServiceRef[]) {
  const byXrayName = new Map<string, number>();
  const bySlug = new Map<string, number>();
  const byName = new Map<string, number>();
  for (const s of services) {
    if (s.xrayName) byXrayName.set(s.xrayName, s.id);
    bySlug.set(s.slug, s.id);
    byName.set(s.name.toLowerCase(), s.id);
  }
  return (node: { name: string; type: string }): TServiceMatch | null => {
    if (node.type === "client") return null;
    const annotated = byXrayName.get(node.name);
    if (annotated !== undefined) return { serviceId: annotated, source: "annotation" };
    const slug = bySlug.get(node.name);
    if (slug !== undefined) return { serviceId: slug, source: "slug" };
    const named = byName.get(node.name.toLowerCase());
    return named === undefined ? null : { serviceId: named, source: "name" };
  };
}
