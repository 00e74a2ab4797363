/**
 * Writes the demo organisation (lib/seed) into PostgreSQL: small tables with
 * multi-row COPY, the deployment history streamed in chunks so that ten
 * million deployments fit in memory.
 */
import pg from "pg";
import { generateToken } from "../../lib/auth/tokens";
import {
  ACCOUNTS, DEFAULT_SEED_OPTIONS, buildCatalog, deploymentTargets, serviceHistory,
  type TIdCounters, type TIncidentRow, type TSeedOptions, type TServiceHistory,
} from "../../lib/seed/demo-org";
import { buildOperations, type TBucketRow } from "../../lib/seed/operations";
import { rebuildHourlyBuckets } from "../../lib/servicemap/bucket-store";
import { copyRows } from "./copy";

export interface TSeedRunOptions extends Partial<TSeedOptions> {
  url: string;
  reset?: boolean;
  log: (line: string) => void;
}

const CHUNK_DEPLOYMENTS = 100_000;
const DAY = 86_400_000;

export async function seedDemo({ url, reset = false, log, ...overrides }: TSeedRunOptions): Promise<string> {
  const now = overrides.now ?? new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
  const given = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as Partial<TSeedOptions>;
  const options: TSeedOptions = { ...DEFAULT_SEED_OPTIONS, ...given, now };
  const started = performance.now();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // dora_rebuild says how long each of its parts took.
  client.on("notice", (notice) => log(`  … ${notice.message}`));
  let restoreHistoryKeys: string[] = [];
  try {
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM "Team"');
    if ((rows[0]?.n ?? 0) > 0) {
      if (!reset) throw new Error("The database already holds data. Run `npm run db:seed -- --reset` to replace it with the demo organisation.");
      const tables = await client.query<{ tablename: string }>(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'",
      );
      await client.query(`TRUNCATE ${tables.rows.map((t) => `"${t.tablename}"`).join(", ")} RESTART IDENTITY CASCADE`);
    }
    const catalog = buildCatalog(options);
    const stamp = now;
    await client.query("BEGIN");
    await copyRows(client, "Team", ["id", "slug", "name", "description", "parentId", "createdAt", "updatedAt"], catalog.teams, (t) => [t.id, t.slug, t.name, t.description, t.parentId, stamp, stamp]);
    await copyRows(client, "User", ["id", "email", "name", "orgRole", "createdAt", "updatedAt"], catalog.users, (u) => [u.id, u.email, u.name, u.orgRole, stamp, stamp]);
    await copyRows(client, "Membership", ["userId", "teamId", "role", "createdAt"], catalog.memberships, (m) => [m.userId, m.teamId, m.role, stamp]);
    await copyRows(client, "AwsAccount", ["id", "accountId", "name", "roleArn", "externalId", "regions", "createdAt", "updatedAt"], ACCOUNTS, (a) => [a.id, a.accountId, a.name, a.roleArn, a.externalId, a.regions, stamp, stamp]);
    await copyRows(client, "Service", ["id", "slug", "name", "description", "teamId", "tier", "repositoryUrl", "links", "createdAt", "updatedAt"], catalog.services, (s) => [s.id, s.slug, s.name, s.description, s.teamId, s.tier, s.repositoryUrl, s.links, stamp, stamp]);
    await copyRows(client, "Pipeline", ["id", "awsAccountId", "region", "name", "arn", "serviceId", "version", "prodStage", "structure", "state", "lastSyncedAt", "createdAt", "updatedAt"], catalog.pipelines, (p) => [p.id, p.awsAccountId, p.region, p.name, p.arn, p.serviceId, p.version, p.prodStage, p.structure, [], stamp, stamp, stamp]);
    await copyRows(client, "ResourceMapping", ["serviceId", "awsAccountId", "resourceType", "arn", "source", "sourceDetail", "createdAt"], catalog.pipelines, (p) => [p.serviceId, p.awsAccountId, "AWS::CodePipeline::Pipeline", p.arn, "AWS_TAG", "portside:service", stamp]);
    await client.query("COMMIT");

    // History, streamed per chunk of services, into tables without their secondary indexes and foreign keys,
    // which are built once at the end (as pg_restore does): maintained row by row, the random shas and
    // execution ids made every COPY a stream of random index inserts and key lookups.
    await client.query("SET maintenance_work_mem = '512MB'");
    restoreHistoryKeys = await dropHistoryKeys(client);
    const targets = deploymentTargets(catalog, options);
    const ids: TIdCounters = { deployment: 0, change: 0, incident: 0, execution: 0 };
    const recentIncidents: TIncidentRow[] = [];
    let pending: TServiceHistory[] = [];
    let pendingCount = 0;
    const totals = { deployments: 0, changes: 0, incidents: 0, executions: 0 };
    const flush = async () => {
      if (!pending.length) return;
      const executions = pending.flatMap((h) => h.executions);
      await client.query("BEGIN");
      // The DORA triggers skip the COPYs: dora_rebuild builds every fact and rollup at once, after the last chunk.
      await client.query("SET LOCAL portside.dora_defer = 'on'");
      await copyRows(client, "PipelineExecution", ["id", "pipelineId", "executionId", "status", "executionType", "trigger", "sourceRevisions", "stages", "failureReason", "failedAction", "startedAt", "lastUpdatedAt", "createdAt"], executions, (e) => [e.id, e.pipelineId, e.executionId, e.status, e.executionType, e.trigger, e.sourceRevisions, e.stages, e.failureReason, e.failedAction, e.startedAt, e.lastUpdatedAt, stamp]);
      totals.deployments += await copyRows(client, "Deployment", ["id", "serviceId", "environment", "status", "startedAt", "finishedAt", "version", "isPlanned", "fixesIncidentRef", "remediatedAt", "source", "externalId", "url", "pipelineExecutionId", "createdAt", "updatedAt"], pending.flatMap((h) => h.deployments), (d) => [d.id, d.serviceId, d.environment, d.status, d.startedAt, d.finishedAt, d.version, d.isPlanned, d.fixesIncidentRef, d.remediatedAt, d.source, d.externalId, d.url, d.pipelineExecutionId, d.finishedAt, d.finishedAt]);
      totals.changes += await copyRows(client, "Change", ["id", "deploymentId", "sha", "authoredAt", "committedAt", "message"], pending.flatMap((h) => h.changes), (c) => [c.id, c.deploymentId, c.sha, c.authoredAt, c.committedAt, c.message]);
      totals.incidents += await copyRows(client, "Incident", ["id", "serviceId", "title", "severity", "status", "openedAt", "acknowledgedAt", "resolvedAt", "source", "externalId", "deploymentId", "attributionSource", "causedByChange", "description", "createdAt", "updatedAt"], pending.flatMap((h) => h.incidents), (i) => [i.id, i.serviceId, i.title, i.severity, i.status, i.openedAt, i.acknowledgedAt, i.resolvedAt, i.source, i.externalId, i.deploymentId, i.attributionSource, i.causedByChange, i.description, i.openedAt, i.resolvedAt ?? i.openedAt]);
      await client.query("COMMIT");
      totals.executions += executions.length;
      pending = [];
      pendingCount = 0;
      log(`  … ${totals.deployments.toLocaleString("en")} deployments`);
    };
    const recentFrom = now.getTime() - 30 * DAY;
    for (const service of catalog.services) {
      const history = serviceHistory(service, targets[service.id - 1] ?? 0, options, ids);
      for (const incident of history.incidents) if (incident.openedAt.getTime() >= recentFrom) recentIncidents.push(incident);
      pending.push(history);
      pendingCount += history.deployments.length;
      if (pendingCount >= CHUNK_DEPLOYMENTS) await flush();
    }
    await flush();
    // One at a time off the list, so that a failure leaves only what is still missing to restore.
    while (restoreHistoryKeys.length > 0) {
      await client.query(restoreHistoryKeys[0]!);
      restoreHistoryKeys.shift();
    }

    await client.query("BEGIN");
    await client.query(`
      UPDATE "Pipeline" p
      SET "latestStatus" = e.status, "latestExecutionAt" = e."startedAt", "stateUpdatedAt" = e."lastUpdatedAt",
          -- Pipeline.state (GetPipelineState's shape, lib/pipelines/collect/types.ts) from the newest execution's stages.
          state = (
            SELECT jsonb_agg(jsonb_build_object(
                     'name', s->>'name',
                     'latestExecution', jsonb_build_object('executionId', e."executionId", 'status', s->>'status', 'type', e."executionType"),
                     'inboundExecutionIds', '[]'::jsonb,
                     'actions', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                                   'name', a->>'name', 'status', a->>'status', 'lastStatusChange', a->>'lastUpdatedAt',
                                   'summary', a->'summary', 'errorMessage', a->'errorMessage', 'externalUrl', a->'externalUrl', 'revisionId', NULL)), '[]'::jsonb)
                                 FROM jsonb_array_elements(s->'actions') a)) ORDER BY ord)
            FROM jsonb_array_elements(e.stages) WITH ORDINALITY AS x(s, ord))
      FROM (SELECT DISTINCT ON ("pipelineId") "pipelineId", "executionId", "executionType", status, "startedAt", "lastUpdatedAt", stages
            FROM "PipelineExecution" ORDER BY "pipelineId", "startedAt" DESC) e
      WHERE e."pipelineId" = p.id`);
    const ops = buildOperations(catalog, options, recentIncidents);
    await copyRows(client, "Alarm", ["id", "awsAccountId", "region", "arn", "name", "type", "serviceId", "severity", "state", "stateReason", "stateUpdatedAt", "namespace", "metricName", "dimensions", "threshold", "comparison", "lastSyncedAt", "createdAt", "updatedAt"], ops.alarms, (a) => [a.id, a.awsAccountId, a.region, a.arn, a.name, a.type, a.serviceId, a.severity, a.state, a.stateReason, a.stateUpdatedAt, a.namespace, a.metricName, a.dimensions, a.threshold, a.comparison, stamp, stamp, stamp]);
    await copyRows(client, "AlarmTransition", ["alarmId", "fromState", "toState", "reason", "at"], ops.transitions, (t) => [t.alarmId, t.fromState, t.toState, t.reason, t.at]);
    await copyRows(client, "IncidentAlarm", ["incidentId", "alarmId"], ops.incidentAlarms, (l) => [l.incidentId, l.alarmId]);
    const events = recentIncidents.flatMap((i) => [
      { incidentId: i.id, at: i.openedAt, kind: "opened", message: "Incident opened by alarm", actor: "cloudwatch" },
      ...(i.acknowledgedAt ? [{ incidentId: i.id, at: i.acknowledgedAt, kind: "acknowledged", message: "Acknowledged by the on-call engineer", actor: "on-call" }] : []),
      ...(i.resolvedAt ? [{ incidentId: i.id, at: i.resolvedAt, kind: "resolved", message: "Alarm returned to OK", actor: "cloudwatch" }] : []),
    ]);
    await copyRows(client, "IncidentEvent", ["incidentId", "at", "kind", "message", "actor"], events, (e) => [e.incidentId, e.at, e.kind, e.message, e.actor]);
    await copyRows(client, "ServiceGraphNode", ["id", "awsAccountId", "region", "groupName", "name", "type", "serviceId"], ops.nodes, (n) => [n.id, n.awsAccountId, n.region, "Default", n.name, n.type, n.serviceId]);
    await copyRows(client, "ServiceGraphEdge", ["id", "sourceId", "targetId"], ops.edges, (e) => [e.id, e.sourceId, e.targetId]);
    const bucketColumns = ["bucketStart", "bucketSeconds", "requests", "errors", "faults", "throttles", "totalResponseTime", "latencyBins", "latencyCounts"];
    const bucketCells = (b: TBucketRow) => [b.ownerId, b.bucketStart, b.bucketSeconds, b.requests, b.errors, b.faults, b.throttles, b.totalResponseTime, `{${b.latencyBins.join(",")}}`, `{${b.latencyCounts.join(",")}}`];
    await copyRows(client, "ServiceGraphNodeBucket", ["nodeId", ...bucketColumns], ops.nodeBuckets, bucketCells);
    await copyRows(client, "ServiceGraphEdgeBucket", ["edgeId", ...bucketColumns], ops.edgeBuckets, bucketCells);
    // The hourly rows of the 5-minute day, as the collector writes them.
    const rawFrom = ops.nodeBuckets.find((b) => b.bucketSeconds === 300)?.bucketStart;
    if (rawFrom) await rebuildHourlyBuckets(client, { from: rawFrom, to: now, nodeIds: null, edgeIds: null });
    await copyRows(client, "TraceSummary", ["awsAccountId", "region", "traceId", "serviceId", "startedAt", "durationMs", "responseMs", "hasFault", "hasError", "hasThrottle", "httpMethod", "httpUrl", "httpStatus", "entryPoint", "reason"], ops.traces, (t) => [t.awsAccountId, t.region, t.traceId, t.serviceId, t.startedAt, t.durationMs, t.responseMs, t.hasFault, t.hasError, t.hasThrottle, t.httpMethod, t.httpUrl, t.httpStatus, t.entryPoint, t.reason]);

    await seedSelfServiceAndLearning(client, { now, recentIncidents, userCount: catalog.users.length });

    const syncRuns = ACCOUNTS.flatMap((a) => a.regions.flatMap((region) => (["CODEPIPELINE", "CLOUDWATCH", "XRAY"] as const).map((source) => ({ a, region, source }))));
    await copyRows(client, "SyncRun", ["awsAccountId", "region", "source", "status", "startedAt", "finishedAt", "durationMs", "calls", "throttles", "errors"], syncRuns, ({ a, region, source }) => [a.id, region, source, "SUCCEEDED", new Date(now.getTime() - 4 * 60_000), new Date(now.getTime() - 3 * 60_000), 41_000, 60, 0, 0]);

    const token = generateToken();
    await client.query(`INSERT INTO "ApiToken" (name, "tokenHash", prefix, scopes, "createdAt") VALUES ('demo-ci', $1, $2, '{ingest,read}', $3)`, [token.hash, token.prefix, stamp]);
    await client.query(`INSERT INTO "AuditEvent" ("actorType", action, "entityType", "entityId", after) VALUES ('SYSTEM', 'seed.demo', 'Organisation', 'demo', $1)`, [JSON.stringify({ ...totals, options: { ...options, now: now.toISOString() } })]);

    for (const table of ["Team", "User", "AwsAccount", "Service", "Pipeline", "PipelineExecution", "Deployment", "Change", "Incident", "Alarm", "ServiceGraphNode", "ServiceGraphEdge"]) {
      await client.query(`SELECT setval(pg_get_serial_sequence('"${table}"', 'id'), GREATEST((SELECT max(id) FROM "${table}"), 1))`);
    }
    await client.query("COMMIT");

    // The DORA facts and rollups of the whole history, set-based (the dora_rebuild migration): chunk by chunk through
    // dora_refresh and the fact triggers, 1,000,000 deployments took 24 minutes. Last, after everything
    // else is committed (at 10,000,000 deployments it is the longest step; its own notices time each part), with
    // statistics first, so that it is planned against the tables as loaded.
    await client.query('ANALYZE "Deployment", "Change", "Incident", "Service"');
    const rebuildStarted = performance.now();
    await client.query("BEGIN");
    await client.query("SELECT dora_rebuild()");
    await client.query("COMMIT");
    log(`  … DORA facts and rollups rebuilt in ${((performance.now() - rebuildStarted) / 1000).toFixed(1)}s`);
    await client.query("ANALYZE");
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    return [
      // Teams as the home page counts them (the groups above them apart).
      `demo organisation ready in ${seconds}s: ${catalog.teams.filter((t) => t.parentId !== null).length} teams in ` +
        `${catalog.teams.filter((t) => t.parentId === null).length} groups, ${catalog.services.length} services, ` +
        `${totals.deployments.toLocaleString("en")} deployments, ${totals.changes.toLocaleString("en")} commits, ` +
        `${totals.incidents.toLocaleString("en")} incidents, ${ops.alarms.length} alarms.`,
      `demo API token (ingest, read) — shown once: ${token.token}`,
    ].join("\n[portside] ");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    for (const statement of restoreHistoryKeys) {
      await client.query(statement).catch((cause: unknown) => log(`could not restore after a failed seed: ${statement} (${String(cause)})`));
    }
    throw error;
  } finally {
    await client.end();
  }
}

