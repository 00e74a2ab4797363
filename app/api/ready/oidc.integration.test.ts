/**
 * /api/ready with single sign-on configured against a provider that accepts
 * connections and never answers: readiness says what the provider's state is
 * and stays ready, without waiting on it (its own process: the portal's
 * environment is read once, here with single sign-on).
 */
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GET as TReadyGet } from "@/app/api/ready/route";
import { closeDb } from "@/lib/db";

let silent: Server;
const sockets: Socket[] = [];
let ready: typeof TReadyGet;

beforeAll(async () => {
  silent = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  Object.assign(process.env, {
    PORTSIDE_BASE_URL: "http://portside.test",
    PORTSIDE_OIDC_ISSUER: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
    PORTSIDE_OIDC_CLIENT_ID: "portside-ready-test",
    PORTSIDE_OIDC_CLIENT_SECRET: "portside-ready-test-secret",
  });
  ({ GET: ready } = await import("@/app/api/ready/route"));
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
  await closeDb();
});

describe("readiness with single sign-on", () => {
  it("reports the provider as not checked yet, stays ready, and never calls the provider", async () => {
    const response = await ready(new Request("http://portside.test/api/ready"));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ready", oidc: { mode: "discovery", state: "not_checked", checkedAt: null } });
    expect(sockets).toHaveLength(0);
  });
});
