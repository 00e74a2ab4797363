/**
 * Single sign-on against a standards-complete OpenID Connect provider
 * (`oidc-provider`) started on loopback: the browser's round trip is driven
 * with fetch through better-auth's handler and the provider's own login and
 * consent pages, cookies carried by hand.
 */
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_IP_HEADER, createAuth, SIGN_IN_ATTEMPTS_PER_MINUTE, type TAuth } from "@/lib/auth/server/auth";
import { createSsoClient, type TSsoClient } from "@/lib/auth/server/sso-client";
import { closeDb, db } from "@/lib/db";
import { parseEnv } from "@/lib/env";
import { uniqueSlug } from "@/lib/testing/fixtures";
import { OPENID_CLIENT_ID, OPENID_CLIENT_SECRET, signInAtProvider, startOpenIdProvider, type TOpenIdIdentity } from "@/lib/testing/openid-provider";
import { makeUser, sessionCookie } from "@/lib/testing/sessions";

const BASE = "http://localhost:3000";
const REDIRECT_URI = `${BASE}/api/auth/callback/sso`;

const person = (overrides: Partial<TOpenIdIdentity> = {}): TOpenIdIdentity => ({
  sub: uniqueSlug("sub"),
  email: `${uniqueSlug("sso")}@example.com`,
  email_verified: true,
  name: "Ada Lovelace",
  ...overrides,
});

const newcomer = person();
const unverified = person({ email_verified: false, name: "Mallory" });
const upnOnly = person({ email: undefined, email_verified: undefined, name: "Mallory Upn" });
const verifiedAdmin = person({ name: "Grace Hopper" });
const unverifiedNewcomer = person({ email_verified: false, name: "Mallory First" });
const upnNewcomer = person({ email: undefined, email_verified: undefined, preferred_username: `${uniqueSlug("upn")}@example.com`, name: "Mallory Upn First" });
const linkedOnce = person({ name: "Linus Once" });
const sameEmailOtherSub = person({ email: linkedOnce.email, name: "Linus Twice" });

let provider: Awaited<ReturnType<typeof startOpenIdProvider>>;
let auth: TAuth;

function authFor(vars: Record<string, string>, options: Parameters<typeof createAuth>[1] = {}) {
  return createAuth(
    parseEnv({ ...process.env, PORTSIDE_BASE_URL: BASE, PORTSIDE_OIDC_CLIENT_ID: OPENID_CLIENT_ID, PORTSIDE_OIDC_CLIENT_SECRET: OPENID_CLIENT_SECRET, ...vars }),
    options,
  );
}

beforeAll(async () => {
  provider = await startOpenIdProvider({ identities: [newcomer, unverified, upnOnly, verifiedAdmin, unverifiedNewcomer, upnNewcomer, linkedOnce, sameEmailOtherSub], redirectUris: [REDIRECT_URI] });
  auth = authFor({ PORTSIDE_OIDC_ISSUER: provider.issuer });
});

afterAll(async () => {
  await provider.stop();
  await closeDb();
});

function cookiesOf(response: Response): string[] {
  return response.headers.getSetCookie().map((c) => c.split(";")[0]!);
}

function startSignIn(instance: TAuth, ip = "203.0.113.20") {
  return instance.handler(
    new Request(`${BASE}/api/auth/sign-in/social`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: BASE, [CLIENT_IP_HEADER]: ip },
      body: JSON.stringify({ provider: "sso", callbackURL: "/teams" }),
    }),
  );
}

/** The whole round trip as `sub`: the portal's start, the provider's login and consent, the portal's callback. */
async function signIn(sub: string, instance = auth) {
  const start = await startSignIn(instance);
  expect(start.status).toBe(200);
  const { url } = (await start.json()) as { url: string };
  const callback = await signInAtProvider(url, sub);
  expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
  const back = await instance.handler(new Request(callback, { headers: { cookie: cookiesOf(start).join("; "), [CLIENT_IP_HEADER]: "203.0.113.20" } }));
  const session = cookiesOf(back).find((c) => c.startsWith("portside.session_token=") && !c.endsWith("="));
  return { status: back.status, location: back.headers.get("location"), session };
}

