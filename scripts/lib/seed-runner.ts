/**
 * Writes the demo organisation (lib/seed) into PostgreSQL: small tables with
 * multi-row COPY, the deployment history streamed in chunks so that ten
 * million deployments fit in memory.
 */
import { register } from "node:module";
import pg from "pg";
import { generateToken } from "../../lib/auth/tokens";
import { setDoraRefreshMode } from "../../lib/dora/refresh-mode";
import {
  ACCOUNTS, DEFAULT_SEED_OPTIONS, buildCatalog, deploymentTargets, serviceHistory,
  type TCatalog, type TIdCounters, type TIncidentRow, type TSeedOptions, type TServiceHistory,
} from "../../lib/seed/demo-org";
import { buildOperations, type TBucketRow } from "../../lib/seed/operations";
import { planPostmortems, postmortemRuleOverride, renderPostmortem, type TPostmortemIncident, type TPostmortemRow } from "../../lib/seed/postmortems";
import type { draftTimeline as draftTimelineFn } from "../../lib/postmortems/server/draft-timeline";
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
        // What was migrated stays recorded: the versioned migrations and the repeatable SQL files (prisma/sql).
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('_prisma_migrations', '_portside_repeatable_sql')",
      );
      await client.query(`TRUNCATE ${tables.rows.map((t) => `"${t.tablename}"`).join(", ")} RESTART IDENTITY CASCADE`);
    }
    const catalog = buildCatalog(options);
    const stamp = now;
    await client.query("BEGIN");
    await copyRows(client, "Team", ["id", "slug", "name", "description", "parentId", "createdAt", "updatedAt"], catalog.teams, (t) => [t.id, t.slug, t.name, t.description, t.parentId, stamp, stamp]);
    await copyRows(client, "User", ["id", "email", "name", "orgRole", "createdAt", "updatedAt"], catalog.users, (u) => [u.id, u.email, u.name, u.orgRole, stamp, stamp]);
    await copyRows(client, "Membership", ["userId", "teamId", "role", "createdAt"], catalog.memberships, (m) => [m.userId, m.teamId, m.role, stamp]);
    await seedPostmortemRules(client, { catalog, now });
    await copyRows(client, "AwsAccount", ["id", "accountId", "name", "roleArn", "externalId", "regions", "createdAt", "updatedAt"], ACCOUNTS, (a) => [a.id, a.accountId, a.name, a.roleArn, a.externalId, a.regions, stamp, stamp]);
    await copyRows(client, "Service", ["id", "slug", "name", "description", "teamId", "tier", "repositoryUrl", "links", "createdAt", "updatedAt"], catalog.services, (s) => [s.id, s.slug, s.name, s.description, s.teamId, s.tier, s.repositoryUrl, s.links, stamp, stamp]);
    await copyRows(client, "Pipeline", ["id", "awsAccountId", "region", "name", "arn", "serviceId", "version", "prodStage", "structure", "state", "lastSyncedAt", "createdAt", "updatedAt"], catalog.pipelines, (p) => [p.id, p.awsAccountId, p.region, p.name, p.arn, p.serviceId, p.version, p.prodStage, p.structure, [], stamp, stamp, stamp]);
    await copyRows(client, "ResourceMapping", ["serviceId", "awsAccountId", "resourceType", "arn", "source", "sourceDetail", "createdAt"], catalog.pipelines, (p) => [p.serviceId, p.awsAccountId, "AWS::CodePipeline::Pipeline", p.arn, "AWS_TAG", "portside:service", stamp]);
    await client.query("COMMIT");

    // History, streamed per chunk of services, into tables without their secondary indexes and foreign keys,
    // which are built once at the end (as pg_restore does): maintained row by row, the random shas and
    // execution ids made every COPY a stream of random index inserts and key lookups.
    await client.query("SET maintenance_work_mem = '512MB'");
    restoreHistoryKeys = await dropKeys(client, HISTORY_TABLES);
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
      await setDoraRefreshMode(client, "bulk");
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

    await seedSelfService(client, { now, userCount: catalog.users.length });
    const learning = await seedPostmortems(client, { catalog, options, log });

    const syncRuns = ACCOUNTS.flatMap((a) => a.regions.flatMap((region) => (["CODEPIPELINE", "CLOUDWATCH", "XRAY"] as const).map((source) => ({ a, region, source }))));
    await copyRows(client, "SyncRun", ["awsAccountId", "region", "source", "status", "startedAt", "finishedAt", "durationMs", "calls", "throttles", "errors"], syncRuns, ({ a, region, source }) => [a.id, region, source, "SUCCEEDED", new Date(now.getTime() - 4 * 60_000), new Date(now.getTime() - 3 * 60_000), 41_000, 60, 0, 0]);

    const token = generateToken();
    await client.query(`INSERT INTO "ApiToken" (name, "tokenHash", prefix, scopes, "createdAt") VALUES ('demo-ci', $1, $2, '{ingest,read}', $3)`, [token.hash, token.prefix, stamp]);
    await client.query(`INSERT INTO "AuditEvent" ("actorType", action, "entityType", "entityId", after) VALUES ('SYSTEM', 'seed.demo', 'Organisation', 'demo', $1)`, [JSON.stringify({ ...totals, options: { ...options, now: now.toISOString() } })]);

    for (const table of ["Team", "User", "AwsAccount", "Service", "Pipeline", "PipelineExecution", "Deployment", "Change", "Incident", "Alarm", "ServiceGraphNode", "ServiceGraphEdge", "Postmortem"]) {
      await client.query(`SELECT setval(pg_get_serial_sequence('"${table}"', 'id'), GREATEST((SELECT max(id) FROM "${table}"), 1))`);
    }
    await client.query("COMMIT");

    // The DORA facts and rollups of the whole history, in one call (dora_rebuild, prisma/sql/dora/40-rebuild.sql): through
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
        `${totals.incidents.toLocaleString("en")} incidents, ${ops.alarms.length} alarms, ` +
        `${learning.postmortems.toLocaleString("en")} postmortems (${learning.published.toLocaleString("en")} published) with ${learning.actionItems.toLocaleString("en")} action items.`,
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
 * Drops the foreign keys and the indexes (primary keys aside) of the tables; returns the statements that
 * build them again, indexes first, read from the catalog so that they stay the migrations' own.
 */
