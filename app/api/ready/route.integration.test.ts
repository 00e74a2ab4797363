import { afterAll, describe, expect, it } from "vitest";
import { GET as health } from "@/app/api/health/route";
import { GET as ready } from "@/app/api/ready/route";
import { closeDb } from "@/lib/db";

afterAll(async () => {
  await closeDb();
});

describe("health and readiness", () => {
  it("says the process is up", async () => {
    const response = await health(new Request("http://portside.test/api/health"));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok" });
  });

  it("is ready once every migration in prisma/migrations is applied", async () => {
    const response = await ready(new Request("http://portside.test/api/ready"));
    const body = (await response.json()) as { status: string; migrations: { expected: number; applied: number; pending: string[] } };
    expect(response.status).toBe(200);
    expect(body.status).toBe("ready");
    expect(body.migrations.pending).toEqual([]);
    expect(body.migrations.applied).toBe(body.migrations.expected);
    expect(body.migrations.expected).toBeGreaterThan(0);
  });
});