const HISTORY_TABLES = ["PipelineExecution", "Deployment", "Change", "Incident"];

/**
 * Drops the foreign keys and the indexes (primary keys aside) of the history tables; returns the statements that
 * build them again, indexes first, read from the catalog so that they stay the migrations' own.
 */
async function dropHistoryKeys(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ isIndex: boolean; drop: string; create: string }>(
    `SELECT false AS "isIndex", format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname) AS drop,
            format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)) AS create
     FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid = ANY ($1::regclass[])
     UNION ALL
     SELECT true, format('DROP INDEX %s', i.indexrelid::regclass), pg_get_indexdef(i.indexrelid)
     FROM pg_index i
     WHERE i.indrelid = ANY ($1::regclass[]) AND NOT i.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
     ORDER BY 1`,
    [HISTORY_TABLES.map((t) => `"${t}"`)],
  );
  for (const r of rows) await client.query(r.drop);
  return [...rows.filter((r) => r.isIndex), ...rows.filter((r) => !r.isIndex)].map((r) => r.create);
}

async function seedSelfServiceAndLearning(
  client: pg.Client,
  { now, recentIncidents, userCount }: { now: Date; recentIncidents: TIncidentRow[]; userCount: number },
): Promise<void> {
  const templates = [
    { slug: "preview-environment", name: "Preview environment", description: "An ECS service and a database branch for one pull request.", ttl: 72, max: 168, approval: false },
    { slug: "load-test-stack", name: "Load-test stack", description: "A production-sized copy of a service for load tests.", ttl: 24, max: 72, approval: true },
    { slug: "sandbox-account", name: "Sandbox", description: "A sandbox VPC with read access to shared data.", ttl: 168, max: 336, approval: true },
  ];
  await copyRows(client, "EnvironmentTemplate", ["slug", "name", "description", "awsAccountId", "region", "templateUrl", "parameters", "defaultTtlHours", "maxTtlHours", "requiresApproval", "createdAt", "updatedAt"], templates, (t) => [t.slug, t.name, t.description, 2, "eu-west-1", `https://portside-templates.s3.amazonaws.com/${t.slug}.yaml`, [{ name: "ServiceName", type: "String", required: true }], t.ttl, t.max, t.approval, now, now]);
  const hour = 3_600_000;
  const requests = [
    { template: 1, team: 3, user: 1, name: "cart-api-pr-1412", state: "READY", ttl: 72, created: -20 },
    { template: 2, team: 4, user: 4, name: "payments-black-friday-load", state: "REQUESTED", ttl: 24, created: -2 },
    { template: 3, team: 7, user: 13, name: "identity-sandbox", state: "DESTROYED", ttl: 168, created: -400 },
  ];
  await copyRows(client, "EnvironmentRequest", ["templateId", "teamId", "requestedById", "name", "state", "ttlHours", "expiresAt", "parameters", "createdAt", "updatedAt"], requests, (r) => [r.template, r.team, Math.min(r.user, userCount), r.name, r.state, r.ttl, r.state === "READY" ? new Date(now.getTime() + (r.ttl + r.created) * hour) : null, { ServiceName: r.name }, new Date(now.getTime() + r.created * hour), now]);

  const subject = [...recentIncidents].reverse().find((i) => i.causedByChange && i.resolvedAt && i.deploymentId);
  if (!subject || !subject.resolvedAt) return;
  const timeline = [
    { at: subject.openedAt.toISOString(), kind: "alarm", text: "Alarm entered ALARM", source: "cloudwatch" },
    { at: subject.openedAt.toISOString(), kind: "incident", text: "Incident opened", source: "portside" },
    ...(subject.acknowledgedAt ? [{ at: subject.acknowledgedAt.toISOString(), kind: "incident", text: "Acknowledged by on-call", source: "portside" }] : []),
    { at: subject.resolvedAt.toISOString(), kind: "incident", text: "Alarm returned to OK; incident resolved", source: "cloudwatch" },
  ];
  const { rows } = await client.query<{ id: number }>(
    `INSERT INTO "Postmortem" ("incidentId", title, status, summary, impact, sections, timeline, "fiveWhys", "authorId", "publishedAt", "createdAt", "updatedAt")
     VALUES ($1, $2, 'PUBLISHED', $3, $4, $5, $6, $7, 1, $8, $8, $8) RETURNING id`,
    [
      subject.id,
      `Postmortem: ${subject.title}`,
      "A configuration change shipped with a deployment raised the error rate until it was rolled back.",
      `Customers saw errors for ${Math.round((subject.resolvedAt.getTime() - subject.openedAt.getTime()) / 60_000)} minutes.`,
      JSON.stringify([{ heading: "What went well", body: "The alarm fired within two minutes and the rollback was one click." }, { heading: "What went wrong", body: "The canary stage did not exercise the changed code path." }]),
      JSON.stringify(timeline),
      JSON.stringify(["Errors rose after the deployment.", "A new timeout setting was too low for a slow dependency.", "The setting was tested only against a fast stub.", "Staging has no realistic latency for that dependency.", "Latency injection is not part of the golden path."]),
      new Date(subject.resolvedAt.getTime() + 2 * 86_400_000 > now.getTime() ? now.getTime() : subject.resolvedAt.getTime() + 2 * 86_400_000),
    ],
  );
  const postmortemId = rows[0]!.id;
  const items = [
    { title: "Add latency injection to the staging stage", owner: 2, days: 14, status: "IN_PROGRESS" },
    { title: "Alarm on p99 latency of the dependency, not only on 5xx", owner: 3, days: 7, status: "DONE" },
    { title: "Document timeout defaults in the service template", owner: 4, days: 21, status: "OPEN" },
  ];
  await copyRows(client, "ActionItem", ["postmortemId", "title", "ownerId", "dueAt", "status", "createdAt", "updatedAt"], items, (i) => [postmortemId, i.title, Math.min(i.owner, userCount), new Date(now.getTime() + i.days * 86_400_000), i.status, now, now]);
}
