/**
 * A standards-complete OpenID Connect provider for tests (the `oidc-provider`
 * package, as certified by the OpenID Foundation): discovery, authorization
 * code with PKCE, nonce, RS256-signed ID tokens, userinfo, and its own login
 * and consent pages, which `signInAtProvider` fills in the way a person would.
 * It knows the identities the test gives it; which one signs in is chosen at
 * the login page. Like most providers, it puts the email in userinfo only (the
 * ID token carries the subject) unless told otherwise, and an identity can
 * make userinfo say something other than the ID token.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair } from "jose";
import Provider from "oidc-provider";

export interface TOpenIdIdentity {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  preferred_username?: string;
  /** Claims userinfo answers with instead of the ones above (a key set to undefined is left out). */
  userinfo?: Partial<Omit<TOpenIdIdentity, "userinfo" | "sub">>;
}

export const OPENID_CLIENT_ID = "portside-test";
export const OPENID_CLIENT_SECRET = "portside-test-secret";

export interface TStartOpenIdProviderOptions {
  identities: TOpenIdIdentity[];
  redirectUris: string[];
  /**
   * The path the issuer identifier adds to the server's origin. The provider
   * is served at the root whatever it is, so a path makes it publish an issuer
   * other than its address (another tenant's).
   */
  issuerPath?: string;
  clientSecret?: string;
  /** Puts the scopes' claims (email, name) in the ID token as well as in userinfo, as some providers do. */
  hasIdTokenClaims?: boolean;
}

export async function startOpenIdProvider({ identities, redirectUris, issuerPath = "", clientSecret = OPENID_CLIENT_SECRET, hasIdTokenClaims = false }: TStartOpenIdProviderOptions) {
  const byId = new Map(identities.map((identity) => [identity.sub, identity]));
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const server: Server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${origin}${issuerPath}`;

  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: "test-rs256", alg: "RS256", use: "sig" };

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: OPENID_CLIENT_ID,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    jwks: { keys: [signingKey] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "preferred_username"] },
    conformIdTokenClaims: !hasIdTokenClaims,
    cookies: { keys: ["portside-test-cookie-key"] },
    findAccount: (_ctx, sub) => {
      const identity = byId.get(sub);
      if (!identity) return undefined;
      const { userinfo, ...claims } = identity;
      return { accountId: sub, claims: (use: string) => (use === "userinfo" && userinfo ? { ...claims, ...userinfo, sub } : { ...claims }) };
    },
  });
  // Its own errors (a refused client, a bad grant) are what the tests provoke; keep them out of the output.
  provider.on("server_error", () => undefined);
  const callback = provider.callback();
  handle = (req, res) => void callback(req, res);

  return {
    issuer,
    origin,
    discoveryUrl: `${origin}/.well-known/openid-configuration`,
    endpoints: { authorization: `${origin}/auth`, token: `${origin}/token`, userinfo: `${origin}/me`, jwks: `${origin}/jwks` },
    signingKid: signingKey.kid,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The cookies one browser holds for one host, by name (paths ignored: the provider's are all on one host). */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(response: Response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(";");
      const at = pair!.indexOf("=");
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      const isExpired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || !value;
      if (isExpired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

/**
 * Goes through the provider's own interaction: from the authorization URL,
 * signs in as `sub` on its login page, accepts on its consent page, and
 * returns the URL it sends the browser back to (the portal's callback).
 */
export async function signInAtProvider(authorizationUrl: string, sub: string): Promise<URL> {
  const jar = new CookieJar();
  let url = new URL(authorizationUrl);
  for (let step = 0; step < 10; step++) {
    const response = await fetch(url, { redirect: "manual", headers: { cookie: jar.header() } });
    jar.take(response);
    if (response.status === 200 && url.pathname.startsWith("/interaction/")) {
      const page = await response.text();
      const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
      const form: Record<string, string> = prompt === "login" ? { prompt, login: sub, password: "any" } : { prompt: prompt ?? "consent" };
      const submitted = await fetch(url, {
        method: "POST",
        redirect: "manual",
        headers: { cookie: jar.header(), "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(form),
      });
      jar.take(submitted);
      url = new URL(submitted.headers.get("location")!, url);
      continue;
    }
    const location = response.headers.get("location");
    if (!location) throw new Error(`the provider answered ${response.status} at ${url.pathname}: ${await response.text()}`);
    const next = new URL(location, url);
    if (next.origin !== url.origin) return next;
    url = next;
  }
  throw new Error("the provider's interaction did not end in 10 steps");
}
