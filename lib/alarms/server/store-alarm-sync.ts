import "server-only";
import { SERVICE_TAG } from "@/lib/alarms/collect/cloudwatch";
import type { TAlarmRegionResult } from "@/lib/alarms/collect/sync-region";
import type { TAlarmState, TSeverity } from "@/lib/alarms/collect/types";
import { advanceAlarmStates, insertTransitions, reconcileAlarmIncidents, type TIncidentRules } from "@/lib/alarms/server/alarm-store";
import { alarmSeverity, compileSeverityPattern } from "@/lib/alarms/severity";
import { log } from "@/lib/log";
import { resolvePipelineService, TAG_SELECTOR_PREFIX, type TPipelineMapping } from "@/lib/pipelines/pipeline-mapping";
import { batches, inTransaction, type TSql } from "@/lib/db/transaction";

export const ALARM_RESOURCE_TYPE = "AWS::CloudWatch::Alarm";
/** The catalog's aws.amazon.com/cloudwatch-alarm-tags selectors (lib/catalog/catalog-info.ts). */
export const ALARM_TAG_SELECTOR_TYPE = "AWS::CloudWatch::Alarm (tag selector)";
const SERVICE_TAG_DETAIL = "tag portside:service";
const ALARM_BATCH = 1000;

export interface TStoreAlarmSyncOptions {
  awsAccountId: number;
  result: TAlarmRegionResult;
  syncStartedAt: Date;
  incidentRules: Omit<TIncidentRules, "now">;
}

export interface TStoreAlarmSyncOutcome {
  alarms: number;
  createdAlarms: number;
  removedAlarms: number;
  transitions: number;
  incidents: { created: number; updated: number };
}

interface TCurrentAlarm {
  id: number;
  arn: string;
  serviceId: number | null;
  severity: TSeverity | null;
  tags: Record<string, string>;
  state: TAlarmState;
  stateReason: string | null;
  stateUpdatedAt: Date;
}

/** portside:service tags become AWS_TAG mappings (visible on the service page), as for pipelines; only for tags read this time. */
async function recordServiceTags(sql: TSql, awsAccountId: number, alarms: readonly { arn: string; tags: Record<string, string> | null }[]): Promise<void> {
  const read = alarms.filter((a) => a.tags !== null);
  const slugs = [...new Set(read.map((a) => a.tags?.[SERVICE_TAG]?.trim()).filter((t): t is string => Boolean(t)))];
  const { rows: services } = await sql.query<{ id: number; slug: string }>(`SELECT id, slug FROM "Service" WHERE slug = ANY($1::text[])`, [slugs]);
  const bySlug = new Map(services.map((s) => [s.slug, s.id]));
  const tagged: { arn: string; serviceId: number }[] = [];
  for (const a of read) {
    const slug = a.tags?.[SERVICE_TAG]?.trim();
    const serviceId = slug ? bySlug.get(slug) : undefined;
    if (slug && serviceId === undefined) log.warn({ alarm: a.arn, tag: slug }, "portside:service tag names no catalog service; the alarm keeps its mapping");
    if (serviceId !== undefined) tagged.push({ arn: a.arn, serviceId });
  }
  const taggedArns = new Set(tagged.map((t) => t.arn));
  const untagged = read.filter((a) => !taggedArns.has(a.arn)).map((a) => a.arn);
  for (const batch of batches(tagged, ALARM_BATCH)) {
    await sql.query(
      `INSERT INTO "ResourceMapping" ("serviceId", "awsAccountId", "resourceType", arn, source, "sourceDetail")
       SELECT x."serviceId", $2, $3, x.arn, 'AWS_TAG', $4 FROM jsonb_to_recordset($1::jsonb) AS x(arn text, "serviceId" int)
       ON CONFLICT (arn, source) DO UPDATE SET "serviceId" = EXCLUDED."serviceId"
       WHERE "ResourceMapping"."serviceId" IS DISTINCT FROM EXCLUDED."serviceId"`,
      [JSON.stringify(batch), awsAccountId, ALARM_RESOURCE_TYPE, SERVICE_TAG_DETAIL],
    );
  }
  if (untagged.length > 0) await sql.query(`DELETE FROM "ResourceMapping" WHERE source = 'AWS_TAG' AND arn = ANY($1::text[])`, [untagged]);
}