describe("single sign-on with a standards-complete provider (discovery)", () => {
  it("signs a newcomer in, with the email and name the provider sends in userinfo only, keyed by subject", async () => {
    const result = await signIn(newcomer.sub);
    expect(result).toMatchObject({ status: 302, location: "/teams" });
    expect(result.session).toBeTruthy();
    const user = await db.user.findUniqueOrThrow({ where: { email: newcomer.email }, include: { accounts: true } });
    expect(user).toMatchObject({ name: "Ada Lovelace", emailVerified: true, orgRole: "VIEWER" });
    expect(user.accounts.map((a) => [a.providerId, a.accountId])).toEqual([["sso", newcomer.sub]]);
    const me = await auth.api.getSession({ headers: new Headers({ cookie: result.session! }) });
    expect(me?.user.email).toBe(newcomer.email);
  });

  it("refuses to link an unverified email to an existing admin, says why, and audits it", async () => {
    const alice = await db.user.create({ data: { email: unverified.email!, name: "alice", orgRole: "ADMIN" } });
    const result = await signIn(unverified.sub);
    expect(result).toMatchObject({ status: 302, location: "/sign-in?error=email_not_verified", session: undefined });
    expect(await db.account.count({ where: { userId: alice.id } })).toBe(0);
    expect(await db.session.count({ where: { userId: alice.id } })).toBe(0);
    const audit = await db.auditEvent.findMany({ where: { entityType: "User", entityId: String(alice.id), action: "user.sso_link_refused" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorType: "SYSTEM", ip: "203.0.113.20" });
    expect(audit[0]!.after).toMatchObject({ subject: unverified.sub, email: unverified.email, emailClaim: "email", isEmailVerified: false, via: "sso" });
  });

  it("refuses the same takeover through preferred_username when the provider sends no email", async () => {
    const bob = await db.user.create({ data: { email: `${uniqueSlug("bob")}@example.com`, name: "bob", orgRole: "ADMIN" } });
    const upn = await startOpenIdProvider({ identities: [{ ...upnOnly, preferred_username: bob.email }], redirectUris: [REDIRECT_URI] });
    try {
      const result = await signIn(upnOnly.sub, authFor({ PORTSIDE_OIDC_ISSUER: upn.issuer }));
      expect(result).toMatchObject({ status: 302, location: "/sign-in?error=email_not_verified", session: undefined });
      expect(await db.account.count({ where: { userId: bob.id } })).toBe(0);
      const audit = await db.auditEvent.findFirstOrThrow({ where: { entityId: String(bob.id), action: "user.sso_link_refused" } });
      expect(audit.after).toMatchObject({ emailClaim: "preferred_username" });
    } finally {
      await upn.stop();
    }
  });

  it("refuses to create a user from an email the provider did not assert verified, says why without saying whether a user has it, and audits it", async () => {
    // Otherwise whoever sets that address at the provider first owns the user an admin later grants a role to by email.
    for (const identity of [unverifiedNewcomer, upnNewcomer]) {
      const email = (identity.email ?? identity.preferred_username)!;
      const result = await signIn(identity.sub);
      expect(result).toMatchObject({ status: 302, location: "/sign-in?error=email_not_verified", session: undefined });
      expect(await db.user.count({ where: { email } })).toBe(0);
      expect(await db.account.count({ where: { providerId: "sso", accountId: identity.sub } })).toBe(0);
      const audit = await db.auditEvent.findMany({ where: { action: "sso.user_creation_refused", entityType: "SsoIdentity", entityId: identity.sub } });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actorType: "SYSTEM", ip: "203.0.113.20" });
      expect(audit[0]!.after).toMatchObject({ subject: identity.sub, email, isEmailVerified: false, via: "sso" });
    }
  });

  it("refuses to link a second subject of the provider to a user who already has one, and audits it", async () => {
    expect(await signIn(linkedOnce.sub)).toMatchObject({ status: 302, location: "/teams" });
    const user = await db.user.findUniqueOrThrow({ where: { email: linkedOnce.email } });
    const result = await signIn(sameEmailOtherSub.sub);
    expect(result).toMatchObject({ status: 302, location: "/sign-in?error=account_already_linked", session: undefined });
    expect((await db.account.findMany({ where: { userId: user.id } })).map((a) => a.accountId)).toEqual([linkedOnce.sub]);
    expect(await db.session.count({ where: { userId: user.id } })).toBe(1);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { entityType: "User", entityId: String(user.id), action: "user.sso_link_refused" } });
    expect(audit.after).toMatchObject({ subject: sameEmailOtherSub.sub, linkedSubject: linkedOnce.sub, isEmailVerified: true, reason: "account_already_linked" });
  });

  it("links a verified email to the user an admin added, keeps their role, and replaces the placeholder name", async () => {
    const grace = await db.user.create({ data: { email: verifiedAdmin.email!, name: verifiedAdmin.email!.split("@")[0]!, orgRole: "ADMIN" } });
    const result = await signIn(verifiedAdmin.sub);
    expect(result).toMatchObject({ status: 302, location: "/teams" });
    const after = await db.user.findUniqueOrThrow({ where: { id: grace.id }, include: { accounts: true } });
    expect(after).toMatchObject({ orgRole: "ADMIN", name: "Grace Hopper" });
    expect(after.accounts.map((a) => a.accountId)).toEqual([verifiedAdmin.sub]);
  });

  it("tells people the provider refused the portal's credentials when the client secret is wrong", async () => {
    const result = await signIn(newcomer.sub, authFor({ PORTSIDE_OIDC_ISSUER: provider.issuer, PORTSIDE_OIDC_CLIENT_SECRET: "not-the-secret" }));
    expect(result).toMatchObject({ status: 302, location: "/sign-in?error=idp_refused_credentials", session: undefined });
  });
});

