/**
 * AWS accounts through their routes, as an admin's browser sends them: the
 * alarm naming rule is validated (400 naming the field, nothing stored) and
 * a changed rule re-derives the account's alarm severities at once (a firing
 * alarm it makes SEV1 opens its incident from its transition); a new account
 * without a role or external id gets the deployment's member role
 * (PORTSIDE_MEMBER_ROLE_NAME, PORTSIDE_MEMBER_EXTERNAL_ID).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { POST } from "@/app/api/aws-accounts/route";
import { PUT } from "@/app/api/aws-accounts/[id]/route";
import { closeDb, db } from "@/lib/db";
import { makeService, uniqueSlug } from "@/lib/testing/fixtures";
import { makeUser, sessionCookie, TEST_ORIGIN } from "@/lib/testing/sessions";

// Read once by lib/env.ts, so set before anything reads it.
vi.hoisted(() => {
  process.env.PORTSIDE_MEMBER_ROLE_NAME = "PortsideRead";
  process.env.PORTSIDE_MEMBER_EXTERNAL_ID = "portside-member-external-id";
});

let headers: Record<string, string>;
beforeAll(async () => {
  const admin = await makeUser("ADMIN");
  headers = { "content-type": "application/json", cookie: await sessionCookie(admin.email), origin: TEST_ORIGIN };
});
afterAll(async () => {
  delete process.env.PORTSIDE_MEMBER_ROLE_NAME;
  delete process.env.PORTSIDE_MEMBER_EXTERNAL_ID;
  await closeDb();
});

const randomAccountId = () => String(Math.floor(1e11 + Math.random() * 9e11));

async function create(body: Record<string, unknown>) {
  const response = await POST(new Request(`${TEST_ORIGIN}/api/aws-accounts`, { method: "POST", headers, body: JSON.stringify(body) }), { params: Promise.resolve({}) });
  return { status: response.status, body: (await response.json()) as { id: number; error?: { details: { issues: { path: string; message: string }[] } } } };
}

async function update(id: number, body: Record<string, unknown>) {
  const response = await PUT(new Request(`${TEST_ORIGIN}/api/aws-accounts/${id}`, { method: "PUT", headers, body: JSON.stringify(body) }), { params: Promise.resolve({ id: String(id) }) });
  return { status: response.status, body: (await response.json()) as { error?: { details: { issues: { path: string; message: string }[] } } } };
}

describe("AWS accounts", () => {
  it("refuses an alarm naming rule that cannot read a severity, naming the field, and stores nothing", async () => {
    for (const [pattern, message] of [
      ["([", /not a valid regular expression/],
      ["^SEV[1-4]-", /needs a capture group/],
      ["^(prod|dev)-sev([1-4])", /first capture group must capture a severity/],
    ] as const) {
      const accountId = randomAccountId();
      const { status, body } = await create({ accountId, name: "bad-rule", regions: ["eu-west-1"], alarmSeverityPattern: pattern });
      expect(status, pattern).toBe(400);
      expect(body.error?.details.issues).toEqual([{ path: "alarmSeverityPattern", message: expect.stringMatching(message) }]);
      expect(await db.awsAccount.count({ where: { accountId } })).toBe(0);
    }
  });

  it("gives a new account the deployment's member role and external id unless told otherwise", async () => {
    const accountId = randomAccountId();
    expect((await create({ accountId, name: "member", regions: ["eu-west-1"], alarmSeverityPattern: "-(sev[1-4])-" })).status).toBe(201);
    expect(await db.awsAccount.findUniqueOrThrow({ where: { accountId }, select: { roleArn: true, externalId: true, alarmSeverityPattern: true } })).toEqual({
      roleArn: `arn:aws:iam::${accountId}:role/PortsideRead`,
      externalId: "portside-member-external-id",
      alarmSeverityPattern: "-(sev[1-4])-",
    });
    const home = randomAccountId();
    expect((await create({ accountId: home, name: "home", regions: ["eu-west-1"], roleArn: null })).status).toBe(201);
    expect(await db.awsAccount.findUniqueOrThrow({ where: { accountId: home }, select: { roleArn: true, externalId: true } })).toEqual({ roleArn: null, externalId: null });
    const own = randomAccountId();
    expect((await create({ accountId: own, name: "own", regions: ["eu-west-1"], roleArn: `arn:aws:iam::${own}:role/custom`, externalId: "their-own-id" })).status).toBe(201);
    expect(await db.awsAccount.findUniqueOrThrow({ where: { accountId: own }, select: { roleArn: true, externalId: true } })).toEqual({ roleArn: `arn:aws:iam::${own}:role/custom`, externalId: "their-own-id" });
  });

  it("re-derives the account's alarm severities when its naming rule changes, opening the incident of a firing alarm it makes SEV1", async () => {
    const { serviceId } = await makeService();
    const accountId = randomAccountId();
    const { body: account } = await create({ accountId, name: uniqueSlug("acct"), regions: ["eu-west-1"] });
    const name = uniqueSlug("api-sev1-errors");
    const openedAt = new Date("2026-11-02T10:12:00Z");
    const alarm = await db.alarm.create({
      data: { awsAccountId: account.id, region: "eu-west-1", arn: `arn:aws:cloudwatch:eu-west-1:${accountId}:alarm:${name}`, name, serviceId, state: "ALARM", stateUpdatedAt: openedAt },
      select: { id: true },
    });
    await db.alarmTransition.create({ data: { alarmId: alarm.id, fromState: "OK", toState: "ALARM", reason: "Threshold Crossed", at: openedAt } });

    const bad = await update(account.id, { accountId, name: "renamed", regions: ["eu-west-1"], alarmSeverityPattern: "sev[1-4]" });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.details.issues.map((i) => i.path)).toEqual(["alarmSeverityPattern"]);
    expect(await db.awsAccount.findUniqueOrThrow({ where: { id: account.id }, select: { name: true, alarmSeverityPattern: true } })).toMatchObject({ alarmSeverityPattern: null });

    expect((await update(account.id, { accountId, name: "renamed", regions: ["eu-west-1"], alarmSeverityPattern: "-(sev[1-4])-" })).status).toBe(200);
    expect(await db.alarm.findUniqueOrThrow({ where: { id: alarm.id }, select: { severity: true } })).toEqual({ severity: "SEV1" });
    expect(await db.incident.findMany({ where: { serviceId }, select: { severity: true, status: true, openedAt: true, source: true } })).toEqual([
      { severity: "SEV1", status: "OPEN", openedAt, source: "cloudwatch" },
    ]);
    // An update that leaves the rule out keeps it.
    expect((await update(account.id, { accountId, name: "renamed again", regions: ["eu-west-1"] })).status).toBe(200);
    expect(await db.awsAccount.findUniqueOrThrow({ where: { id: account.id }, select: { alarmSeverityPattern: true } })).toEqual({ alarmSeverityPattern: "-(sev[1-4])-" });
  });
});
