/**
 * The evidence timeline against a made-up incident: known deployments,
 * pipeline executions, alarm transitions, map buckets, incident events and
 * audit rows around it, for its service, a neighbour on the map, a neighbour's
 * neighbour and an unrelated service. The draft must be exactly the expected
 * entries in order, with the right milestones; redrafting keeps what people
 * did to the timeline.
 */
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/auth/server/create-api-token";
import { closeDb, db, getPool } from "@/lib/db";
import { deriveMilestones } from "@/lib/postmortems/milestones";
import { draftTimeline } from "@/lib/postmortems/server/draft-timeline";
import { makeService, uniqueSlug } from "@/lib/testing/fixtures";

afterAll(closeDb);

const MIN = 60_000;
const T0 = Date.parse("2026-10-05T10:00:00Z");
const at = (minute: number) => new Date(T0 + minute * MIN);
/** Long after the incident: drafting does not depend on when it runs. */
const NOW = new Date("2026-10-20T12:00:00Z");
const REGION = "eu-west-1";

async function service(teamId: number, name: string) {
  return db.service.create({ data: { slug: uniqueSlug(name.toLowerCase()), name, teamId }, select: { id: true, slug: true } });
}

async function deployment(serviceId: number, data: { start: number; finish: number | null; version: string; source: string; environment?: string; pipelineExecutionId?: number }) {
  return db.deployment.create({
    data: {
      serviceId,
      environment: data.environment ?? "production",
      status: data.finish === null ? "IN_PROGRESS" : "SUCCEEDED",
      startedAt: at(data.start),
      finishedAt: data.finish === null ? null : at(data.finish),
      version: data.version,
      source: data.source,
      externalId: uniqueSlug("dep"),
      pipelineExecutionId: data.pipelineExecutionId ?? null,
    },
    select: { id: true },
  });
}

const stage = (name: string, from: number, to: number, actions: object[] = []) => ({ name, status: "Succeeded", startedAt: at(from).toISOString(), lastUpdatedAt: at(to).toISOString(), actions });

/**
 * Web calls Checkout (the incident's service), which calls Payments: both neighbours. Payments calls Ledger (two
 * hops: not a neighbour); Search is unrelated. Everything of Ledger and Search, and everything outside 08:00–11:20, must stay out.
 */
