/**
 * Insights on a small history built by hand, with the figures worked out in
 * the comments; then the SQL repeat rule held to the TypeScript one
 * (lib/postmortems/insights.ts) on random histories.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db";
import { insightBuckets, repeatIncidentIds, timeFigure, type TRepeatCandidate } from "@/lib/postmortems/insights";
import { getPostmortemInsights } from "@/lib/postmortems/server/get-postmortem-insights";
import { makeTeamService, uniqueSlug } from "@/lib/testing/fixtures";

afterAll(closeDb);

const NOW = new Date("2026-12-10T12:00:00Z");
const MIN = 60;
const DAY = 86_400;
const at = (iso: string, plusSeconds = 0) => new Date(Date.parse(iso) + plusSeconds * 1000);

const teamSlug = async (id: number) => (await db.team.findUniqueOrThrow({ where: { id }, select: { slug: true } })).slug;

async function makeAccount() {
  const accountId = String(Math.floor(Math.random() * 1e12)).padStart(12, "0");
  return (await db.awsAccount.create({ data: { accountId, name: uniqueSlug("acct"), regions: ["eu-west-1"] }, select: { id: true } })).id;
}

async function makeAlarm(awsAccountId: number, serviceId: number, transitions: [string, "ALARM" | "OK"][] = []) {
  const alarm = await db.alarm.create({
    data: { awsAccountId, region: "eu-west-1", arn: `arn:aws:cloudwatch:eu-west-1:1:alarm:${uniqueSlug("a")}`, name: uniqueSlug("alarm"), serviceId, state: "OK", stateUpdatedAt: NOW },
    select: { id: true },
  });
  if (transitions.length) await db.alarmTransition.createMany({ data: transitions.map(([when, toState]) => ({ alarmId: alarm.id, at: new Date(when), toState })) });
  return alarm.id;
}

async function makeDeployment(serviceId: number) {
  return (
    await db.deployment.create({
      data: { serviceId, environment: "production", status: "SUCCEEDED", startedAt: at("2026-08-01T00:00:00Z"), finishedAt: at("2026-08-01T00:10:00Z"), source: "test", externalId: uniqueSlug("d") },
      select: { id: true },
    })
  ).id;
}

interface TIncidentSpec {
  serviceId: number;
  severity: "SEV1" | "SEV2" | "SEV3" | "SEV4";
  openedAt: string;
  ackAfter?: number;
  resolveAfter?: number;
  deploymentId?: number;
  alarmIds?: number[];
}

async function makeIncident(spec: TIncidentSpec) {
  const opened = new Date(spec.openedAt);
  const incident = await db.incident.create({
    data: {
      serviceId: spec.serviceId,
      title: "Errors",
      severity: spec.severity,
      openedAt: opened,
      acknowledgedAt: spec.ackAfter === undefined ? null : at(spec.openedAt, spec.ackAfter),
      resolvedAt: spec.resolveAfter === undefined ? null : at(spec.openedAt, spec.resolveAfter),
      status: spec.resolveAfter === undefined ? (spec.ackAfter === undefined ? "OPEN" : "ACKNOWLEDGED") : "RESOLVED",
      source: "test",
      externalId: uniqueSlug("inc"),
      deploymentId: spec.deploymentId ?? null,
      alarms: { create: (spec.alarmIds ?? []).map((alarmId) => ({ alarmId })) },
    },
    select: { id: true },
  });
  return incident.id;
}

async function makeItem(postmortemId: number, teamId: number, createdAt: string, status: "OPEN" | "IN_PROGRESS" | "DONE" | "WONT_DO", extra: { completedAt?: string; dueAt?: string } = {}) {
  await db.actionItem.create({
    data: {
      postmortemId,
      teamId,
      title: uniqueSlug("item"),
      status,
      createdAt: new Date(createdAt),
      completedAt: extra.completedAt ? new Date(extra.completedAt) : null,
      dueAt: extra.dueAt ? new Date(extra.dueAt) : null,
    },
  });
}

describe("postmortem insights on a history built by hand", () => {
  it("gives the exact figures, with the repeat rule, the detection rule and the partial month", async () => {
    // Group G (service S1) with team C nested under it (service S2); O is outside (service S3).
    const g = await makeTeamService();
    const c = await makeTeamService({ parentId: g.teamId });
    const o = await makeTeamService();
    const account = await makeAccount();
    const s1 = g.serviceId;
    const s2 = c.serviceId;
    const a1 = await makeAlarm(account, s1, [["2026-07-09T23:55:00Z", "ALARM"]]);
    const a3 = await makeAlarm(account, s2, [["2026-10-04T23:00:00Z", "ALARM"]]);
    // 25 h before I7 opened (outside the look-back), an OK, and an ALARM after it opened: none is a detection.
    const a4 = await makeAlarm(account, s1, [
      ["2026-10-29T23:00:01Z", "ALARM"],
      ["2026-10-30T23:59:00Z", "OK"],
      ["2026-10-31T00:05:00Z", "ALARM"],
    ]);
    const d1 = await makeDeployment(s1);
    const d2 = await makeDeployment(s2);

    // I0, before the period: makes I1 a repeat.
    await makeIncident({ serviceId: s1, severity: "SEV3", openedAt: "2026-06-25T00:00:00Z", resolveAfter: 60 });
    // Jul: I1, detected by A1 5 min before it opened (no start of impact set: TTD unknown; TTA 15 min and TTR 65 min from A1; repeat of I0, 15 days).
    await makeIncident({ serviceId: s1, severity: "SEV3", openedAt: "2026-07-10T00:00:00Z", ackAfter: 10 * MIN, resolveAfter: 60 * MIN, alarmIds: [a1] });
    // Sep: I2 (no detection known; TTA 20 min; TTR 2 h; attributed; 53 days after I1: not a repeat).
    await makeIncident({ serviceId: s1, severity: "SEV3", openedAt: "2026-09-01T00:00:00Z", ackAfter: 20 * MIN, resolveAfter: 120 * MIN, deploymentId: d1 });
    // Sep: I3, SEV2 resolved: the database drafts its postmortem (team C), where a person sets the start of impact 15 min before (TTD 15 min, TTR 45 min).
    const i3 = await makeIncident({ serviceId: s2, severity: "SEV2", openedAt: "2026-09-20T00:00:00Z", resolveAfter: 30 * MIN });
    const drafted = await db.postmortem.update({ where: { incidentId: i3 }, data: { impactStartedAt: at("2026-09-19T23:45:00Z") }, select: { id: true, teamId: true } });
    expect(drafted.teamId).toBe(c.teamId);
    // Sep, outside the scope: I5 on S3 with alarm A3.
    await makeIncident({ serviceId: o.serviceId, severity: "SEV3", openedAt: "2026-09-10T00:00:00Z", alarmIds: [a3] });
    // Oct: I4 (shares A3 with I5, 25 days before: a repeat though I5 is another team's; detected by A3 1 h before it opened: TTD unknown, TTA 65 min, TTR 100 min; attributed).
    await makeIncident({ serviceId: s2, severity: "SEV3", openedAt: "2026-10-05T00:00:00Z", ackAfter: 5 * MIN, resolveAfter: 40 * MIN, deploymentId: d2, alarmIds: [a3] });
    // Oct: I6 exactly 30 days after I2 on S1: a repeat (TTR 1 day). I7 30 days and 1 s after I6: not (TTA 1 min; no detection).
    await makeIncident({ serviceId: s1, severity: "SEV4", openedAt: "2026-10-01T00:00:00Z", resolveAfter: DAY });
    await makeIncident({ serviceId: s1, severity: "SEV4", openedAt: "2026-10-31T00:00:01Z", ackAfter: MIN, alarmIds: [a4] });
    // Dec, the month so far: I8 (TTA 2 min, open).
    await makeIncident({ serviceId: s2, severity: "SEV3", openedAt: "2026-12-05T00:00:00Z", ackAfter: 2 * MIN });

    // Action items: on a stand-alone postmortem of G, and on I3's (team C); one of O's.
    const pmG = (await db.postmortem.create({ data: { teamId: g.teamId, title: "Capacity review" }, select: { id: true } })).id;
    const pmO = (await db.postmortem.create({ data: { teamId: o.teamId, title: "Elsewhere" }, select: { id: true } })).id;
    await makeItem(pmG, g.teamId, "2026-07-15T00:00:00Z", "DONE", { completedAt: "2026-07-25T00:00:00Z" }); // 10 days
    await makeItem(pmG, g.teamId, "2026-07-20T00:00:00Z", "WONT_DO");
    await makeItem(drafted.id, c.teamId, "2026-09-21T00:00:00Z", "DONE", { completedAt: "2026-10-11T00:00:00Z" }); // 20 days
    await makeItem(drafted.id, c.teamId, "2026-09-22T00:00:00Z", "OPEN", { dueAt: "2026-10-22T00:00:00Z" }); // overdue, 79.5 days old
    await makeItem(pmG, g.teamId, "2026-10-02T00:00:00Z", "IN_PROGRESS", { dueAt: "2026-12-30T00:00:00Z" }); // 69.5 days old
    await makeItem(pmG, g.teamId, "2026-12-01T00:00:00Z", "OPEN"); // 9.5 days old
    await makeItem(pmG, g.teamId, "2026-03-01T00:00:00Z", "OPEN", { dueAt: "2026-04-01T00:00:00Z" }); // before the period; overdue, 284.5 days old
    await makeItem(pmO, o.teamId, "2026-09-01T00:00:00Z", "OPEN", { dueAt: "2026-09-02T00:00:00Z" });

    const insights = await getPostmortemInsights({ query: { team: await teamSlug(g.teamId), period: "6m" }, now: NOW });
    const [gSlug, cSlug] = [await teamSlug(g.teamId), await teamSlug(c.teamId)];

    expect(insights.buckets.map((b) => [b.label, b.isPartial])).toEqual([
      ["Jul 2026", false],
      ["Aug 2026", false],
      ["Sep 2026", false],
      ["Oct 2026", false],
      ["Nov 2026", false],
      ["Dec 2026", true],
    ]);
    expect(insights.team).toEqual({ slug: gSlug, name: "Test team" });

    const none = timeFigure(0, null);
    expect(insights.incidents.byBucket).toEqual([
      { incidents: 1, ttd: none, tta: timeFigure(1, 900), ttr: timeFigure(1, 3900), repeats: 1, attributed: 0 },
      { incidents: 0, ttd: none, tta: none, ttr: none, repeats: 0, attributed: 0 },
      // TTR of 2 h and 45 min: the median is their mean (percentile_cont).
      { incidents: 2, ttd: timeFigure(1, 900), tta: timeFigure(1, 1200), ttr: timeFigure(2, 4950), repeats: 0, attributed: 1 },
      { incidents: 3, ttd: none, tta: timeFigure(2, 1980), ttr: timeFigure(2, 46_200), repeats: 2, attributed: 1 },
      { incidents: 0, ttd: none, tta: none, ttr: none, repeats: 0, attributed: 0 },
      { incidents: 1, ttd: none, tta: timeFigure(1, 120), ttr: none, repeats: 0, attributed: 0 },
    ]);
    expect(insights.incidents.total).toEqual({
      incidents: 7,
      ttd: timeFigure(1, 900),
      tta: timeFigure(5, 900),
      ttr: timeFigure(5, 6000),
      repeats: 3,
      attributed: 2,
    });
    expect(insights.incidents.bySeverity).toEqual({ SEV1: 0, SEV2: 1, SEV3: 4, SEV4: 2 });
    expect(insights.incidents.byBucketSeverity.SEV3.map((f) => f.ttr.median)).toEqual([3900, null, 7200, 6000, null, null]);
    expect(insights.incidents.byBucketSeverity.SEV4[3]).toMatchObject({ incidents: 2, repeats: 1, tta: { n: 1, median: 60 } });
    expect(insights.incidents.byTeam.map((t) => [t.team.slug, t.figures.incidents, t.figures.repeats])).toEqual([
      [gSlug, 4, 2],
      [cSlug, 3, 1],
    ]);

    expect(insights.actionItems.byBucket.map((f) => [f.created, f.done, f.wontDo, f.open, f.timeToComplete.median])).toEqual([
      [2, 1, 1, 0, 10 * DAY],
      [0, 0, 0, 0, null],
      [2, 1, 0, 1, 20 * DAY],
      [1, 0, 0, 1, null],
      [0, 0, 0, 0, null],
      [1, 0, 0, 1, null],
    ]);
    expect(insights.actionItems.total).toEqual({ created: 6, done: 2, wontDo: 1, open: 3, timeToComplete: timeFigure(2, 15 * DAY) });
    expect(insights.actionItems.open).toEqual({ total: 4, overdue: 2, byAge: [1, 2, 0, 1] });
    expect(insights.actionItems.byTeam).toEqual([
      { team: { slug: gSlug, name: "Test team" }, open: 3, overdue: 1, oldestOpenSeconds: 284.5 * DAY },
      { team: { slug: cSlug, name: "Test team" }, open: 1, overdue: 1, oldestOpenSeconds: 79.5 * DAY },
    ]);

    // The nested team alone: I3, I4, I8.
    const nested = await getPostmortemInsights({ query: { team: cSlug, period: "6m" }, now: NOW });
    expect(nested.incidents.total).toMatchObject({ incidents: 3, repeats: 1, attributed: 1 });
    expect(nested.actionItems.open).toEqual({ total: 1, overdue: 1, byAge: [0, 1, 0, 0] });
  });

  it("says nothing for a team that does not exist, rather than the organisation's figures", async () => {
    const insights = await getPostmortemInsights({ query: { team: "no-such-team", period: "12w" }, now: NOW });
    expect(insights.team).toBeNull();
    expect(insights.buckets).toEqual(insightBuckets("12w", NOW));
    expect(insights.incidents.total.incidents).toBe(0);
    expect(insights.actionItems.open.total).toBe(0);
  });
});

describe("the SQL repeat rule", () => {
  it("counts the same repeats per month as the TypeScript rule, on random histories", async () => {
    const account = await makeAccount();
    const spec = fc.record({
      service: fc.integer({ min: 0, max: 2 }),
      // Quarter days over the 12 months before NOW, some at the same instant.
      quarter: fc.integer({ min: 0, max: 4 * 340 }),
      alarms: fc.uniqueArray(fc.integer({ min: 0, max: 2 }), { maxLength: 2 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(spec, { minLength: 1, maxLength: 30 }), async (specs) => {
        const team = await makeTeamService();
        const services = [team.serviceId, ...(await Promise.all([1, 2].map(async () => (await db.service.create({ data: { slug: uniqueSlug("svc"), name: "s", teamId: team.teamId }, select: { id: true } })).id)))];
        const alarms = await Promise.all([0, 1, 2].map((i) => makeAlarm(account, services[i]!)));
        const candidates: TRepeatCandidate[] = [];
        for (const s of specs) {
          const openedAt = new Date(NOW.getTime() - (s.quarter * DAY * 1000) / 4);
          const alarmIds = s.alarms.map((a) => alarms[a]!);
          const id = await makeIncident({ serviceId: services[s.service]!, severity: "SEV4", openedAt: openedAt.toISOString(), alarmIds });
          candidates.push({ id, serviceId: services[s.service]!, openedAt, alarmIds });
        }
        const insights = await getPostmortemInsights({ query: { team: await teamSlug(team.teamId), period: "12m" }, now: NOW });
        const repeats = repeatIncidentIds(candidates);
        const expected = insights.buckets.map((b) => candidates.filter((c) => repeats.has(c.id) && c.openedAt >= new Date(b.from) && c.openedAt < new Date(b.to)).length);
        expect(insights.incidents.byBucket.map((f) => f.repeats)).toEqual(expected);
      }),
      { numRuns: 8 },
    );
  }, 120_000);
});
