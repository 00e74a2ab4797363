import { randomBytes, randomInt } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { expectHydrated, expectNoAxeViolations } from "./helpers";

test("an admin adds an AWS account, fixes a mistake the form explains, edits it and removes it, all audited", async ({ page }) => {
  const accountId = String(randomInt(100_000_000_000, 999_999_999_999));
  await page.goto("/settings");
  const form = page.getByRole("form", { name: "Add an AWS account" });
  await expectHydrated(form.getByRole("button", { name: "Add account" }));
  await form.getByLabel("Account id").fill(accountId);
  await form.getByLabel("Name").fill("e2e-sandbox");
  await form.getByLabel("Regions (comma-separated)").fill("eu-west-1, mars-north-1");
  await form.getByLabel(/Role to assume/).fill(`arn:aws:iam::111111111111:role/portside-reader`);
  await form.getByRole("button", { name: "Add account" }).click();
  const problems = form.getByRole("alert");
  await expect(problems).toContainText("regions.1: is not an AWS region code");
  await expect(problems).toContainText(`roleArn: is in account 111111111111, not ${accountId}`);
  await expectNoAxeViolations(page);

  await form.getByLabel("Regions (comma-separated)").fill("eu-west-1, us-east-1");
  await form.getByLabel(/Role to assume/).fill(`arn:aws:iam::${accountId}:role/portside-reader`);
  await form.getByLabel(/External id/).fill("e2e-external-id");
  await form.getByRole("button", { name: "Add account" }).click();
  const row = page.getByRole("table", { name: "AWS accounts" }).getByRole("row").filter({ hasText: accountId });
  await expect(row).toContainText("with an external id");
  await expect(row).toContainText("eu-west-1, us-east-1");

  await row.getByRole("button", { name: "Edit e2e-sandbox" }).click();
  const edit = page.getByRole("form", { name: "Edit e2e-sandbox" });
  await edit.getByLabel("Name").fill("e2e-sandbox-renamed");
  await edit.getByRole("button", { name: "Save" }).click();
  const renamed = page.getByRole("table", { name: "AWS accounts" }).getByRole("row").filter({ hasText: "e2e-sandbox-renamed" });
  // The external id was kept: it is never sent to the browser, so an edit that leaves it empty keeps it.
  await expect(renamed).toContainText("with an external id");

  await renamed.getByRole("link", { name: "History" }).click();
  const events = page.getByRole("table", { name: "Audit events, newest first" });
  await expect(events).toContainText("account.update");
  await expect(events).toContainText("account.create");
  await expect(events).not.toContainText("e2e-external-id");

  await page.goto("/settings");
  const again = page.getByRole("table", { name: "AWS accounts" }).getByRole("row").filter({ hasText: accountId });
  await again.getByRole("button", { name: "Remove" }).click();
  await again.getByRole("button", { name: "Remove e2e-sandbox-renamed and its data" }).click();
  await expect(page.getByRole("table", { name: "AWS accounts" })).not.toContainText(accountId);
});

test("an admin imports a catalog file by upload: a broken one is refused with its line numbers, a good one shows on the service page", async ({ page }) => {
  await page.goto("/settings/catalog");
  const form = page.getByRole("form", { name: "Import a catalog file" });
  await expectHydrated(form.getByRole("button", { name: "Import" }));
  await form.getByLabel("catalog-info.yaml").setInputFiles(path.join(import.meta.dirname, "../lib/catalog/fixtures/catalog-info-invalid.yaml"));
  await form.getByRole("button", { name: "Import" }).click();
  const problems = form.locator("..").getByRole("alert");
  await expect(problems).toContainText("nothing was imported");
  await expect(problems.getByText(/^line \d+:/).first()).toBeVisible();
  await expectNoAxeViolations(page);

  // The good file, with names of this test's own and its team at the top level, so that it adds nothing to the
  // seeded organisation other tests read meanwhile.
  const id = randomBytes(4).toString("hex");
  const fixture = await readFile(path.join(import.meta.dirname, "../lib/catalog/fixtures/catalog-info.yaml"), "utf8");
  const own = fixture
    .replace(/^ {2}parent: commerce\n/m, "")
    .replace(/\b(fulfilment|shipping-api|returns-worker|delivery)\b/g, (name) => `e2e-${name}-${id}`);
  expect(own).not.toContain("commerce");
  await form.getByLabel("catalog-info.yaml").setInputFiles({ name: "catalog-info.yaml", mimeType: "application/yaml", buffer: Buffer.from(own) });
  await form.getByRole("button", { name: "Import" }).click();
  await expect(page.getByRole("status")).toContainText("Imported upload:catalog-info.yaml");
  await expect(page.getByRole("status")).toContainText(/Services: 2 created/);
  // Importing the same file again changes nothing.
  await form.getByRole("button", { name: "Import" }).click();
  await expect(page.getByRole("status")).toContainText(/Services: 0 created, 0 updated, 2 unchanged/);

  await page.goto(`/services/e2e-shipping-api-${id}`);
  await expect(page.getByRole("heading", { level: 1, name: "Shipping API" })).toBeVisible();
  await expect(page.getByRole("table", { name: /AWS resources mapped to this service/ })).toContainText(`arn:aws:codepipeline:eu-west-1:111111111111:e2e-shipping-api-${id}-pipeline`);
  const about = page.getByRole("definition").filter({ hasText: "(catalog annotation portside.dev/prod-stage)" });
  await expect(about).toContainText("Production");
  await expectNoAxeViolations(page);
});