async function scenario() {
  const { id: teamId } = await db.team.create({ data: { slug: uniqueSlug("team"), name: "Checkout team" }, select: { id: true } });
  const checkout = await service(teamId, "Checkout");
  const payments = await service(teamId, "Payments");
  const ledger = await service(teamId, "Ledger");
  const search = await service(teamId, "Search");
  const web = await service(teamId, "Web");
  const ada = await db.user.create({ data: { email: `${uniqueSlug("ada")}@example.com`, name: "Ada" }, select: { id: true } });
  const token = await createApiToken({ name: uniqueSlug("ci"), scopes: ["ingest"], actor: { system: "test" } });
  const account = await db.awsAccount.create({ data: { accountId: String(Math.floor(1e11 + Math.random() * 9e11)), name: uniqueSlug("acct"), regions: [REGION] }, select: { id: true } });

  // The service map.
  const node = (serviceId: number, name: string) =>
    db.serviceGraphNode.create({ data: { awsAccountId: account.id, region: REGION, name: uniqueSlug(name), type: "AWS::ECS::Service", serviceId }, select: { id: true } });
  const [checkoutNode, paymentsNode, ledgerNode, searchNode, webNode] = await Promise.all([
    node(checkout.id, "checkout"),
    node(payments.id, "payments"),
    node(ledger.id, "ledger"),
    node(search.id, "search"),
    node(web.id, "web"),
  ]);
  await db.serviceGraphEdge.createMany({
    data: [
      { sourceId: webNode.id, targetId: checkoutNode.id },
      { sourceId: checkoutNode.id, targetId: paymentsNode.id },
      { sourceId: paymentsNode.id, targetId: ledgerNode.id },
    ],
  });
  const buckets = (nodeId: number, rows: [minute: number, seconds: number, requests: number, failed: number][]) =>
    db.serviceGraphNodeBucket.createMany({
      data: rows.map(([minute, bucketSeconds, requests, failed]) => ({ nodeId, bucketStart: at(minute), bucketSeconds, requests, errors: Math.floor(failed / 2), faults: Math.ceil(failed / 2), throttles: 0, totalResponseTime: requests * 0.05 })),
    });
  await buckets(checkoutNode.id, [
    [-120, 3600, 12_000, 60], // 08:00, rolled up: healthy
    [-15, 300, 200, 2],
    [-10, 300, 200, 30], // degraded
    [-5, 300, 200, 40],
    [25, 300, 200, 1], // recovered
    [-60, 3600, 600, 72], // the hourly sums beside 5-minute rows: not read twice
    [0, 3600, 200, 1],
  ]);
  await buckets(searchNode.id, [[-10, 300, 500, 400]]);
  await buckets(ledgerNode.id, [[-10, 300, 500, 400]]);

  // Checkout's pipeline: the suspect deployment's execution (with a manual approval), a failed one, an old one.
  const pipeline = await db.pipeline.create({
    data: {
      awsAccountId: account.id,
      region: REGION,
      name: uniqueSlug("checkout-pipeline"),
      arn: `arn:aws:codepipeline:${REGION}:1:${randomUUID()}`,
      serviceId: checkout.id,
      prodStage: "Prod",
      structure: [
        { name: "Build", actions: [{ name: "Compile", category: "Build", provider: "CodeBuild", runOrder: 1 }] },
        { name: "Approve", actions: [{ name: "Sign-off", category: "Approval", provider: "Manual", runOrder: 1 }] },
        { name: "Prod", actions: [{ name: "Deploy", category: "Deploy", provider: "ECS", runOrder: 1 }] },
      ],
    },
    select: { id: true, name: true },
  });
  const execution = (executionId: string, data: { status: "SUCCEEDED" | "FAILED"; start: number; end: number; stages?: object[]; failureReason?: string; failedAction?: string }) =>
    db.pipelineExecution.create({
      data: {
        pipelineId: pipeline.id,
        executionId,
        status: data.status,
        stages: data.stages ?? [],
        failureReason: data.failureReason ?? null,
        failedAction: data.failedAction ?? null,
        startedAt: at(data.start),
        lastUpdatedAt: at(data.end),
      },
      select: { id: true, executionId: true },
    });
  const shipped = await execution(randomUUID(), {
    status: "SUCCEEDED",
    start: -40,
    end: -20,
    stages: [
      stage("Build", -40, -35),
      stage("Approve", -35, -30, [{ name: "Sign-off", status: "Succeeded", startedAt: at(-35).toISOString(), lastUpdatedAt: at(-30).toISOString(), summary: "ship it", externalUrl: null, errorMessage: null }]),
      stage("Prod", -30, -20),
    ],
  });
  const failed = await execution(randomUUID(), { status: "FAILED", start: 10, end: 15, failureReason: "Unit tests failed", failedAction: "Build.Compile" });
  await execution(randomUUID(), { status: "SUCCEEDED", start: -300, end: -290 });

  const suspect = await deployment(checkout.id, { start: -40, finish: -20, version: "a1b2c3d", source: "codepipeline", pipelineExecutionId: shipped.id });
  const old = await deployment(checkout.id, { start: -215, finish: -200, version: "0ld0ld0", source: "github" });
  const later = await deployment(checkout.id, { start: 75, finish: 85, version: "f1x", source: "github", environment: "staging" });
  const neighbour = await deployment(payments.id, { start: -70, finish: -60, version: "v7", source: "github" });
  const caller = await deployment(web.id, { start: -52, finish: -50, version: "w9", source: "github" });
  const unrelated = await deployment(search.id, { start: -30, finish: -25, version: "s1", source: "github" });
  await deployment(ledger.id, { start: -30, finish: -25, version: "l1", source: "github" });

  // Alarms.
  const alarm = (serviceId: number, name: string) =>
    db.alarm.create({ data: { awsAccountId: account.id, region: REGION, arn: `arn:aws:cloudwatch:${REGION}:1:alarm:${name}`, name, serviceId, state: "OK", stateUpdatedAt: at(20) }, select: { id: true, name: true } });
  const checkoutAlarm = await alarm(checkout.id, uniqueSlug("checkout-5xx"));
  const searchAlarm = await alarm(search.id, uniqueSlug("search-5xx"));
  await db.alarmTransition.createMany({
    data: [
      { alarmId: checkoutAlarm.id, fromState: "OK", toState: "ALARM", reason: "Threshold Crossed: 5xx above 5%", at: at(-4) },
      { alarmId: checkoutAlarm.id, fromState: "ALARM", toState: "OK", reason: "Threshold Crossed: 5xx below 5%", at: at(20) },
      { alarmId: checkoutAlarm.id, fromState: "OK", toState: "ALARM", reason: "an older episode", at: at(-150) },
      { alarmId: searchAlarm.id, fromState: "OK", toState: "ALARM", reason: "search fails", at: at(-3) },
    ],
  });
  const transitions = await db.alarmTransition.findMany({ where: { alarmId: checkoutAlarm.id }, select: { id: true, at: true } });
  const transitionAt = (minute: number) => transitions.find((t) => t.at.getTime() === at(minute).getTime())!.id;

  // The incident (its postmortem drafted by the rules when it resolves), another of the neighbour, one unrelated.
  const incident = await db.incident.create({
    data: {
      serviceId: checkout.id,
      title: "Checkout 5xx",
      severity: "SEV1",
      status: "RESOLVED",
      openedAt: at(0),
      acknowledgedAt: at(6),
      resolvedAt: at(50),
      source: "test",
      externalId: uniqueSlug("inc"),
      deploymentId: suspect.id,
      attributionSource: "RULE",
    },
    select: { id: true },
  });
  const related = await db.incident.create({
    data: { serviceId: payments.id, title: "Payments slow", severity: "SEV3", status: "RESOLVED", openedAt: at(2), acknowledgedAt: at(5), resolvedAt: at(30), source: "test", externalId: uniqueSlug("inc") },
    select: { id: true },
  });
  const other = await db.incident.create({ data: { serviceId: search.id, title: "Search down", severity: "SEV3", openedAt: at(3), source: "test", externalId: uniqueSlug("inc") }, select: { id: true } });
  const event = (incidentId: number, minute: number, kind: string, message: string, actor: string | null = null) =>
    db.incidentEvent.create({ data: { incidentId, at: at(minute), kind, message, actor }, select: { id: true } });
  const events = {
    opened: await event(incident.id, 0, "opened", "Opened as SEV1: Checkout 5xx", "alarm (cloudwatch)"),
    attributed: await event(incident.id, 1, "attributed", `Attributed to deployment #${suspect.id} by the rule`),
    acknowledged: await event(incident.id, 6, "acknowledged", "Acknowledged", "Ada"),
    resolved: await event(incident.id, 50, "resolved", "Resolved after 50 min"),
    relatedOpened: await event(related.id, 2, "opened", "Opened as SEV3: Payments slow"),
    relatedAcknowledged: await event(related.id, 5, "acknowledged", "Acknowledged"),
    relatedResolved: await event(related.id, 30, "resolved", "Resolved after 28 min"),
    other: await event(other.id, 3, "opened", "Opened as SEV3: Search down"),
  };

  // Audit rows about the incident, the pipeline and the deployments, and some that are not.
  const audit = (data: { minute: number; action: string; entityType: string; entityId: string; before?: object; after?: object; user?: boolean }) =>
    db.auditEvent.create({
      data: {
        at: at(data.minute),
        actorType: data.user === false ? "TOKEN" : "USER",
        actorUserId: data.user === false ? null : ada.id,
        actorTokenId: data.user === false ? token.id : null,
        action: data.action,
        entityType: data.entityType,
        entityId: data.entityId,
        before: data.before,
        after: data.after,
      },
      select: { id: true },
    });
  const audits = {
    approval: await audit({ minute: -30, action: "pipeline.approval", entityType: "Pipeline", entityId: String(pipeline.id), after: { stage: "Approve", decision: "Approved" } }),
    ingest: await audit({ minute: -59, action: "deployments.ingest", entityType: "Deployment", entityId: uniqueSlug("req"), after: { created: [neighbour.id] }, user: false }),
    acknowledged: await audit({ minute: 6, action: "incident.update", entityType: "Incident", entityId: String(incident.id), before: { acknowledgedAt: null }, after: { acknowledgedAt: at(6).toISOString() } }),
  };
  await audit({ minute: -24, action: "deployments.ingest", entityType: "Deployment", entityId: uniqueSlug("req"), after: { created: [unrelated.id] }, user: false });
  await audit({ minute: -500, action: "incident.update", entityType: "Incident", entityId: String(incident.id), after: { title: "older" } });

  // The rules drafted its postmortem when it resolved (SEV1); made here if this database's rules do not ask for one.
  const postmortem = await db.postmortem.upsert({ where: { incidentId: incident.id }, create: { incidentId: incident.id, teamId, serviceId: checkout.id, title: "Checkout 5xx" }, update: {}, select: { id: true } });

  return { checkout, payments, web, caller, ada, token, pipeline, shipped, failed, suspect, old, later, neighbour, checkoutAlarm, transitionAt, incident, related, events, audits, postmortem };
}

