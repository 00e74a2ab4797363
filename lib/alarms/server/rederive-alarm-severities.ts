import "server-only";
import type { TSeverity } from "@/lib/alarms/collect/types";
import { configuredIncidentRules, reconcileAlarmIncidents } from "@/lib/alarms/server/alarm-store";
import { alarmSeverity, compileSeverityPattern } from "@/lib/alarms/severity";
import { inTransaction } from "@/lib/db/transaction";

export interface TRederiveAlarmSeveritiesOptions {
  /** AwsAccount.id */
  awsAccountId: number;
  /** When it happens (the time of the incidents' timeline entries). */
  now: Date;
}

/**
 * Works out the severity of an account's stored alarms again from their
 * tags and the account's naming rule as it stands (after the rule changed),
 * then the incidents that follow: an alarm already in ALARM that the new
 * rule makes SEV1 opens its incident from the transition that began it.
 * Locks the alarms in id order, as the sync does. Returns how many changed.
 */
export async function rederiveAlarmSeverities({ awsAccountId, now }: TRederiveAlarmSeveritiesOptions): Promise<number> {
  return inTransaction(async (sql) => {
    const { rows: accounts } = await sql.query<{ alarmSeverityPattern: string | null }>(`SELECT "alarmSeverityPattern" FROM "AwsAccount" WHERE id = $1`, [awsAccountId]);
    if (accounts.length === 0) return 0;
    const pattern = compileSeverityPattern(accounts[0]!.alarmSeverityPattern);
    const { rows } = await sql.query<{ id: number; name: string; tags: Record<string, string>; severity: TSeverity | null }>(
      `SELECT id, name, tags, severity::text AS severity FROM "Alarm" WHERE "awsAccountId" = $1 AND "deletedAt" IS NULL ORDER BY id FOR UPDATE`,
      [awsAccountId],
    );
    const changed = rows.flatMap((r) => {
      const severity = alarmSeverity({ tags: r.tags, name: r.name, pattern });
      return severity === r.severity ? [] : [{ id: r.id, severity }];
    });
    if (changed.length === 0) return 0;
    await sql.query(
      `UPDATE "Alarm" a SET severity = x.severity::"Severity", "updatedAt" = now() AT TIME ZONE 'UTC'
       FROM jsonb_to_recordset($1::jsonb) AS x(id int, severity text) WHERE a.id = x.id`,
      [JSON.stringify(changed)],
    );
    await reconcileAlarmIncidents(sql, changed.map((c) => c.id), { ...configuredIncidentRules(), now });
    return changed.length;
  });
}
