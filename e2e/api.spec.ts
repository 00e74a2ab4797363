import { expect, test } from "@playwright/test";

test("health and readiness answer JSON", async ({ request }) => {
  const health = await request.get("/api/health");
  expect(health.status()).toBe(200);
  expect(await health.json()).toMatchObject({ status: "ok" });
  const ready = await request.get("/api/ready");
  expect(ready.status()).toBe(200);
  expect(await ready.json()).toMatchObject({ status: "ready", database: "ok" });
});

test("the OpenAPI document describes the deployment ingest", async ({ request }) => {
  const response = await request.get("/api/openapi.json");
  expect(response.status()).toBe(200);
  const doc = (await response.json()) as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown> }>>; components: { schemas: Record<string, { required?: string[] }> } };
  expect(doc.openapi).toBe("3.1.0");
  expect(Object.keys(doc.paths["/api/deployments"]!.post!.responses).sort()).toEqual(["200", "201", "400", "401", "403", "413", "422", "429"]);
  expect(doc.components.schemas.DeploymentInput!.required).toEqual(expect.arrayContaining(["service", "environment", "status", "startedAt", "source", "externalId"]));
});

test.describe("without a token or a session", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("the ingest API refuses an anonymous caller with a JSON error", async ({ request }) => {
    const response = await request.post("/api/deployments", { data: {} });
    expect(response.status()).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
  });

  test("the ingest API answers through Next's own server with the security headers every route sends", async ({ request }) => {
    const ingest = await request.post("/api/deployments", { data: {} });
    expect(ingest.status()).toBe(401);
    const health = await request.get("/api/health");
    for (const name of ["x-content-type-options", "x-frame-options", "referrer-policy", "permissions-policy", "strict-transport-security"]) {
      expect(health.headers()[name], name).toBeTruthy();
      expect(ingest.headers()[name], name).toBe(health.headers()[name]);
    }
    expect(ingest.headers()["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });
});

test("the ingest API takes API tokens only: a signed-in admin's session is refused with a JSON error", async ({ request }) => {
  const response = await request.post("/api/deployments", { data: {} });
  expect(response.status()).toBe(403);
  expect(await response.json()).toMatchObject({ error: { code: "FORBIDDEN" } });
});
