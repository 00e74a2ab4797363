import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { createIngestToken, createTeamAndService, expectHydrated, expectNoAxeViolations, mockedAwsAccount, sql } from "./helpers";

test("the board lists pipelines by team, failures first, filters by status, and leads to a pipeline's history", async ({ page }) => {
  await page.goto("/pipelines");
  await expect(page.getByRole("heading", { level: 1, name: "Pipelines" })).toBeVisible();
  await expect(page.getByText(/AWS data as of/)).toBeVisible();
  const firstRow = page.locator("tbody tr").first();
  await expect(firstRow.getByText("Failed", { exact: true }).first()).toBeVisible();
  await expectNoAxeViolations(page);

  await page.getByRole("combobox", { name: "Status" }).selectOption("in_progress");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/status=in_progress/);
  const rows = page.locator("tbody tr");
  await expect(rows.first()).toBeVisible();
  for (const row of await rows.all()) await expect(row.getByText("Running", { exact: true })).toBeVisible();

  await rows.first().getByRole("link").first().click();
  await expect(page.getByRole("heading", { name: "Stages now" })).toBeVisible();
  await expect(page.getByRole("table", { name: /Executions of .*, newest first/ })).toBeVisible();
  await expect(page.getByText(/of the last \d+ finished executions/)).toBeVisible();
  await expectNoAxeViolations(page);
});

/**
 * A pipeline of the test's own in an account whose AWS clients the server mocks, mapped to a service of its own by
 * the catalog annotation, and first heard of through an EventBridge event, as the portal learns of a new pipeline
 * between syncs: one earlier execution that succeeded.
 */
async function createOwnPipeline(request: APIRequestContext, token: string) {
  const { accountId, region } = await mockedAwsAccount();
  const name = `e2e-pipeline-${randomUUID().slice(0, 8)}`;
  const arn = `arn:aws:codepipeline:${region}:${accountId}:${name}`;
  await createTeamAndService(request, { "aws.amazon.com/aws-codepipeline-arn": arn });
  const send = async (event: Record<string, unknown>) => {
    const response = await request.post("/api/events/aws", {
      data: { version: "0", source: "aws.codepipeline", account: accountId, region, resources: [arn], id: randomUUID(), ...event },
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status(), await response.text()).toBeLessThan(300);
  };
  const at = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000).toISOString().replace(/\.\d+Z$/, "Z");
  const earlier = randomUUID();
  await send({ "detail-type": "CodePipeline Pipeline Execution State Change", time: at(3600), detail: { pipeline: name, "execution-id": earlier, state: "STARTED", version: 3 } });
  await send({ "detail-type": "CodePipeline Pipeline Execution State Change", time: at(3000), detail: { pipeline: name, "execution-id": earlier, state: "SUCCEEDED", version: 3 } });
  const [pipeline] = await sql<{ id: number; serviceId: number | null }>(`SELECT id, "serviceId" FROM "Pipeline" WHERE arn = $1`, [arn]);
  expect(pipeline?.serviceId).not.toBeNull();
  return { id: pipeline!.id, name, region, accountId, send, at };
}

test("a manual approval is answered from the portal, with a comment, and audited", async ({ page, request }) => {
  const pipeline = await createOwnPipeline(request, await createIngestToken());
  // Its production stage gets a manual approval, waiting (the structure comes from GetPipeline at the next sync, which
  // the end-to-end server does not run; AWS is mocked at the client: e2e/aws-mock.mjs).
  await sql(
    `UPDATE "Pipeline" SET structure = $2::jsonb, state = $3::jsonb WHERE id = $1`,
    [
      pipeline.id,
      JSON.stringify([{ name: "Source", actions: [{ name: "GitHub", category: "Source", provider: "CodeStarSourceConnection", runOrder: 1 }] }, { name: "Production", actions: [{ name: "Approve", category: "Approval", provider: "Manual", runOrder: 1 }, { name: "DeployProduction", category: "Deploy", provider: "ECS", runOrder: 2 }] }]),
      JSON.stringify([
        { name: "Source", latestExecution: { executionId: "e2e-approval-execution", status: "Succeeded", type: "STANDARD" }, inboundExecutionIds: [], actions: [] },
        { name: "Production", latestExecution: { executionId: "e2e-approval-execution", status: "InProgress", type: "STANDARD" }, inboundExecutionIds: [], actions: [{ name: "Approve", status: "InProgress", lastStatusChange: null, summary: null, errorMessage: null, externalUrl: null, revisionId: null }] },
      ]),
    ],
  );
  await page.goto(`/pipelines?q=${pipeline.name}`);
  const approval = page.getByRole("group", { name: `Approval Production / Approve of ${pipeline.name}` });
  await expect(approval).toBeVisible();
  await expect(approval.getByRole("button", { name: "Approve" })).toBeDisabled();
  await expectHydrated(approval.getByLabel(/waits for approval/));
  await approval.getByLabel(/waits for approval/).fill("Canary is clean, shipping");
  await approval.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Approved: Production / Approve" })).toBeVisible();
  // The board shows the answer at once (the stored state), not only after the next event or sync.
  await expect(page.getByTestId(`pipeline-${pipeline.name}`).getByText("Waiting for approval")).toHaveCount(0);
  await expectNoAxeViolations(page);

  await page.goto(`/settings/audit?entityType=Pipeline&entityId=${pipeline.id}`);
  const events = page.getByRole("table", { name: "Audit events, newest first" });
  await expect(events).toContainText("pipeline.approval");
  await events.getByText("Before / after").first().click();
  await expect(events).toContainText("Canary is clean, shipping");
});

