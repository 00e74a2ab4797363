import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { createIngestToken, expectNoAxeViolations, sql } from "./helpers";

test("the board lists alarms in alarm first, by team and service, filters by state, and is keyboard-usable and accessible", async ({ page }) => {
  test.setTimeout(90_000);
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

test("an alarm that enters ALARM while the board is open moves to the top, and its incident opens", async ({ page, request }) => {
  test.setTimeout(90_000);
  const token = await createIngestToken();
  // A seeded SEV1 or SEV2 alarm of a service, in OK.
  const [alarm] = await sql<{ id: number; name: string; region: string; accountId: string; arn: string }>(
    `SELECT al.id, al.name, al.region, a."accountId", al.arn FROM "Alarm" al JOIN "AwsAccount" a ON a.id = al."awsAccountId"
     WHERE al.state = 'OK' AND al.severity IN ('SEV1', 'SEV2') AND al."serviceId" IS NOT NULL ORDER BY al.id LIMIT 1`,
  );
  const { name, region, accountId, arn } = alarm!;
  await page.goto("/alarms");
  const firstRow = page.locator("section").first().locator("tbody tr").first();
  await expect(firstRow).toBeVisible();
  await expect(firstRow).not.toContainText(name);

  const now = new Date();
  const cw = (date: Date) => date.toISOString().replace("Z", "+0000");
  const event = {
    version: "0",
    id: randomUUID(),
    "detail-type": "CloudWatch Alarm State Change",
    source: "aws.cloudwatch",
    account: accountId,
    time: now.toISOString().replace(/\.\d+Z$/, "Z"),
    region,
    resources: [arn],
    detail: {
      alarmName: name,
      state: { value: "ALARM", reason: "Threshold Crossed: 3 datapoints [97.0, 95.5, 99.1] were greater than the threshold (25.0).", timestamp: cw(now) },
      previousState: { value: "OK", reason: "Threshold Crossed: no datapoints were greater than the threshold (25.0).", timestamp: cw(new Date(now.getTime() - 3_600_000)) },
      configuration: { metrics: [] },
    },
  };
  const response = await request.post("/api/events/aws", { data: event, headers: { authorization: `Bearer ${token}` } });
  expect(response.status(), await response.text()).toBe(200);

  // No reload: the board polls.
  await expect(firstRow).toContainText(name, { timeout: 30_000 });
  await expect(firstRow).toContainText("In alarm");
  await expect(firstRow).toContainText("[97.0, 95.5, 99.1]");

  await firstRow.getByRole("link", { name, exact: true }).click();
  const incidents = page.getByRole("list", { name: "Incidents of this alarm" });
  await expect(incidents.getByRole("link", { name: `${name} in ALARM` })).toBeVisible();
  await expect(incidents).toContainText("open");
});

test("the alarm page charts the metric with its threshold and the service's deployment as a marker", async ({ page }) => {
  test.setTimeout(90_000);
  const [alarm] = await sql<{ id: number; serviceId: number; name: string }>(
    `SELECT id, "serviceId", name FROM "Alarm" WHERE "serviceId" IS NOT NULL AND "metricName" IS NOT NULL AND threshold IS NOT NULL ORDER BY id DESC LIMIT 1`,
  );
  const version = `e2e-${randomUUID().slice(0, 8)}`;
  await sql(
    `INSERT INTO "Deployment" ("serviceId", environment, status, "startedAt", "finishedAt", version, source, "externalId", "updatedAt")
     VALUES ($1, 'production', 'SUCCEEDED', now() - interval '100 minutes', now() - interval '95 minutes', $2, 'e2e', $2, now())`,
    [alarm!.serviceId, version],
  );
  await page.goto(`/alarms/${alarm!.id}`);
  await expect(page.getByRole("heading", { level: 1, name: alarm!.name })).toBeVisible();
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