describe("the email and its verification come from one claim set", () => {
  it("does not take userinfo's email as verified because the ID token asserted another one verified", async () => {
    const admin = await db.user.create({ data: { email: `${uniqueSlug("admin")}@example.com`, name: "admin", orgRole: "ADMIN" } });
    const mixed = person({ name: "Mixed Claims", userinfo: { email: admin.email, email_verified: undefined } });
    const own = await startOpenIdProvider({ identities: [mixed], redirectUris: [REDIRECT_URI], hasIdTokenClaims: true });
    try {
      const result = await signIn(mixed.sub, authFor({ PORTSIDE_OIDC_ISSUER: own.issuer }));
      expect(await db.account.count({ where: { userId: admin.id } })).toBe(0);
      expect(await db.session.count({ where: { userId: admin.id } })).toBe(0);
      // The ID token's pair is what counts: its own, verified, address.
      expect(result).toMatchObject({ status: 302, location: "/teams" });
      const account = await db.account.findFirstOrThrow({ where: { providerId: "sso", accountId: mixed.sub }, include: { user: true } });
      expect(account.user).toMatchObject({ email: mixed.email, emailVerified: true });
    } finally {
      await own.stop();
    }
  });

  it("refuses a userinfo answer without a subject, or about another subject", async () => {
    for (const rewrite of [(claims: Record<string, unknown>) => ({ ...claims, sub: undefined }), (claims: Record<string, unknown>) => ({ ...claims, sub: verifiedAdmin.sub })]) {
      const proxy = await userinfoProxy(provider.endpoints.userinfo, rewrite);
      try {
        const sessionsBefore = await db.session.count();
        const result = await signIn(
          newcomer.sub,
          authFor({
            PORTSIDE_OIDC_ISSUER: provider.issuer,
            PORTSIDE_OIDC_AUTHORIZATION_URL: provider.endpoints.authorization,
            PORTSIDE_OIDC_TOKEN_URL: provider.endpoints.token,
            PORTSIDE_OIDC_USERINFO_URL: proxy.url,
            PORTSIDE_OIDC_JWKS_URL: provider.endpoints.jwks,
          }),
        );
        expect(result).toMatchObject({ status: 302, location: "/sign-in?error=id_token_invalid", session: undefined });
        expect(await db.session.count()).toBe(sessionsBefore);
      } finally {
        await proxy.stop();
      }
    }
  });
});