async function dropKeys(client: pg.Client, tables: readonly string[]): Promise<string[]> {
  const { rows } = await client.query<{ isIndex: boolean; drop: string; create: string }>(
    `SELECT false AS "isIndex", format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname) AS drop,
            format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)) AS create
     FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid = ANY ($1::regclass[])
     UNION ALL
     SELECT true, format('DROP INDEX %s', i.indexrelid::regclass), pg_get_indexdef(i.indexrelid)
     FROM pg_index i
     WHERE i.indrelid = ANY ($1::regclass[]) AND NOT i.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
     ORDER BY 1`,
    [tables.map((t) => `"${t}"`)],
  );
  for (const r of rows) await client.query(r.drop);
  return [...rows.filter((r) => r.isIndex), ...rows.filter((r) => !r.isIndex)].map((r) => r.create);
}

async function seedSelfService(client: pg.Client, { now, userCount }: { now: Date; userCount: number }): Promise<void> {
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
}

/**
 * The rules the incident trigger reads while the history is copied in: the organisation's (the migration inserts
 * it, a reset truncates it) and one team's own, stricter rule.
 */
async function seedPostmortemRules(client: pg.Client, { catalog, now }: { catalog: TCatalog; now: Date }): Promise<void> {
  await client.query(
    `INSERT INTO "PostmortemRule" ("teamId", severities, "updatedAt")
     SELECT NULL, '{SEV1,SEV2}', $1::timestamptz AT TIME ZONE 'UTC' WHERE NOT EXISTS (SELECT 1 FROM "PostmortemRule" WHERE "teamId" IS NULL)`,
    [now.toISOString()],
  );
  const override = postmortemRuleOverride(catalog);
  if (override) {
    await client.query(`INSERT INTO "PostmortemRule" ("teamId", severities, "updatedAt") VALUES ($1, $2::"Severity"[], $3::timestamptz AT TIME ZONE 'UTC')`, [override.teamId, override.severities, now.toISOString()]);
  }
}

