import Link from "next/link";
import { ServiceMap } from "@/components/servicemap/service-map";
import { Card, CardTitle } from "@/components/ui/card";
import { mapQueryString, type TServiceMap, type TServiceMapQuery } from "@/lib/servicemap/schemas";

/** The map of one team or service over the last hour, on its page; the full map is a click away. */
export function ServiceMapCard({ map, query }: { map: TServiceMap; query: TServiceMapQuery }) {
  return (
    <Card>
      <CardTitle
        action={
          <Link href={`/service-map?${mapQueryString(query)}`} className="text-sm text-sky-700 hover:underline dark:text-sky-400">
            Open the service map
          </Link>
        }
      >
        Service map, last hour
      </CardTitle>
      {map.nodes.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">X-Ray recorded no traffic for it in the last hour.</p>
      ) : (
        <ServiceMap initial={map} query={query} isCompact />
      )}
    </Card>
  );
}