/** Forwards to the real userinfo endpoint and rewrites its answer. */
async function userinfoProxy(target: string, rewrite: (claims: Record<string, unknown>) => Record<string, unknown>) {
  const server: HttpServer = createHttpServer(async (req, res) => {
    const upstream = await fetch(target, { headers: { authorization: req.headers.authorization ?? "" } });
    const claims = (await upstream.json()) as Record<string, unknown>;
    res.writeHead(upstream.status, { "content-type": "application/json" }).end(JSON.stringify(rewrite(claims)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/me`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("the configured issuer is enforced", () => {
  it("refuses a provider whose discovery declares another issuer than the one configured", async () => {
    const sso = createSsoClient({ oidc: oidcOf({ PORTSIDE_OIDC_ISSUER: `${provider.issuer}/realms/portside`, PORTSIDE_OIDC_DISCOVERY_URL: provider.discoveryUrl }) });
    const start = await startSignIn(authFor({ PORTSIDE_OIDC_ISSUER: provider.issuer }, { sso }));
    expect(start.status).toBe(502);
    expect(await start.json()).toMatchObject({ code: "idp_mismatch", message: "the identity provider is not the one the portal is configured for" });
    expect(sso.status()).toMatchObject({ state: "failed", error: expect.stringContaining(`"${provider.issuer}"`) });
    expect(sso.status().error).toContain(`"${provider.issuer}/realms/portside"`);
  });

  it("refuses a provider that publishes another tenant's issuer at the configured one's address", async () => {
    const other = await startOpenIdProvider({ identities: [newcomer], redirectUris: [REDIRECT_URI], issuerPath: "/other-tenant" });
    try {
      const sso = createSsoClient({ oidc: oidcOf({ PORTSIDE_OIDC_ISSUER: other.origin }) });
      const start = await startSignIn(authFor({ PORTSIDE_OIDC_ISSUER: provider.issuer }, { sso }));
      expect(start.status).toBe(502);
      expect(sso.status().error).toContain(`"${other.origin}/other-tenant"`);
    } finally {
      await other.stop();
    }
  });
});

function oidcOf(vars: Record<string, string>) {
  return parseEnv({ ...process.env, PORTSIDE_OIDC_CLIENT_ID: OPENID_CLIENT_ID, PORTSIDE_OIDC_CLIENT_SECRET: OPENID_CLIENT_SECRET, ...vars }).oidc!;
}

describe("discovery", () => {
  it("is tried again at the next sign-in after a failure, then kept", async () => {
    let answers = 0;
    const flaky = createHttpServer(async (_req, res) => {
      answers++;
      if (answers === 1) return void res.writeHead(503).end();
      const document = await fetch(provider.discoveryUrl);
      res.writeHead(200, { "content-type": "application/json" }).end(await document.text());
    });
    await new Promise<void>((resolve) => flaky.listen(0, "127.0.0.1", resolve));
    try {
      const discoveryUrl = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/.well-known/openid-configuration`;
      const sso = createSsoClient({ oidc: oidcOf({ PORTSIDE_OIDC_ISSUER: provider.issuer, PORTSIDE_OIDC_DISCOVERY_URL: discoveryUrl }) });
      const instance = authFor({ PORTSIDE_OIDC_ISSUER: provider.issuer }, { sso });
      const first = await startSignIn(instance, "203.0.113.50");
      expect(first.status).toBe(502);
      expect(await first.json()).toMatchObject({ code: "idp_error", message: "the identity provider answered with an error" });
      expect(sso.status().error).toMatch(/answered HTTP 503/);
      expect((await startSignIn(instance, "203.0.113.50")).status).toBe(200);
      expect((await startSignIn(instance, "203.0.113.50")).status).toBe(200);
      expect(answers).toBe(2);
      expect(sso.status()).toMatchObject({ state: "ok", error: null });
    } finally {
      await new Promise<void>((resolve) => flaky.close(() => resolve()));
    }
  });
});

