import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { createIngestToken, createTeamAndService, expectNoAxeViolations, mockedAwsAccount, postDeployment, sql } from "./helpers";

test("the board lists alarms in alarm first, by team and service, filters by state, and is keyboard-usable and accessible", async ({ page }) => {
  await page.goto("/alarms");
  await expect(page.getByRole("heading", { level: 1, name: "Alarms" })).toBeVisible();
  await expect(page.getByText(/AWS data as of/)).toBeVisible();
  // The first section is the alarms in ALARM.
  await expect(page.locator("section").first().getByRole("heading", { level: 2 })).toContainText("In alarm");
  await expectNoAxeViolations(page);

  await page.getByRole("combobox", { name: "State" }).selectOption("ok");
  await page.getByRole("searchbox", { name: "Search" }).focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/state=ok/);
  const rows = page.locator("tbody tr");
  await expect(rows.first()).toBeVisible();
  for (const row of (await rows.all()).slice(0, 20)) await expect(row.getByText("OK", { exact: true })).toBeVisible();
});

/**
 * An alarm of the test's own, first heard of through an EventBridge state change (as the portal learns of a new
 * alarm between syncs), mapped to a service of its own by the catalog annotation.
 */
async function createOwnAlarm(request: APIRequestContext, token: string, options: { isMetric?: boolean } = {}) {
  const { accountId, region } = await mockedAwsAccount();
  const name = `e2e-alarm-${randomUUID().slice(0, 8)}`;
  const arn = `arn:aws:cloudwatch:${region}:${accountId}:alarm:${name}`;
  const own = await createTeamAndService(request, { "aws.amazon.com/cloudwatch-alarm-arns": arn });
  const alarm = { ...own, name, arn, accountId, region };
  const metrics = options.isMetric
    ? [{ id: "m1", returnData: true, metricStat: { metric: { namespace: "AWS/ApplicationELB", name: "HTTPCode_Target_5XX_Count", dimensions: { LoadBalancer: `app/${name}/1` } }, period: 300, stat: "Sum" } }]
    : [];
  await sendAlarmEvent(request, token, alarm, { from: "INSUFFICIENT_DATA", to: "OK", at: new Date(Date.now() - 3 * 3_600_000), reason: "Threshold Crossed: no datapoints were greater than the threshold (25.0).", metrics });
  const [row] = await sql<{ id: number; serviceId: number | null }>(`SELECT id, "serviceId" FROM "Alarm" WHERE arn = $1`, [arn]);
  expect(row?.serviceId).not.toBeNull();
  return { ...alarm, id: row!.id };
}

async function sendAlarmEvent(
  request: APIRequestContext,
  token: string,
  alarm: { name: string; arn: string; accountId: string; region: string },
  change: { from: string; to: string; at: Date; reason: string; metrics?: unknown[] },
) {
  const cw = (date: Date) => date.toISOString().replace("Z", "+0000");
  const event = {
    version: "0",
    id: randomUUID(),
    "detail-type": "CloudWatch Alarm State Change",
    source: "aws.cloudwatch",
    account: alarm.accountId,
    time: change.at.toISOString().replace(/\.\d+Z$/, "Z"),
    region: alarm.region,
    resources: [alarm.arn],
    detail: {
      alarmName: alarm.name,
      state: { value: change.to, reason: change.reason, timestamp: cw(change.at) },
      previousState: { value: change.from, reason: "", timestamp: cw(new Date(change.at.getTime() - 3_600_000)) },
      configuration: { metrics: change.metrics ?? [] },
    },
  };
  const response = await request.post("/api/events/aws", { data: event, headers: { authorization: `Bearer ${token}` } });
  expect(response.status(), await response.text()).toBe(200);
  expect(((await response.json()) as { applied: number }).applied).toBe(1);
}

test("an alarm that enters ALARM while the board is open moves to the top, and its incident opens", async ({ page, request }) => {
  const token = await createIngestToken();
  const alarm = await createOwnAlarm(request, token);
  // Its severity comes from its portside:severity tag at the next sync, which the end-to-end server does not run.
  await sql(`UPDATE "Alarm" SET severity = 'SEV1' WHERE id = $1`, [alarm.id]);
  const { name } = alarm;
  await page.goto("/alarms");
  const firstRow = page.locator("section").first().locator("tbody tr").first();
  await expect(firstRow).toBeVisible();
  await expect(firstRow).not.toContainText(name);

  await sendAlarmEvent(request, token, alarm, {
    from: "OK",
    to: "ALARM",
    at: new Date(),
    reason: "Threshold Crossed: 3 datapoints [97.0, 95.5, 99.1] were greater than the threshold (25.0).",
  });

  // No reload: the board polls.
  await expect(firstRow).toContainText(name, { timeout: 30_000 });
  await expect(firstRow).toContainText("In alarm");
  await expect(firstRow).toContainText("[97.0, 95.5, 99.1]");

  await firstRow.getByRole("link", { name, exact: true }).click();
  const incidents = page.getByRole("list", { name: "Incidents of this alarm" });
  await expect(incidents.getByRole("link", { name: `${name} in ALARM` })).toBeVisible();
  await expect(incidents).toContainText("open");
});

test("the alarm page charts the metric with its threshold and the service's deployment as a marker", async ({ page, request }) => {
  const token = await createIngestToken();
  const alarm = await createOwnAlarm(request, token, { isMetric: true });
  // The threshold comes from DescribeAlarms at the next sync, which the end-to-end server does not run.
  await sql(`UPDATE "Alarm" SET threshold = 25, comparison = 'GreaterThanThreshold' WHERE id = $1`, [alarm.id]);
  const version = `e2e-${randomUUID().slice(0, 8)}`;
  const now = Date.now();
  await postDeployment(request, token, { service: alarm.serviceSlug, version, startedAt: new Date(now - 100 * 60_000), finishedAt: new Date(now - 95 * 60_000) });
  await page.goto(`/alarms/${alarm.id}`);
  await expect(page.getByRole("heading", { level: 1, name: alarm.name })).toBeVisible();
  const chart = page.getByTestId("alarm-metric-chart");
  await expect(chart).toBeVisible({ timeout: 30_000 });
  await expect(chart).toHaveAttribute("aria-label", /threshold \d+/);
  await expect(chart.locator("svg")).toContainText(`Deploy ${version}`);
  await expect(chart.locator("svg")).toContainText("Threshold");
  await expect(page.getByRole("list", { name: "Deployments in this window" })).toContainText(version);
  await expect(page.getByRole("link", { name: /Open in the AWS console/ })).toHaveAttribute("href", /console\.aws\.amazon\.com\/cloudwatch\/home\?region=[a-z0-9-]+#alarmsV2:alarm\//);

  // The window can be changed from the keyboard.
  const threeHours = page.getByRole("button", { name: "3h", exact: true });
  await threeHours.focus();
  await page.keyboard.press("Enter");
  await expect(threeHours).toHaveAttribute("aria-pressed", "true");
  await expect(chart.locator("svg")).toContainText(`Deploy ${version}`);
  await expect(page.getByRole("list", { name: "State changes, newest first" })).toBeVisible();
  await expectNoAxeViolations(page);
});