test("the board follows a pipeline from running to failed while it is open, with the failure reason", async ({ page, request }) => {
  const { name, region, send, at } = await createOwnPipeline(request, await createIngestToken());
  const executionId = randomUUID();

  await page.goto(`/pipelines?q=${name}`);
  const row = page.getByTestId(`pipeline-${name}`);
  await expect(row).toBeVisible();

  await send({ "detail-type": "CodePipeline Pipeline Execution State Change", time: at(60), detail: { pipeline: name, "execution-id": executionId, "execution-trigger": { "trigger-type": "Webhook", "trigger-detail": "e2e@main" }, state: "STARTED", version: 3 } });
  await send({ "detail-type": "CodePipeline Stage Execution State Change", time: at(50), detail: { pipeline: name, "execution-id": executionId, stage: "Production", state: "STARTED", version: 3 } });
  // No reload: the board polls.
  await expect(row.getByText("Running", { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(row.getByRole("list", { name: `Stages of ${name}` })).toContainText("In progress");

  await send({
    "detail-type": "CodePipeline Action Execution State Change",
    time: at(20),
    detail: { pipeline: name, "execution-id": executionId, stage: "Production", action: "DeployProduction", state: "FAILED", region, type: { owner: "AWS", provider: "ECS", category: "Deploy", version: "1" }, "execution-result": { "external-execution-summary": "ECS deployment circuit breaker: tasks failed to start" }, version: 3 },
  });
  await send({ "detail-type": "CodePipeline Stage Execution State Change", time: at(15), detail: { pipeline: name, "execution-id": executionId, stage: "Production", state: "FAILED", version: 3 } });
  await send({ "detail-type": "CodePipeline Pipeline Execution State Change", time: at(10), detail: { pipeline: name, "execution-id": executionId, state: "FAILED", version: 3 } });
  await expect(row.getByText("Failed", { exact: true }).first()).toBeVisible({ timeout: 30_000 });
  await expect(row).toContainText("tasks failed to start");
});

test("the board hydrates as the server rendered it, even with the browser's clock ten minutes ahead", async ({ page }) => {
  // Whatever the board took from the browser's clock while hydrating (when it got the data, whether it is refetching
  // stale data) would differ from the server's HTML. A production build reports a differing text (React error #418)
  // as an uncaught error; a development server also logs differing attributes.
  const mismatches: string[] = [];
  const isMismatch = (text: string) => /hydrat|react\.dev\/errors\/(418|423|425)\b/i.test(text);
  page.on("console", (message) => {
    if (isMismatch(message.text())) mismatches.push(`console.${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => {
    if (isMismatch(error.message)) mismatches.push(`page error: ${error.message}`);
  });
  await page.clock.install({ time: Date.now() + 10 * 60_000 });
  // The board asks the API only once it has hydrated, so by the first answer React has said whether the HTML matched.
  const refreshed = page.waitForResponse((response) => new URL(response.url()).pathname === "/api/pipelines");
  await page.goto("/pipelines");
  await expect(page.getByText(/AWS data as of/)).toBeVisible();
  await refreshed;
  expect(mismatches).toEqual([]);
});