describe("discovery after its hour", () => {
  it("keeps what the provider said before when it fails again, and waits a minute before asking again", async () => {
    let answers = 0;
    let isFailing = false;
    const flaky = createHttpServer(async (_req, res) => {
      answers++;
      if (isFailing) return void res.writeHead(503).end();
      const document = await fetch(provider.discoveryUrl);
      res.writeHead(200, { "content-type": "application/json" }).end(await document.text());
    });
    await new Promise<void>((resolve) => flaky.listen(0, "127.0.0.1", resolve));
    try {
      let clock = 1_700_000_000_000;
      const discoveryUrl = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/.well-known/openid-configuration`;
      const sso = createSsoClient({ oidc: oidcOf({ PORTSIDE_OIDC_ISSUER: provider.issuer, PORTSIDE_OIDC_DISCOVERY_URL: discoveryUrl }), now: () => clock });
      const instance = authFor({ PORTSIDE_OIDC_ISSUER: provider.issuer }, { sso });
      const start = async () => (await startSignIn(instance, "203.0.113.60")).status;
      expect(await start()).toBe(200);
      expect(answers).toBe(1);
      clock += 60 * 60 * 1000 + 1;
      isFailing = true;
      expect(await start()).toBe(200);
      expect(answers).toBe(2);
      expect(sso.status()).toMatchObject({ state: "failed" });
      // A provider that hangs would otherwise hold every sign-in for the whole timeout.
      clock += 30_000;
      expect(await start()).toBe(200);
      expect(answers).toBe(2);
      clock += 31_000;
      isFailing = false;
      expect(await start()).toBe(200);
      expect(answers).toBe(3);
      expect(sso.status()).toMatchObject({ state: "ok" });
      expect(await start()).toBe(200);
      expect(answers).toBe(3);
    } finally {
      await new Promise<void>((resolve) => flaky.close(() => resolve()));
    }
  });
});

describe("explicit-endpoint mode (no discovery)", () => {
  // Refused at once on loopback: explicit mode must not need discovery.
  const NOTHING_LISTENS = "http://127.0.0.1:9/.well-known/openid-configuration";

  const explicit = () => ({
    PORTSIDE_OIDC_ISSUER: provider.issuer,
    PORTSIDE_OIDC_AUTHORIZATION_URL: provider.endpoints.authorization,
    PORTSIDE_OIDC_TOKEN_URL: provider.endpoints.token,
    PORTSIDE_OIDC_USERINFO_URL: provider.endpoints.userinfo,
    PORTSIDE_OIDC_JWKS_URL: provider.endpoints.jwks,
    PORTSIDE_OIDC_DISCOVERY_URL: NOTHING_LISTENS,
  });

  it("signs in when the email comes from userinfo only, keyed by the ID token's subject", async () => {
    const someone = person({ name: "Explicit Person" });
    const own = await startOpenIdProvider({ identities: [someone], redirectUris: [REDIRECT_URI] });
    try {
      const vars = {
        PORTSIDE_OIDC_ISSUER: own.issuer,
        PORTSIDE_OIDC_AUTHORIZATION_URL: own.endpoints.authorization,
        PORTSIDE_OIDC_TOKEN_URL: own.endpoints.token,
        PORTSIDE_OIDC_USERINFO_URL: own.endpoints.userinfo,
        PORTSIDE_OIDC_JWKS_URL: own.endpoints.jwks,
        PORTSIDE_OIDC_DISCOVERY_URL: NOTHING_LISTENS,
      };
      const result = await signIn(someone.sub, authFor(vars));
      expect(result).toMatchObject({ status: 302, location: "/teams" });
      expect(result.session).toBeTruthy();
      const user = await db.user.findUniqueOrThrow({ where: { email: someone.email }, include: { accounts: true } });
      expect(user.accounts.map((a) => a.accountId)).toEqual([someone.sub]);
    } finally {
      await own.stop();
    }
  });

  it("refuses an ID token whose claims were changed on the way (signature no longer matches)", async () => {
    const tampering = await tamperingTokenProxy(provider.endpoints.token);
    try {
      const sessionsBefore = await db.session.count();
      const result = await signIn(newcomer.sub, authFor({ ...explicit(), PORTSIDE_OIDC_TOKEN_URL: tampering.url }));
      expect(result).toMatchObject({ status: 302, location: "/sign-in?error=id_token_invalid", session: undefined });
      expect(await db.session.count()).toBe(sessionsBefore);
    } finally {
      await tampering.stop();
    }
  });

  it("tells people the provider answered with an error when its token endpoint fails, not that the sign-in was replayed", async () => {
    const failing = createHttpServer((_req, res) => res.writeHead(500, { "content-type": "text/plain" }).end("internal error"));
    await new Promise<void>((resolve) => failing.listen(0, "127.0.0.1", resolve));
    try {
      const tokenUrl = `http://127.0.0.1:${(failing.address() as AddressInfo).port}/token`;
      const result = await signIn(newcomer.sub, authFor({ ...explicit(), PORTSIDE_OIDC_TOKEN_URL: tokenUrl }));
      expect(result).toMatchObject({ status: 302, location: "/sign-in?error=idp_error", session: undefined });
    } finally {
      await new Promise<void>((resolve) => failing.close(() => resolve()));
    }
  });

  it("is refused at start-up without the keys to verify ID tokens", () => {
    const withoutKeys: Record<string, string> = explicit();
    delete withoutKeys.PORTSIDE_OIDC_JWKS_URL;
    expect(() => oidcOf(withoutKeys)).toThrow(/PORTSIDE_OIDC_JWKS_URL: is required when PORTSIDE_OIDC_AUTHORIZATION_URL is set/);
  });
});

