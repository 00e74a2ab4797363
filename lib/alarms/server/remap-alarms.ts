import "server-only";
import { configuredIncidentRules, reconcileAlarmIncidents } from "@/lib/alarms/server/alarm-store";
import { resolveAlarmServices } from "@/lib/alarms/server/store-alarm-sync";
import { parseTagSelector } from "@/lib/pipelines/pipeline-mapping";
import { inTransaction } from "@/lib/db/transaction";

export interface TRemapAlarmsOptions {
  /** Alarms mapped to these services now… */
  serviceIds: readonly number[];
  /** …or mapped by these ARNs or tag selectors ("tags:k=v, …") from now on. */
  arns: readonly string[];
  /** When the remap happens (the time of the incidents' timeline entries); the clock by default. */
  now?: Date;
}

/**
 * Applies the catalog as it stands now to the stored alarms, without waiting
 * for the next sync: each alarm's service from its ARN mappings and the
 * catalog's aws.amazon.com/cloudwatch-alarm-tags selectors (the pipelines'
 * rule), then the incidents that follow (a firing SEV1 alarm that now has a
 * service opens its incident, from the transition that began it). Only
 * alarms the change can concern are read, locked in id order as the sync
 * locks them. Returns how many changed service.
 */
export async function remapAlarms({ serviceIds, arns, now = new Date() }: TRemapAlarmsOptions): Promise<number> {
  const selectors = arns.flatMap((arn) => {
    const pairs = parseTagSelector(arn);
    return pairs ? [JSON.stringify(Object.fromEntries(pairs))] : [];
  });
  return inTransaction(async (sql) => {
    const { rows } = await sql.query<{ id: number; arn: string; tags: Record<string, string>; serviceId: number | null }>(
      `SELECT id, arn, tags, "serviceId" FROM "Alarm"
       WHERE "deletedAt" IS NULL AND ("serviceId" = ANY($1::int[]) OR arn = ANY($2::text[]) OR tags @> ANY($3::jsonb[]))
       ORDER BY id FOR UPDATE`,
      [serviceIds, arns, selectors],
    );
    if (rows.length === 0) return 0;
    const serviceIdsNow = await resolveAlarmServices(sql, rows);
    const changed = rows.flatMap((r, i) => (serviceIdsNow[i] === r.serviceId ? [] : [{ id: r.id, serviceId: serviceIdsNow[i] ?? null }]));
    if (changed.length > 0) {
      await sql.query(
        `UPDATE "Alarm" a SET "serviceId" = x."serviceId", "updatedAt" = now() AT TIME ZONE 'UTC'
         FROM jsonb_to_recordset($1::jsonb) AS x(id int, "serviceId" int) WHERE a.id = x.id`,
        [JSON.stringify(changed)],
      );
    }
    // The import sets the service of alarms it names by ARN itself (lib/catalog/server/import-catalog.ts), so those
    // are reconciled as well as the ones remapped here.
    const named = new Set(arns);
    const reconciled = [...new Set([...changed.map((c) => c.id), ...rows.filter((r) => named.has(r.arn)).map((r) => r.id)])];
    await reconcileAlarmIncidents(sql, reconciled, { ...configuredIncidentRules(), now });
    return changed.length;
  });
}