const POSTMORTEM_CHUNK = 2_000;
const POSTMORTEM_CONTENT_TABLES = ["PostmortemSection", "PostmortemRevision", "PostmortemComment", "ActionItem"];

/**
 * The postmortems (lib/seed/postmortems.ts has the story): the trigger drafted one for every resolved incident
 * the rules require while the history was copied; they are read back with their incidents, moved to the state
 * their age gives them in one UPDATE, and their text, earlier revisions, comments and action items copied in. The
 * search triggers would rebuild a postmortem's whole vector on every row copied: they are off for the copy,
 * each vector is built once after it, and its index after that (at benchmark size, 28,000 postmortems, the
 * vectors are most of this step's time). Timelines are drafted from the evidence for the newest only.
 */
async function seedPostmortems(
  client: pg.Client,
  { catalog, options, log }: { catalog: TCatalog; options: TSeedOptions; log: (line: string) => void },
): Promise<{ postmortems: number; published: number; actionItems: number }> {
  const now = options.now;
  const started = performance.now();
  const { rows: incidents } = await client.query<TPostmortemIncident>(
    `SELECT i.id, p.id AS "postmortemId", i."serviceId", s."teamId", i.title, i.severity::text AS severity,
            i."openedAt" AT TIME ZONE 'UTC' AS "openedAt", i."acknowledgedAt" AT TIME ZONE 'UTC' AS "acknowledgedAt",
            i."resolvedAt" AT TIME ZONE 'UTC' AS "resolvedAt", i."causedByChange",
            d.version AS "deploymentVersion", d."finishedAt" AT TIME ZONE 'UTC' AS "deployedAt"
     FROM "Incident" i
     JOIN "Service" s ON s.id = i."serviceId"
     LEFT JOIN "Postmortem" p ON p."incidentId" = i.id
     LEFT JOIN "Deployment" d ON d.id = i."deploymentId"
     WHERE i."resolvedAt" IS NOT NULL
       AND (p.id IS NOT NULL OR (i.severity = 'SEV3' AND i."resolvedAt" >= $1::timestamptz AT TIME ZONE 'UTC'))
     ORDER BY i.id`,
    [new Date(now.getTime() - 30 * DAY).toISOString()],
  );
  const plan = planPostmortems({ catalog, options, incidents });
  const header = ["status", "notRequiredReason", "analysis", "authorId", "approvedById", "approvedAt", "publishedAt", "version", "createdAt", "updatedAt"] as const;
  const headerCells = (r: TPostmortemRow) => [r.status, r.notRequiredReason, r.analysis, r.authorId, r.approvedById, r.approvedAt, r.publishedAt, r.version, r.createdAt, r.updatedAt];

  await client.query(`ALTER TABLE "PostmortemSection" DISABLE TRIGGER postmortem_search_sections; ALTER TABLE "ActionItem" DISABLE TRIGGER postmortem_search_actions`);
  const searchIndex = await client.query<{ create: string }>(`SELECT pg_get_indexdef('"Postmortem_search_idx"'::regclass) AS create`);
  await client.query(`DROP INDEX "Postmortem_search_idx"`);
  // Keys built once after the copy, as for the history (inside this transaction, so a failure restores them).
  const restoreKeys = await dropKeys(client, POSTMORTEM_CONTENT_TABLES);
  // The drafted ones' new state, applied in one UPDATE once all are known.
  await client.query(
    `CREATE TEMP TABLE seed_postmortem (id int PRIMARY KEY, status "PostmortemStatus", "notRequiredReason" text, analysis "PostmortemAnalysis", "authorId" int,
       "approvedById" int, "approvedAt" timestamp(3), "publishedAt" timestamp(3), version int, "createdAt" timestamp(3), "updatedAt" timestamp(3)) ON COMMIT DROP`,
  );
  const totals = { published: 0, actionItems: 0 };
  const stories = plan.stories();
  for (let chunk = takeChunk(stories); chunk.length > 0; chunk = takeChunk(stories)) {
    const rows = chunk.map((s) => s.row);
    totals.published += rows.filter((r) => r.status === "PUBLISHED").length;
    await copyRows(client, "seed_postmortem", ["id", ...header], chunk.filter((s) => !s.isNew), (s) => [s.row.id, ...headerCells(s.row)]);
    // Written by hand: inserted whole, with the ids the plan gave them (after the drafted ones').
    await copyRows(client, "Postmortem", ["id", "incidentId", "teamId", "serviceId", "title", ...header], chunk.filter((s) => s.isNew), (s) => [s.row.id, s.row.incidentId, s.row.teamId, s.row.serviceId, s.row.title, ...headerCells(s.row)]);
    const rendered = chunk.map(renderPostmortem);
    await copyRows(client, "PostmortemSection", ["postmortemId", "key", "body", "version", "updatedById", "updatedAt"], rendered.flatMap((r) => r.sections), (r) => [r.postmortemId, r.key, r.body, r.version, r.updatedById, r.updatedAt]);
    await copyRows(client, "PostmortemRevision", ["postmortemId", "key", "version", "body", "authorId", "at"], rendered.flatMap((r) => r.earlierRevisions), (r) => [r.postmortemId, r.key, r.version, r.body, r.authorId, r.at]);
    await copyRows(client, "PostmortemComment", ["postmortemId", "sectionKey", "kind", "body", "authorId", "createdAt"], rendered.flatMap((r) => r.comments), (c) => [c.postmortemId, c.sectionKey, c.kind, c.body, c.authorId, c.createdAt]);
    totals.actionItems += await copyRows(client, "ActionItem", ["postmortemId", "teamId", "title", "ownerId", "type", "priority", "dueAt", "status", "statusReason", "ticketUrl", "completedAt", "version", "createdAt", "updatedAt"], rendered.flatMap((r) => r.actionItems), (a) => [a.postmortemId, a.teamId, a.title, a.ownerId, a.type, a.priority, a.dueAt, a.status, a.statusReason, a.ticketUrl, a.completedAt, a.version, a.createdAt, a.updatedAt]);
    await copyRows(client, "PostmortemTimelineEntry", ["postmortemId", "at", "source", "kind", "text", "isStarred", "editedById", "createdAt"], rendered.flatMap((r) => r.timeline), (t) => [t.postmortemId, t.at, "manual", "note", t.text, t.isStarred, t.editedById, t.createdAt]);
  }
  await client.query(
    `UPDATE "Postmortem" p SET status = s.status, "notRequiredReason" = s."notRequiredReason", analysis = s.analysis, "authorId" = s."authorId",
       "approvedById" = s."approvedById", "approvedAt" = s."approvedAt", "publishedAt" = s."publishedAt", version = s.version,
       "createdAt" = s."createdAt", "updatedAt" = s."updatedAt"
     FROM seed_postmortem s WHERE p.id = s.id`,
  );
  // The authors found that the impact began a few minutes before anything alarmed (the demo's alarms open their
  // incidents at once): without it every time to detect in the demo would be 0 s.
  await client.query(
    `UPDATE "Postmortem" p SET "impactStartedAt" = i."openedAt" - make_interval(mins => 2 + (p.id * 7) % 17)
     FROM "Incident" i WHERE i.id = p."incidentId" AND p.status IN ('IN_REVIEW', 'APPROVED', 'PUBLISHED')`,
  );
  // Each section's latest revision is the section as it stands.
  await client.query(`INSERT INTO "PostmortemRevision" ("postmortemId", key, version, body, "authorId", at) SELECT "postmortemId", key, version, body, "updatedById", "updatedAt" FROM "PostmortemSection"`);
  for (const statement of restoreKeys) await client.query(statement);
  await client.query(`ALTER TABLE "PostmortemSection" ENABLE TRIGGER postmortem_search_sections; ALTER TABLE "ActionItem" ENABLE TRIGGER postmortem_search_actions`);
  await client.query(`SELECT count(postmortem_refresh_search(id)) FROM "Postmortem"`);
  await client.query(searchIndex.rows[0]!.create);

  const draftTimeline = await importDraftTimeline();
  for (const postmortemId of plan.timelineIds) await draftTimeline(client, { postmortemId, now });
  // What the writers marked as mattering: the suspect deployment, the first alarm, the resolution.
  await client.query(
    `WITH marked AS (
       SELECT id, row_number() OVER (PARTITION BY "postmortemId", mark ORDER BY at, id) AS n
       FROM (SELECT id, "postmortemId", at,
                    CASE WHEN "isSuspect" THEN 'suspect' WHEN kind = 'alarm.ALARM' THEN 'alarm' WHEN kind = 'incident.resolved' THEN 'resolved' END AS mark
             FROM "PostmortemTimelineEntry" WHERE "postmortemId" = ANY($1::int[]) AND "originKey" IS NOT NULL) e
       WHERE mark IS NOT NULL
     )
     UPDATE "PostmortemTimelineEntry" t SET "isStarred" = true FROM marked m WHERE m.id = t.id AND m.n = 1`,
    [plan.starredIds],
  );
  // Drafted "now" by the seed, whatever the clock says.
  await client.query(`UPDATE "PostmortemTimelineEntry" SET "createdAt" = $2::timestamptz AT TIME ZONE 'UTC' WHERE "postmortemId" = ANY($1::int[]) AND "originKey" IS NOT NULL`, [plan.timelineIds, now.toISOString()]);
  log(`  … ${plan.count.toLocaleString("en")} postmortems written (${plan.timelineIds.length} timelines drafted) in ${((performance.now() - started) / 1000).toFixed(1)}s`);

  return { postmortems: plan.count, ...totals };
}