/** Forwards to the real token endpoint and rewrites the ID token's `sub`, keeping the signature. */
async function tamperingTokenProxy(target: string) {
  const server: HttpServer = createHttpServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const upstream = await fetch(target, { method: "POST", headers: { "content-type": req.headers["content-type"] ?? "" }, body: Buffer.concat(chunks) });
    const body = (await upstream.json()) as { id_token?: string };
    if (body.id_token) {
      const [header, payload, signature] = body.id_token.split(".");
      const claims = JSON.parse(Buffer.from(payload!, "base64url").toString()) as Record<string, unknown>;
      claims.sub = verifiedAdmin.sub;
      body.id_token = [header, Buffer.from(JSON.stringify(claims)).toString("base64url"), signature].join(".");
    }
    res.writeHead(upstream.status, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("a provider that accepts connections but never answers", () => {
  let silent: TcpServer;
  const sockets: Socket[] = [];
  let accepted: () => void;
  let firstConnection: Promise<void>;
  let silentUrl: string;

  beforeAll(async () => {
    firstConnection = new Promise((resolve) => (accepted = resolve));
    silent = createTcpServer((socket) => {
      sockets.push(socket);
      accepted();
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it("leaves session reads alone and fails the sign-in within the timeout, saying the provider did not answer", async () => {
    let sso: TSsoClient | undefined;
    const hanging = authFor({ PORTSIDE_OIDC_ISSUER: provider.issuer }, { sso: (sso = createSsoClient({ oidc: oidcOf({ PORTSIDE_OIDC_ISSUER: silentUrl }) })) });
    const user = await makeUser("VIEWER");
    const cookie = await sessionCookie(user.email);

    // Building the auth instance and reading a session never reach the provider.
    expect((await hanging.api.getSession({ headers: new Headers({ cookie }) }))?.user.email).toBe(user.email);
    expect(sockets).toHaveLength(0);
    expect(sso.status()).toMatchObject({ state: "not_checked" });

    let isSignInSettled = false;
    const signInAttempt = startSignIn(hanging, "203.0.113.30").finally(() => (isSignInSettled = true));
    await firstConnection;
    // Discovery is now waiting on the provider; a page reading the session does not wait with it.
    expect((await hanging.api.getSession({ headers: new Headers({ cookie }) }))?.user.email).toBe(user.email);
    expect(isSignInSettled).toBe(false);

    const start = await signInAttempt;
    expect(start.status).toBe(503);
    expect(await start.json()).toMatchObject({ code: "idp_unreachable", message: "the identity provider did not answer" });
    expect(sso.status()).toMatchObject({ state: "failed", error: expect.stringMatching(/did not answer within 5000 ms/) });
  });
});

describe("sign-in rate limit", () => {
  it(`allows ${SIGN_IN_ATTEMPTS_PER_MINUTE} attempts in any rolling minute per address`, async () => {
    let now = 1_700_000_000_000;
    const limited = authFor({ PORTSIDE_OIDC_ISSUER: provider.issuer }, { now: () => now });
    const attempts = async (count: number) => {
      const statuses: number[] = [];
      for (let i = 0; i < count; i++) statuses.push((await startSignIn(limited, "198.51.100.40")).status);
      return statuses;
    };
    const half = SIGN_IN_ATTEMPTS_PER_MINUTE / 2;
    expect(await attempts(half)).toEqual(Array(half).fill(200));
    now += 30_000;
    expect(await attempts(half + 1)).toEqual([...Array(half).fill(200), 429]);
    // A minute after the first half, exactly that half is free again: the second half still counts.
    now += 31_000;
    expect(await attempts(half + 1)).toEqual([...Array(half).fill(200), 429]);
  });
});
