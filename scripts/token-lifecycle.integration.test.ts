import { runPortside } from "./lib/run-portside";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/deployments/route";
import { closeDb, db } from "@/lib/db";
import { hashToken } from "@/lib/auth/tokens";
import { makeService, uniqueSlug } from "@/lib/testing/fixtures";

const portside = runPortside;

let slug: string;
beforeAll(async () => {
  ({ slug } = await makeService());
});
afterAll(async () => {
  await closeDb();
});

function post(token: string, externalId: string) {
  return POST(
    new Request("http://portside.test/api/deployments", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ service: slug, environment: "production", status: "succeeded", startedAt: "2026-11-20T10:00:00Z", finishedAt: "2026-11-20T10:05:00Z", source: "lifecycle", externalId }),
    }),
  );
}

describe("a token's life: create, use, revoke, refused — all audited", () => {
  it("works end to end from the command line", async () => {
    const name = uniqueSlug("ci");
    const created = portside("token", "create", "--name", name, "--scopes", "ingest");
    expect(created.code).toBe(0);
    const token = created.stdout;
    const row = await db.apiToken.findUniqueOrThrow({ where: { tokenHash: hashToken(token) }, select: { id: true, prefix: true } });

    expect((await post(token, uniqueSlug("run"))).status).toBe(201);
    const listed = portside("token", "list");
    expect(listed.stdout).toMatch(new RegExp(`${row.prefix}\\s+${name}\\s+ingest\\s+-\\s+last used`));

    const revoked = portside("token", "revoke", String(row.id));
    expect(revoked).toMatchObject({ code: 0, stdout: expect.stringMatching(/Revoked token/) });
    expect((await post(token, uniqueSlug("run"))).status).toBe(401);
    expect(portside("token", "revoke", String(row.id)).stdout).toMatch(/already revoked/);
    expect(portside("token", "revoke", "999999999")).toMatchObject({ code: 1, stderr: expect.stringMatching(/No token with id or prefix "999999999"/) });

    const audit = await db.auditEvent.findMany({
      where: { OR: [{ entityType: "ApiToken", entityId: String(row.id) }, { actorTokenId: row.id }] },
      orderBy: { id: "asc" },
      select: { action: true },
    });
    expect(audit.map((a) => a.action)).toEqual(["token.create", "deployments.ingest", "token.revoke"]);
  });
});