/** The next `size` items (fewer at the end, none when done). */
function takeChunk<T>(items: Iterator<T>, size = POSTMORTEM_CHUNK): T[] {
  const chunk: T[] = [];
  while (chunk.length < size) {
    const next = items.next();
    if (next.done) break;
    chunk.push(next.value);
  }
  return chunk;
}

/**
 * The timeline drafter is a server module: its `import "server-only"` throws outside a server bundle. Next, the
 * tests (vitest.config.ts) and `tsx --conditions=react-server` resolve that marker to an empty module; the seed
 * also runs under plain tsx (npm run dev, db:seed, the e2e and bench seeds), so it does the same for its imports.
 */
function importDraftTimeline(): Promise<typeof draftTimelineFn> {
  if (!draftTimelineLoaded) {
    register(`data:text/javascript,${encodeURIComponent(SERVER_ONLY_HOOK)}`);
    draftTimelineLoaded = import("../../lib/postmortems/server/draft-timeline").then((m) => m.draftTimeline);
  }
  return draftTimelineLoaded;
}

let draftTimelineLoaded: Promise<typeof draftTimelineFn> | undefined;

const SERVER_ONLY_HOOK = `export async function resolve(specifier, context, next) {
  return specifier === "server-only" ? { url: "data:text/javascript,export{}", shortCircuit: true } : next(specifier, context);
}`;
