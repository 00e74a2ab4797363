/**
 * Single sign-on against a real OpenID Connect provider (discovery, PKCE,
 * signed ID token, userinfo), driven the way a browser does: start, follow
 * the provider's redirect, come back to the callback with the state cookie.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_IP_HEADER, createAuth, SIGN_IN_ATTEMPTS_PER_MINUTE, type TAuth } from "@/lib/auth/server/auth";
import { closeDb, db } from "@/lib/db";
import { parseEnv } from "@/lib/env";
import { OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, startOidcProvider } from "@/lib/testing/oidc-provider";
import { uniqueSlug } from "@/lib/testing/fixtures";

const BASE = "http://localhost:3000";

let provider: Awaited<ReturnType<typeof startOidcProvider>>;
let auth: TAuth;
const identity = { sub: uniqueSlug("sub"), email: `${uniqueSlug("sso")}@example.com`, name: "Ada Sso" };

beforeAll(async () => {
  provider = await startOidcProvider({ identity });
  auth = createAuth(
    parseEnv({
      ...process.env,
      PORTSIDE_BASE_URL: BASE,
      PORTSIDE_OIDC_ISSUER: provider.issuer,
      PORTSIDE_OIDC_CLIENT_ID: OIDC_CLIENT_ID,
      PORTSIDE_OIDC_CLIENT_SECRET: OIDC_CLIENT_SECRET,
    }),
  );
});

afterAll(async () => {
  await provider.stop();
  await closeDb();
});

function cookiesOf(response: Response): string[] {
  return response.headers.getSetCookie().map((c) => c.split(";")[0]!);
}

/** Runs the whole browser round trip; returns the callback's response and the cookies the browser would hold. */
async function signInWithSso(ip = "203.0.113.10") {
  const start = await auth.handler(
    new Request(`${BASE}/api/auth/sign-in/social`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: BASE, [CLIENT_IP_HEADER]: ip },
      body: JSON.stringify({ provider: "sso", callbackURL: "/teams" }),
    }),
  );
  expect(start.status).toBe(200);
  const { url } = (await start.json()) as { url: string };
  const authorizeUrl = new URL(url);
  expect(authorizeUrl.origin).toBe(new URL(provider.issuer).origin);
  expect(authorizeUrl.searchParams.get("code_challenge_method")).toBe("S256");
  expect(authorizeUrl.searchParams.get("redirect_uri")).toBe(`${BASE}/api/auth/callback/sso`);

  const atProvider = await fetch(authorizeUrl, { redirect: "manual" });
  expect(atProvider.status).toBe(302);
  const callback = new URL(atProvider.headers.get("location")!);
  const back = await auth.handler(new Request(callback, { headers: { cookie: cookiesOf(start).join("; "), [CLIENT_IP_HEADER]: ip } }));
  return { back, cookies: cookiesOf(back) };
}

describe("single sign-on", () => {
  it("creates a viewer on first sign-in, keyed by the provider's subject, and lands on the page asked for", async () => {
    const { back, cookies } = await signInWithSso();
    expect(back.status).toBe(302);
    expect(back.headers.get("location")).toBe("/teams");
    const session = cookies.find((c) => c.startsWith("portside.session_token="));
    expect(session).toBeTruthy();

    const user = await db.user.findUniqueOrThrow({ where: { email: identity.email }, include: { accounts: true, sessions: true } });
    expect(user.name).toBe("Ada Sso");
    expect(user.orgRole).toBe("VIEWER");
    expect(user.accounts.map((a) => [a.providerId, a.accountId])).toEqual([["sso", identity.sub]]);
    expect(user.sessions).toHaveLength(1);
    // The portal keeps none of the provider's tokens.
    expect(user.accounts[0]).toMatchObject({ idToken: null, accessToken: null, refreshToken: null });

    const me = await auth.api.getSession({ headers: new Headers({ cookie: session! }) });
    expect(me?.user.email).toBe(identity.email);
  });

  it("signs the same person in again without a second user", async () => {
    const { back } = await signInWithSso();
    expect(back.status).toBe(302);
    expect(await db.user.count({ where: { email: identity.email } })).toBe(1);
    expect(await db.account.count({ where: { providerId: "sso", accountId: identity.sub } })).toBe(1);
  });

  it("links a person an admin added by email (portside user grant) and keeps their role", async () => {
    const other = await startOidcProvider({ identity: { sub: uniqueSlug("sub"), email: `${uniqueSlug("boss")}@example.com`, name: "Grace Admin" } });
    const linked = createAuth(
      parseEnv({ ...process.env, PORTSIDE_BASE_URL: BASE, PORTSIDE_OIDC_ISSUER: other.issuer, PORTSIDE_OIDC_CLIENT_ID: OIDC_CLIENT_ID, PORTSIDE_OIDC_CLIENT_SECRET: OIDC_CLIENT_SECRET }),
    );
    const pre = await db.user.create({ data: { email: other.identity.email, name: "grace", orgRole: "ADMIN" } });
    try {
      const start = await linked.handler(
        new Request(`${BASE}/api/auth/sign-in/social`, { method: "POST", headers: { "content-type": "application/json", origin: BASE }, body: JSON.stringify({ provider: "sso", callbackURL: "/" }) }),
      );
      const { url } = (await start.json()) as { url: string };
      const atProvider = await fetch(url, { redirect: "manual" });
      const back = await linked.handler(new Request(atProvider.headers.get("location")!, { headers: { cookie: cookiesOf(start).join("; ") } }));
      expect(back.status).toBe(302);
      expect(back.headers.get("location")).toBe("/");
      const after = await db.user.findUniqueOrThrow({ where: { id: pre.id }, include: { accounts: true } });
      expect(after.orgRole).toBe("ADMIN");
      expect(after.accounts.map((a) => a.accountId)).toEqual([other.identity.sub]);
    } finally {
      await other.stop();
    }
  });

  it("refuses a callback whose state was not issued to this browser", async () => {
    const start = await auth.handler(
      new Request(`${BASE}/api/auth/sign-in/social`, { method: "POST", headers: { "content-type": "application/json", origin: BASE }, body: JSON.stringify({ provider: "sso", callbackURL: "/" }) }),
    );
    const { url } = (await start.json()) as { url: string };
    const atProvider = await fetch(url, { redirect: "manual" });
    const sessionsBefore = await db.session.count();
    // The callback without the state cookie set at the start: a forged or replayed sign-in.
    const back = await auth.handler(new Request(atProvider.headers.get("location")!));
    expect(back.status).toBe(302);
    expect(back.headers.get("location")).toMatch(/\/sign-in\?error=/);
    expect(await db.session.count()).toBe(sessionsBefore);
  });

  it(`rate-limits sign-in attempts to ${SIGN_IN_ATTEMPTS_PER_MINUTE} a minute per address`, async () => {
    const attempt = (ip: string) =>
      auth.handler(
        new Request(`${BASE}/api/auth/sign-in/social`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: BASE, [CLIENT_IP_HEADER]: ip },
          body: JSON.stringify({ provider: "sso", callbackURL: "/" }),
        }),
      );
    const statuses: number[] = [];
    for (let i = 0; i < SIGN_IN_ATTEMPTS_PER_MINUTE + 2; i++) statuses.push((await attempt("198.51.100.7")).status);
    expect(statuses.slice(0, SIGN_IN_ATTEMPTS_PER_MINUTE).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(SIGN_IN_ATTEMPTS_PER_MINUTE)).toEqual([429, 429]);
    // Another address is not affected.
    expect((await attempt("198.51.100.8")).status).toBe(200);
  });
});