type TScenario = Awaited<ReturnType<typeof scenario>>;

async function timeline(postmortemId: number) {
  return db.postmortemTimelineEntry.findMany({
    where: { postmortemId },
    orderBy: [{ at: "asc" }, { id: "asc" }],
    select: { id: true, at: true, source: true, kind: true, serviceId: true, text: true, originalText: true, originKey: true, portalUrl: true, consoleUrl: true, isSuspect: true, isStarred: true, isHidden: true },
  });
}

const short = (executionId: string) => executionId.slice(0, 8);

/** The timeline the scenario must give with the default margins (2 h before, 30 min after): time, key, text. */
function expectedTimeline(s: TScenario): [string, string, string][] {
  const p = s.pipeline.name;
  const shipped = `of ${p} (execution ${short(s.shipped.executionId)})`;
  return [
    ["09:00", `deployment:${s.neighbour.id}`, "Deployment of Payments v7 to production succeeded after 10 min 0 s (github)"],
    ["09:01", `audit:${s.audits.ingest.id}`, `Audit: deployments.ingest on Deployment ${"*"} by token ${"*"} (created: [${s.neighbour.id}])`],
    ["09:10", `deployment:${s.caller.id}`, "Deployment of Web w9 to production succeeded after 2 min 0 s (github)"],
    ["09:20", `pipeline:${s.shipped.id}:started`, `Pipeline ${p} started execution ${short(s.shipped.executionId)}`],
    ["09:20", `stage:${s.shipped.id}:Build:started`, `Stage Build ${shipped} started`],
    ["09:25", `stage:${s.shipped.id}:Build:finished`, `Stage Build ${shipped} succeeded`],
    ["09:25", `stage:${s.shipped.id}:Approve:started`, `Stage Approve ${shipped} started`],
    ["09:30", `stage:${s.shipped.id}:Approve:finished`, `Stage Approve ${shipped} succeeded`],
    ["09:30", `approval:${s.shipped.id}:Approve:Sign-off`, `Manual approval Sign-off in stage Approve ${shipped}: approved (“ship it”)`],
    ["09:30", `audit:${s.audits.approval.id}`, `Audit: pipeline.approval on Pipeline ${s.pipeline.id} by Ada (stage: Approve, decision: Approved)`],
    ["09:30", `stage:${s.shipped.id}:Prod:started`, `Stage Prod ${shipped} started`],
    ["09:40", `stage:${s.shipped.id}:Prod:finished`, `Stage Prod ${shipped} succeeded`],
    ["09:40", `pipeline:${s.shipped.id}:finished`, `Execution ${short(s.shipped.executionId)} of ${p} succeeded after 20 min 0 s`],
    ["09:40", `deployment:${s.suspect.id}`, "Deployment of Checkout a1b2c3d to production succeeded after 20 min 0 s (codepipeline)"],
    ["09:50", `health:${s.checkout.id}:2026-10-05T09:50:00.000Z:degraded`, "Service map: Checkout error rate 15.0 % (30 of 200 requests) in the 5 min from 09:50 UTC, at or above 5 %"],
    ["09:56", `alarm-transition:${s.transitionAt(-4)}`, `Alarm ${s.checkoutAlarm.name} in ALARM: Threshold Crossed: 5xx above 5%`],
    ["10:00", `incident-event:${s.events.opened.id}`, `Incident #${s.incident.id}: Opened as SEV1: Checkout 5xx (by alarm (cloudwatch))`],
    ["10:01", `incident-event:${s.events.attributed.id}`, `Incident #${s.incident.id}: Attributed to deployment #${s.suspect.id} by the rule`],
    ["10:02", `incident-event:${s.events.relatedOpened.id}`, `Related incident #${s.related.id} on Payments: Opened as SEV3: Payments slow`],
    ["10:06", `incident-event:${s.events.acknowledged.id}`, `Incident #${s.incident.id}: Acknowledged (by Ada)`],
    ["10:06", `audit:${s.audits.acknowledged.id}`, `Audit: incident.update on Incident ${s.incident.id} by Ada (acknowledgedAt: null → 2026-10-05T10:06:00.000Z)`],
    ["10:10", `pipeline:${s.failed.id}:started`, `Pipeline ${p} started execution ${short(s.failed.executionId)}`],
    ["10:15", `pipeline:${s.failed.id}:finished`, `Execution ${short(s.failed.executionId)} of ${p} failed after 5 min 0 s at Build.Compile: Unit tests failed`],
    ["10:20", `alarm-transition:${s.transitionAt(20)}`, `Alarm ${s.checkoutAlarm.name} back to OK: Threshold Crossed: 5xx below 5%`],
    ["10:25", `health:${s.checkout.id}:2026-10-05T10:25:00.000Z:recovered`, "Service map: Checkout error rate back to 0.5 % (1 of 200 requests) in the 5 min from 10:25 UTC, below 5 %"],
    ["10:30", `incident-event:${s.events.relatedResolved.id}`, `Related incident #${s.related.id} on Payments: Resolved after 28 min`],
    ["10:50", `incident-event:${s.events.resolved.id}`, `Incident #${s.incident.id}: Resolved after 50 min`],
    ["11:15", `deployment:${s.later.id}`, "Deployment of Checkout f1x to staging started (github)"],
  ];
}