/** The service of each alarm, by the pipelines' rule (lib/pipelines/pipeline-mapping.ts): its tag, a person, the catalog's ARN, then a catalog tag selector. */
export async function resolveAlarmServices(sql: TSql, alarms: readonly { arn: string; tags: Readonly<Record<string, string>>; serviceId: number | null }[]): Promise<(number | null)[]> {
  const { rows: mappings } = await sql.query<TPipelineMapping>(
    `SELECT id, arn, source::text AS source, "serviceId" FROM "ResourceMapping"
     WHERE arn = ANY($1::text[]) OR (arn LIKE $2 AND "resourceType" = $3)`,
    [alarms.map((a) => a.arn), `${TAG_SELECTOR_PREFIX}%`, ALARM_TAG_SELECTOR_TYPE],
  );
  return alarms.map((a) => resolvePipelineService(a, mappings)?.serviceId ?? a.serviceId);
}

/**
 * Writes one account × region's alarm sync in one transaction: alarms with
 * their service and severity, the new history, alarms gone from AWS, the
 * history cursor, and the incidents the new transitions open or resolve.
 * An alarm keeps a state newer than the one read (an event applied while
 * the sync ran). Idempotent.
 */
export async function storeAlarmSync({ awsAccountId, result, syncStartedAt, incidentRules }: TStoreAlarmSyncOptions): Promise<TStoreAlarmSyncOutcome> {
  const { region } = result;
  return inTransaction(async (sql) => {
    const { rows: accounts } = await sql.query<{ alarmSeverityPattern: string | null }>(`SELECT "alarmSeverityPattern" FROM "AwsAccount" WHERE id = $1`, [awsAccountId]);
    const pattern = compileSeverityPattern(accounts[0]?.alarmSeverityPattern);
    const { rows: currentRows } = await sql.query<TCurrentAlarm>(
      `SELECT id, arn, "serviceId", severity::text AS severity, tags, state::text AS state, "stateReason", "stateUpdatedAt" AT TIME ZONE 'UTC' AS "stateUpdatedAt"
       FROM "Alarm" WHERE "awsAccountId" = $1 AND region = $2 ORDER BY id FOR UPDATE`,
      [awsAccountId, region],
    );
    const current = new Map(currentRows.map((r) => [r.arn, r]));
    await recordServiceTags(sql, awsAccountId, result.alarms);

    const withTags = result.alarms.map((a) => ({ alarm: a, before: current.get(a.arn), tags: a.tags ?? current.get(a.arn)?.tags ?? {} }));
    const serviceIds = await resolveAlarmServices(sql, withTags.map((a) => ({ arn: a.alarm.arn, tags: a.tags, serviceId: a.before?.serviceId ?? null })));
    const rows = withTags.map(({ alarm, before, tags }, i) => {
      const isStoredNewer = before !== undefined && before.stateUpdatedAt.getTime() > alarm.stateUpdatedAt.getTime();
      return {
        arn: alarm.arn,
        name: alarm.name,
        type: alarm.type,
        serviceId: serviceIds[i] ?? null,
        severity: alarmSeverity({ tags, name: alarm.name, pattern }),
        state: isStoredNewer ? before.state : alarm.state,
        stateReason: isStoredNewer ? before.stateReason : alarm.stateReason,
        stateUpdatedAt: (isStoredNewer ? before.stateUpdatedAt : alarm.stateUpdatedAt).toISOString(),
        namespace: alarm.namespace,
        metricName: alarm.metricName,
        dimensions: alarm.dimensions,
        threshold: alarm.threshold,
        comparison: alarm.comparison,
        definition: alarm.definition,
        description: alarm.description,
        tags,
        // Unchanged when the tags were not read: a failed read is retried next time.
        configUpdatedAt: (alarm.tags === null && before ? null : alarm.configUpdatedAt)?.toISOString() ?? null,
      };
    });

    const idByName = new Map<string, number>();
    let createdAlarms = 0;
    for (const batch of batches(rows, ALARM_BATCH)) {
      const { rows: written } = await sql.query<{ id: number; name: string; isInserted: boolean }>(
        `INSERT INTO "Alarm" AS a ("awsAccountId", region, arn, name, type, "serviceId", severity, state, "stateReason", "stateUpdatedAt", namespace, "metricName",
                                   dimensions, threshold, comparison, definition, description, tags, "configUpdatedAt", "lastSyncedAt", "deletedAt", "updatedAt")
         SELECT $1, $2, x.arn, x.name, x.type::"AlarmType", x."serviceId", x.severity::"Severity", x.state::"AlarmState", x."stateReason",
                x."stateUpdatedAt" AT TIME ZONE 'UTC', x.namespace, x."metricName", x.dimensions, x.threshold, x.comparison, x.definition, x.description,
                x.tags, x."configUpdatedAt" AT TIME ZONE 'UTC', $3::timestamptz AT TIME ZONE 'UTC', NULL, now() AT TIME ZONE 'UTC'
         FROM jsonb_to_recordset($4::jsonb) AS x(arn text, name text, type text, "serviceId" int, severity text, state text, "stateReason" text,
              "stateUpdatedAt" timestamptz, namespace text, "metricName" text, dimensions jsonb, threshold float8, comparison text, definition jsonb,
              description text, tags jsonb, "configUpdatedAt" timestamptz)
         ON CONFLICT (arn) DO UPDATE SET
           name = EXCLUDED.name, type = EXCLUDED.type, "serviceId" = EXCLUDED."serviceId", severity = EXCLUDED.severity,
           state = EXCLUDED.state, "stateReason" = EXCLUDED."stateReason", "stateUpdatedAt" = EXCLUDED."stateUpdatedAt",
           namespace = EXCLUDED.namespace, "metricName" = EXCLUDED."metricName", dimensions = EXCLUDED.dimensions, threshold = EXCLUDED.threshold,
           comparison = EXCLUDED.comparison, definition = EXCLUDED.definition, description = EXCLUDED.description, tags = EXCLUDED.tags,
           "configUpdatedAt" = COALESCE(EXCLUDED."configUpdatedAt", a."configUpdatedAt"),
           "lastSyncedAt" = EXCLUDED."lastSyncedAt", "deletedAt" = NULL, "updatedAt" = EXCLUDED."updatedAt"
         RETURNING id, name, (xmax = 0) AS "isInserted"`,
        [awsAccountId, region, syncStartedAt.toISOString(), JSON.stringify(batch)],
      );
      for (const w of written) {
        idByName.set(w.name, w.id);
        if (w.isInserted) createdAlarms += 1;
      }
    }

    let removedAlarms = 0;
    if (result.removedAlarms.length > 0) {
      const { rowCount } = await sql.query(
        `UPDATE "Alarm" SET "deletedAt" = now() AT TIME ZONE 'UTC', "updatedAt" = now() AT TIME ZONE 'UTC' WHERE arn = ANY($1::text[]) AND "deletedAt" IS NULL`,
        [result.removedAlarms],
      );
      removedAlarms = rowCount ?? 0;
    }

    const transitions = result.transitions.flatMap((t) => {
      const alarmId = idByName.get(t.alarmName);
      return alarmId === undefined ? [] : [{ alarmId, fromState: t.fromState, toState: t.toState, reason: t.reason, at: t.at }];
    });
    const written = await insertTransitions(sql, transitions);
    const changed = [...written.alarmIds];
    await advanceAlarmStates(sql, changed);
    if (result.historyThrough) {
      await sql.query(
        `INSERT INTO "AlarmHistoryCursor" ("awsAccountId", region, through) VALUES ($1, $2, $3::timestamptz AT TIME ZONE 'UTC')
         ON CONFLICT ("awsAccountId", region) DO UPDATE SET through = GREATEST("AlarmHistoryCursor".through, EXCLUDED.through)`,
        [awsAccountId, region, result.historyThrough.toISOString()],
      );
    }
    // A severity or service that changed can make an alarm incident-worthy (a SEV1 tag on an alarm already firing):
    // its transitions are looked at again too, so the incident opens at the transition that began it.
    const remapped = rows.filter((r) => {
      const before = current.get(r.arn);
      return before !== undefined && (before.serviceId !== r.serviceId || before.severity !== r.severity);
    });
    const incidentAlarms = [...new Set([...changed, ...remapped.map((r) => idByName.get(r.name)!).filter((id) => id !== undefined)])];
    const incidents = await reconcileAlarmIncidents(sql, incidentAlarms, { ...incidentRules, now: syncStartedAt });
    return { alarms: rows.length, createdAlarms, removedAlarms, transitions: written.inserted, incidents };
  });
}