/** Entries as [time, key, text], with the request id and token name (random per run) starred out of the ingest's audit text. */
function shape(entries: Awaited<ReturnType<typeof timeline>>, s: TScenario): [string, string, string][] {
  return entries.map((e) => [
    e.at.toISOString().slice(11, 16),
    e.originKey ?? "manual",
    e.originKey === `audit:${s.audits.ingest.id}` ? e.text.replace(/on Deployment \S+ by token \S+/, "on Deployment * by token *") : e.text,
  ]);
}

describe("draftTimeline", () => {
  it("drafts exactly the evidence around the incident, in order, with the milestones it implies", async () => {
    const s = await scenario();
    const result = await draftTimeline(getPool(), { postmortemId: s.postmortem.id, now: NOW });
    expect(result).toEqual({ entries: expectedTimeline(s).length, windowStart: at(-120), windowEnd: at(80) });

    const entries = await timeline(s.postmortem.id);
    expect(shape(entries, s)).toEqual(expectedTimeline(s));
    // Sources, links and flags of one entry per source.
    const byKey = new Map(entries.map((e) => [e.originKey, e]));
    const executionConsole = `https://${REGION}.console.aws.amazon.com/codesuite/codepipeline/pipelines/${encodeURIComponent(s.pipeline.name)}/executions/${s.shipped.executionId}/timeline?region=${REGION}`;
    expect(byKey.get(`deployment:${s.suspect.id}`)).toMatchObject({ source: "deployment", kind: "deployment.succeeded", serviceId: s.checkout.id, isSuspect: true, portalUrl: `/services/${s.checkout.slug}`, consoleUrl: executionConsole });
    expect(byKey.get(`deployment:${s.neighbour.id}`)).toMatchObject({ serviceId: s.payments.id, isSuspect: false, portalUrl: `/services/${s.payments.slug}`, consoleUrl: null });
    expect(byKey.get(`approval:${s.shipped.id}:Approve:Sign-off`)).toMatchObject({ source: "approval", kind: "approval.approved", portalUrl: `/pipelines/${s.pipeline.id}`, consoleUrl: executionConsole });
    expect(byKey.get(`alarm-transition:${s.transitionAt(-4)}`)).toMatchObject({
      source: "alarm",
      kind: "alarm.ALARM",
      portalUrl: `/alarms/${s.checkoutAlarm.id}`,
      consoleUrl: `https://${REGION}.console.aws.amazon.com/cloudwatch/home?region=${REGION}#alarmsV2:alarm/${encodeURIComponent(s.checkoutAlarm.name)}`,
    });
    expect(byKey.get(`incident-event:${s.events.opened.id}`)).toMatchObject({ source: "incident", kind: "incident.opened", portalUrl: `/incidents/${s.incident.id}` });
    expect(byKey.get(`incident-event:${s.events.relatedOpened.id}`)).toMatchObject({ kind: "related-incident.opened", serviceId: s.payments.id });
    expect(byKey.get(`health:${s.checkout.id}:2026-10-05T09:50:00.000Z:degraded`)).toMatchObject({ source: "servicemap", kind: "health.degraded", serviceId: s.checkout.id });
    expect(entries.filter((e) => e.isSuspect).map((e) => e.originKey)).toEqual([`deployment:${s.suspect.id}`]);
    expect(entries.every((e) => e.originalText === e.text && !e.isStarred && !e.isHidden)).toBe(true);

    const pm = await db.postmortem.findUniqueOrThrow({ where: { id: s.postmortem.id }, select: { timelineDraftedAt: true } });
    expect(pm.timelineDraftedAt).toEqual(NOW);

    const milestones = deriveMilestones({
      incident: { openedAt: at(0), acknowledgedAt: at(6), resolvedAt: at(50) },
      serviceId: s.checkout.id,
      entries,
      overrides: { impactStartedAt: null, mitigatedAt: null },
    });
    expect(milestones).toEqual({
      impactStarted: { at: at(-10).toISOString(), basis: "error rate at or above 5 %" },
      detected: { at: at(-4).toISOString(), basis: `first alarm: ${s.checkoutAlarm.name}` },
      acknowledged: { at: at(6).toISOString(), basis: "incident acknowledged" },
      mitigated: { at: at(20).toISOString(), basis: `alarm back to OK: ${s.checkoutAlarm.name}` },
      resolved: { at: at(50).toISOString(), basis: "incident resolved" },
      durations: { timeToDetect: 6 * MIN, timeToAcknowledge: 10 * MIN, timeToMitigate: 30 * MIN, timeToRecover: 60 * MIN },
      problems: [],
    });
  });

  it("takes the neighbours' deployments, either way along the map, and leaves out an unrelated service's and a neighbour's neighbour's", async () => {
    const s = await scenario();
    await draftTimeline(getPool(), { postmortemId: s.postmortem.id, now: NOW });
    const deployments = (await timeline(s.postmortem.id)).filter((e) => e.source === "deployment");
    expect(deployments.map((e) => [e.originKey, e.serviceId])).toEqual([
      [`deployment:${s.neighbour.id}`, s.payments.id],
      [`deployment:${s.caller.id}`, s.web.id],
      [`deployment:${s.suspect.id}`, s.checkout.id],
      [`deployment:${s.later.id}`, s.checkout.id],
    ]);
  });

  it("flags the attributed deployment, and drafts it even when it finished before the margin", async () => {
    const s = await scenario();
    await db.incident.update({ where: { id: s.incident.id }, data: { deploymentId: s.old.id } });
    await draftTimeline(getPool(), { postmortemId: s.postmortem.id, now: NOW });
    const entries = await timeline(s.postmortem.id);
    expect(entries.filter((e) => e.isSuspect).map((e) => [e.originKey, e.at.toISOString(), e.text])).toEqual([
      [`deployment:${s.old.id}`, at(-200).toISOString(), "Deployment of Checkout 0ld0ld0 to production succeeded after 15 min 0 s (github)"],
    ]);
    expect(entries.find((e) => e.originKey === `deployment:${s.suspect.id}`)?.isSuspect).toBe(false);
  });

  it("adds the evidence a wider margin takes in, and drops it again when narrowed", async () => {
    const s = await scenario();
    await draftTimeline(getPool(), { postmortemId: s.postmortem.id, now: NOW });
    await db.postmortem.update({ where: { id: s.postmortem.id }, data: { marginBeforeMinutes: 240 } });
    const wider = await draftTimeline(getPool(), { postmortemId: s.postmortem.id, now: NOW });
    expect(wider.windowStart).toEqual(at(-240));
    const added = (await timeline(s.postmortem.id)).filter((e) => e.at < at(-120)).map((e) => [e.at.toISOString().slice(11, 16), e.originKey]);
    expect(added).toEqual([
      ["06:40", `deployment:${s.old.id}`],
      ["07:30", `alarm-transition:${s.transitionAt(-150)}`],
    ]);

    await db.postmortem.update({ where: { id: s.postmortem.id }, data: { marginBeforeMinutes: 120 } });
    await draftTimeline(getPool(), { postmortemId: s.postmortem.id, now: NOW });
    expect(shape(await timeline(s.postmortem.id), s)).toEqual(expectedTimeline(s));
  });

  it("keeps stars, hiding, edits and entries added by hand when drafting again", async () => {
    const s = await scenario();
    await draftTimeline(getPool(), { postmortemId: s.postmortem.id, now: NOW });
    const key = (k: string) => ({ postmortemId_originKey: { postmortemId: s.postmortem.id, originKey: k } });
    await db.postmortemTimelineEntry.update({ where: key(`deployment:${s.neighbour.id}`), data: { isStarred: true } });
    await db.postmortemTimelineEntry.update({ where: key(`alarm-transition:${s.transitionAt(20)}`), data: { isHidden: true } });
    await db.postmortemTimelineEntry.update({ where: key(`incident-event:${s.events.opened.id}`), data: { text: "Ada got paged", at: at(1), editedById: s.ada.id } });
    const manual = await db.postmortemTimelineEntry.create({ data: { postmortemId: s.postmortem.id, at: at(3), source: "manual", text: "Rolled back by hand", isStarred: false }, select: { id: true } });

    // The evidence moves on: the starred deployment (and with it its ingest's audit row) and the failed execution
    // leave the window, the edited event is reworded.
    await db.deployment.update({ where: { id: s.neighbour.id }, data: { finishedAt: at(-400), startedAt: at(-410) } });
    await db.pipelineExecution.update({ where: { id: s.failed.id }, data: { startedAt: at(-2000), lastUpdatedAt: at(-1990) } });
    await db.incidentEvent.update({ where: { id: s.events.opened.id }, data: { message: "Opened as SEV1: Checkout 5xx and 4xx" } });
    await draftTimeline(getPool(), { postmortemId: s.postmortem.id, now: NOW });

    const entries = await timeline(s.postmortem.id);
    const byKey = new Map(entries.map((e) => [e.originKey, e]));
    expect(byKey.get(`deployment:${s.neighbour.id}`)).toMatchObject({ isStarred: true, text: "Deployment of Payments v7 to production succeeded after 10 min 0 s (github)" });
    expect(byKey.get(`alarm-transition:${s.transitionAt(20)}`)).toMatchObject({ isHidden: true, isStarred: false });
    expect(byKey.get(`incident-event:${s.events.opened.id}`)).toMatchObject({
      text: "Ada got paged",
      at: at(1),
      originalText: `Incident #${s.incident.id}: Opened as SEV1: Checkout 5xx and 4xx (by alarm (cloudwatch))`,
    });
    expect(byKey.has(`audit:${s.audits.ingest.id}`)).toBe(false);
    expect(byKey.has(`pipeline:${s.failed.id}:started`)).toBe(false);
    expect(byKey.has(`pipeline:${s.failed.id}:finished`)).toBe(false);
    expect(entries.filter((e) => e.originKey === null).map((e) => [e.id, e.text, e.at])).toEqual([[manual.id, "Rolled back by hand", at(3)]]);
    expect(entries).toHaveLength(expectedTimeline(s).length - 3 + 1);
  });

  it("drafts the same timeline twice over (a redraft changes nothing)", async () => {
    const s = await scenario();
    await draftTimeline(getPool(), { postmortemId: s.postmortem.id, now: NOW });
    const first = await timeline(s.postmortem.id);
    await draftTimeline(getPool(), { postmortemId: s.postmortem.id, now: new Date(NOW.getTime() + 3_600_000) });
    expect(await timeline(s.postmortem.id)).toEqual(first);
  });

  it("drafts nothing for a stand-alone postmortem until the impact's start is known, then its window", async () => {
    const { teamId, serviceId } = await makeService();
    await deployment(serviceId, { start: -30, finish: -20, version: "v1", source: "github" });
    const postmortem = await db.postmortem.create({ data: { teamId, serviceId, title: "Slow checkout" }, select: { id: true } });
    expect(await draftTimeline(getPool(), { postmortemId: postmortem.id, now: NOW })).toEqual({ entries: 0, windowStart: null, windowEnd: null });
    expect((await db.postmortem.findUniqueOrThrow({ where: { id: postmortem.id }, select: { timelineDraftedAt: true } })).timelineDraftedAt).toBeNull();

    await db.postmortem.update({ where: { id: postmortem.id }, data: { impactStartedAt: at(0), mitigatedAt: at(15) } });
    expect(await draftTimeline(getPool(), { postmortemId: postmortem.id, now: NOW })).toEqual({ entries: 1, windowStart: at(-120), windowEnd: at(45) });
    expect((await timeline(postmortem.id)).map((e) => e.text)).toEqual([expect.stringMatching(/^Deployment of svc-\w+ v1 to production succeeded after 10 min 0 s \(github\)$/)]);
  });

  it("says so when the postmortem does not exist", async () => {
    await expect(draftTimeline(getPool(), { postmortemId: 2_000_000_000, now: NOW })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
