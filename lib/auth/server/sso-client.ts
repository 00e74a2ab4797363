import "server-only";
import { defineRequestState } from "@better-auth/core/context";
import { authorizationCodeRequest, createAuthorizationURL, getOAuth2Tokens, parseStringBoolean, type OAuth2Tokens, type OAuthProvider } from "@better-auth/core/oauth2";
import { APIError } from "better-auth/api";
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { z } from "zod";
import type { TEnv } from "@/lib/env";
import { log } from "@/lib/log";

/** The provider id SSO accounts are stored under; part of the callback URL. */
export const SSO_PROVIDER_ID = "sso";

/** How long the portal waits for any answer from the identity provider. */
export const DEFAULT_PROVIDER_TIMEOUT_MS = 5_000;

/** Endpoints found by discovery are used this long before they are fetched again (keys rotate through the JWKS itself). */
const DISCOVERY_TTL_MS = 60 * 60 * 1000;

/** After a failed re-discovery, the endpoints found before are used this long before the provider is asked again. */
const DISCOVERY_RETRY_MS = 60 * 1000;

/** Clock skew allowed on `exp`, `nbf` and `iat`, as better-auth's own verifier and openid-client allow. */
const CLOCK_TOLERANCE_SECONDS = 30;

/**
 * Why a sign-in failed, as the sign-in page names it (`/sign-in?error=<reason>`).
 * `invalid_code` is better-auth's own: the provider refused the code (expired or used twice).
 */
export type TSsoFailureReason = "idp_unreachable" | "idp_refused_credentials" | "idp_error" | "idp_mismatch" | "id_token_invalid" | "invalid_code";

/** What people are told when the sign-in cannot even start (the button shows it). */
const START_MESSAGES: Record<TSsoFailureReason, string> = {
  idp_unreachable: "the identity provider did not answer",
  idp_refused_credentials: "the identity provider refused the portal's credentials",
  idp_error: "the identity provider answered with an error",
  idp_mismatch: "the identity provider is not the one the portal is configured for",
  id_token_invalid: "the identity provider's answer could not be verified",
  invalid_code: "the identity provider refused the sign-in",
};

/** A failed exchange with the identity provider: a short reason for people, the precise one for the log. */
export class SsoFailure extends Error {
  constructor(
    readonly reason: TSsoFailureReason,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "SsoFailure";
  }
}

/** What one callback learnt, for the hooks that run after better-auth has handled it (see sso-plugin.ts). */
export interface TSsoCallbackOutcome {
  failure?: SsoFailure;
  /** Refused by our own rules when better-auth was about to create a user or link an account. */
  refusal?: { reason: "email_not_verified" | "account_already_linked"; linkedSubject?: string };
  identity?: { sub: string; email: string | undefined; emailClaim: "email" | "preferred_username" | null; isEmailVerified: boolean; name: string | undefined };
}

/** Per request (better-auth's request state): the callback's provider calls and its after-hook share it. */
export const ssoCallbackOutcome = defineRequestState<TSsoCallbackOutcome>(() => ({}));

interface TEndpoints {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  userinfoEndpoint: string | undefined;
  jwks: JWTVerifyGetKey;
  algorithms: string[] | undefined;
}

export interface TSsoStatus {
  mode: "discovery" | "explicit";
  issuer: string;
  /** not_checked: nobody has signed in since the portal started (discovery happens at sign-in). */
  state: "not_checked" | "ok" | "failed";
  checkedAt: string | null;
  error: string | null;
}

const ZDiscoverySchema = z.object({
  issuer: z.string().min(1),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  userinfo_endpoint: z.url().optional(),
  jwks_uri: z.url(),
  id_token_signing_alg_values_supported: z.array(z.string()).optional(),
});

const ZTokenErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() }).partial();

type TOidcConfig = NonNullable<TEnv["oidc"]>;

export interface TCreateSsoClientOptions {
  oidc: TOidcConfig;
  timeoutMs?: number;
  now?: () => number;
}

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${(error.cause as Error & { code?: string }).code ?? error.cause.message}` : "";
  return `${error.message}${cause}`;
}

/**
 * The organisation's OpenID Connect provider, as a better-auth OAuth provider.
 * Nothing is fetched until someone signs in: discovery (or nothing, in
 * explicit-endpoint mode) happens on the first sign-in, bounded by a timeout,
 * and is cached; a failure is retried at the next sign-in (a minute on when
 * what the provider said before is still in use). Reading a session never
 * reaches the provider.
 */
export function createSsoClient({ oidc, timeoutMs = DEFAULT_PROVIDER_TIMEOUT_MS, now = Date.now }: TCreateSsoClientOptions) {
  const isExplicit = Boolean(oidc.authorizationUrl);
  let cached: { endpoints: TEndpoints; refreshAt: number } | null = null;
  let inflight: Promise<TEndpoints> | null = null;
  let lastCheck: { at: number; error: string | null } | null = null;

  /** Fetches from the provider; every way of not answering becomes one reason. */
  async function call(url: string, init: RequestInit, what: string): Promise<Response> {
    try {
      // Redirects are refused, as better-auth refuses them on its own server-side OAuth calls (SSRF).
      return await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const isTimeout = error instanceof DOMException && error.name === "TimeoutError";
      throw new SsoFailure("idp_unreachable", `${what} ${url} ${isTimeout ? `did not answer within ${timeoutMs} ms` : `failed (${describeCause(error)})`}`, { url });
    }
  }

  async function discover(): Promise<TEndpoints> {
    const jwksOptions = { timeoutDuration: timeoutMs };
    if (isExplicit) {
      return {
        issuer: oidc.issuer,
        authorizationEndpoint: oidc.authorizationUrl!,
        tokenEndpoint: oidc.tokenUrl!,
        userinfoEndpoint: oidc.userInfoUrl,
        jwks: createRemoteJWKSet(new URL(oidc.jwksUrl!), jwksOptions),
        algorithms: undefined,
      };
    }
    const url = oidc.discoveryUrl;
    const response = await call(url, { headers: { accept: "application/json" } }, "discovery");
    if (!response.ok) throw new SsoFailure("idp_error", `discovery ${url} answered HTTP ${response.status}`, { url, status: response.status });
    const parsed = ZDiscoverySchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success) {
      throw new SsoFailure("idp_error", `discovery ${url} is not an OpenID Connect discovery document (${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")})`, { url });
    }
    const document = parsed.data;
    // OpenID Connect Discovery §4.3: the issuer must be exactly the one configured.
    if (document.issuer !== oidc.issuer) {
      throw new SsoFailure("idp_mismatch", `discovery ${url} declares issuer "${document.issuer}", but PORTSIDE_OIDC_ISSUER is "${oidc.issuer}"`, {
        url,
        configuredIssuer: oidc.issuer,
        discoveredIssuer: document.issuer,
      });
    }
    return {
      issuer: document.issuer,
      authorizationEndpoint: document.authorization_endpoint,
      tokenEndpoint: oidc.tokenUrl ?? document.token_endpoint,
      userinfoEndpoint: oidc.userInfoUrl ?? document.userinfo_endpoint,
      jwks: createRemoteJWKSet(new URL(oidc.jwksUrl ?? document.jwks_uri), jwksOptions),
      algorithms: document.id_token_signing_alg_values_supported?.filter((alg) => alg !== "none"),
    };
  }

  /** The provider's endpoints: cached, one fetch at a time; a first discovery that failed is retried at the next sign-in, a later one a minute on. */
  function endpoints(): Promise<TEndpoints> {
    if (cached && now() < cached.refreshAt) return Promise.resolve(cached.endpoints);
    inflight ??= discover()
      .then(
        (found) => {
          cached = { endpoints: found, refreshAt: now() + DISCOVERY_TTL_MS };
          lastCheck = { at: now(), error: null };
          return found;
        },
        (error: unknown) => {
          lastCheck = { at: now(), error: error instanceof Error ? error.message : String(error) };
          log.error({ sso: error instanceof SsoFailure ? { reason: error.reason, ...error.details } : undefined, err: error }, `sso: ${lastCheck.error}`);
          // A provider that was found before keeps working from what it said then, and is not asked again at
          // every step of every sign-in (each waiting up to the timeout while it hangs).
          if (cached) {
            cached = { endpoints: cached.endpoints, refreshAt: now() + DISCOVERY_RETRY_MS };
            return cached.endpoints;
          }
          throw error;
        },
      )
      .finally(() => {
        inflight = null;
      });
    return inflight;
  }

  async function exchangeCode(data: { code: string; redirectURI: string; codeVerifier?: string | undefined }): Promise<OAuth2Tokens> {
    const { tokenEndpoint } = await endpoints();
    const request = await authorizationCodeRequest({
      code: data.code,
      codeVerifier: data.codeVerifier,
      redirectURI: data.redirectURI,
      options: { clientId: oidc.clientId, clientSecret: oidc.clientSecret },
      tokenEndpoint,
    });
    const response = await call(tokenEndpoint, { method: "POST", body: request.body, headers: request.headers }, "token endpoint");
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const { error, error_description: description } = ZTokenErrorSchema.catch({}).parse(body);
      const details = { url: tokenEndpoint, status: response.status, error, description };
      const said = `token endpoint ${tokenEndpoint} answered HTTP ${response.status}${error ? ` ${error}` : ""}${description ? ` (${description})` : ""}`;
      if (response.status === 401 || error === "invalid_client" || error === "unauthorized_client") throw new SsoFailure("idp_refused_credentials", said, details);
      if (error === "invalid_grant") throw new SsoFailure("invalid_code", said, details);
      throw new SsoFailure("idp_error", said, details);
    }
    if (!body || typeof body !== "object") throw new SsoFailure("idp_error", `token endpoint ${tokenEndpoint} answered without a JSON body`, { url: tokenEndpoint });
    return getOAuth2Tokens(body as Record<string, unknown>);
  }

  async function verifyIdToken(idToken: string | undefined, expectedNonce: string | undefined): Promise<JWTPayload & { sub: string }> {
    const found = await endpoints();
    if (!idToken) throw new SsoFailure("id_token_invalid", "the token endpoint returned no ID token (is the openid scope requested?)");
    try {
      const { payload } = await jwtVerify(idToken, found.jwks, {
        issuer: oidc.issuer,
        audience: oidc.clientId,
        algorithms: found.algorithms,
        requiredClaims: ["iss", "sub", "aud", "exp", "iat"],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      // better-auth refuses a callback whose state carries no nonce before calling us, so one is always expected.
      if (payload.nonce !== expectedNonce) throw new SsoFailure("id_token_invalid", "ID token rejected: nonce does not match the sign-in's", { claim: "nonce" });
      return payload as JWTPayload & { sub: string };
    } catch (error) {
      if (error instanceof SsoFailure) throw error;
      if (error instanceof joseErrors.JWKSTimeout) throw new SsoFailure("idp_unreachable", `the provider's keys did not arrive within ${timeoutMs} ms`);
      if (error instanceof joseErrors.JWTClaimValidationFailed || error instanceof joseErrors.JWTExpired) {
        throw new SsoFailure("id_token_invalid", `ID token rejected: claim "${error.claim}" ${error.reason} (${error.message})`, { claim: error.claim, reason: error.reason });
      }
      const code = error instanceof joseErrors.JOSEError ? error.code : undefined;
      throw new SsoFailure("id_token_invalid", `ID token rejected: ${describeCause(error)}`, { code });
    }
  }

  async function fetchUserinfo(userinfoEndpoint: string, accessToken: string): Promise<Record<string, unknown>> {
    const response = await call(userinfoEndpoint, { headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" } }, "userinfo");
    if (!response.ok) throw new SsoFailure("idp_error", `userinfo ${userinfoEndpoint} answered HTTP ${response.status}`, { url: userinfoEndpoint, status: response.status });
    const body: unknown = await response.json().catch(() => null);
    if (!body || typeof body !== "object") throw new SsoFailure("idp_error", `userinfo ${userinfoEndpoint} answered without a JSON object`, { url: userinfoEndpoint });
    return body as Record<string, unknown>;
  }

  async function profileOf(tokens: OAuth2Tokens, expectedNonce: string | undefined) {
    const idClaims = await verifyIdToken(tokens.idToken, expectedNonce);
    const { userinfoEndpoint } = await endpoints();
    const userinfo = userinfoEndpoint && tokens.accessToken ? await fetchUserinfo(userinfoEndpoint, tokens.accessToken) : {};
    // OpenID Connect Core §5.3.2: a userinfo answer must name the ID token's subject; otherwise the whole answer is refused.
    if (userinfoEndpoint && tokens.accessToken && userinfo.sub !== idClaims.sub) {
      const said = userinfo.sub === undefined ? "has no subject" : `names subject "${String(userinfo.sub)}"`;
      throw new SsoFailure("id_token_invalid", `userinfo ${said}, but the ID token's is "${idClaims.sub}"`, { claim: "sub" });
    }
    const claims: Record<string, unknown> = { ...idClaims, ...userinfo, sub: idClaims.sub };
    const text = (key: string) => (typeof claims[key] === "string" && claims[key] ? (claims[key] as string) : undefined);
    // An address and the flag that says it is verified are read from the same claim set (the ID token's when it has
    // an email, else userinfo's): one set's flag never vouches for the other set's address.
    const emailSource: Record<string, unknown> = typeof idClaims.email === "string" && idClaims.email ? idClaims : userinfo;
    // Entra ID sends `email` only when the user has a mailbox; its UPN is the sign-in address. No provider
    // asserts that a UPN is verified, so an address taken from it never links to an existing user.
    const upn = text("preferred_username");
    const emailClaim = typeof emailSource.email === "string" && emailSource.email ? "email" : upn?.includes("@") ? "preferred_username" : null;
    const email = emailClaim === "email" ? (emailSource.email as string).toLowerCase() : emailClaim ? upn!.toLowerCase() : undefined;
    const isEmailVerified = emailClaim === "email" && parseStringBoolean(emailSource.email_verified as string | boolean | undefined) === true;
    // Entra ID and Cognito omit `name` unless asked; fall back to what they do send.
    const name = text("name") ?? ([text("given_name"), text("family_name")].filter(Boolean).join(" ") || undefined) ?? text("preferred_username");
    return { claims, sub: idClaims.sub, email, emailClaim, isEmailVerified, name } as const;
  }

  async function record(failure: SsoFailure) {
    log.warn({ sso: { reason: failure.reason, ...failure.details } }, `sso: sign-in refused: ${failure.message}`);
    (await ssoCallbackOutcome.get()).failure = failure;
  }

  const provider: OAuthProvider<Record<string, unknown>> = {
    id: SSO_PROVIDER_ID,
    name: oidc.name,
    // better-auth checks the callback's `iss` parameter (RFC 9207) against it; discovery is held to it too.
    issuer: oidc.issuer,
    requiresIdTokenNonce: true,
    async createAuthorizationURL(data) {
      let found: TEndpoints;
      try {
        found = await endpoints();
      } catch (error) {
        if (!(error instanceof SsoFailure)) throw error;
        throw new APIError(error.reason === "idp_unreachable" ? "SERVICE_UNAVAILABLE" : "BAD_GATEWAY", { code: error.reason, message: START_MESSAGES[error.reason] });
      }
      return createAuthorizationURL({
        id: SSO_PROVIDER_ID,
        options: { clientId: oidc.clientId, clientSecret: oidc.clientSecret },
        authorizationEndpoint: found.authorizationEndpoint,
        state: data.state,
        codeVerifier: data.codeVerifier,
        scopes: oidc.scopes.includes("openid") ? oidc.scopes : ["openid", ...oidc.scopes],
        redirectURI: data.redirectURI,
        nonce: data.idTokenNonce,
        loginHint: data.loginHint,
      });
    },
    async validateAuthorizationCode(data) {
      try {
        return await exchangeCode(data);
      } catch (error) {
        if (!(error instanceof SsoFailure)) throw error;
        await record(error);
        return null;
      }
    },
    async getUserInfo({ expectedIdTokenNonce, ...tokens }) {
      try {
        const profile = await profileOf(tokens, expectedIdTokenNonce);
        (await ssoCallbackOutcome.get()).identity = {
          sub: profile.sub,
          email: profile.email,
          emailClaim: profile.emailClaim,
          isEmailVerified: profile.isEmailVerified,
          name: profile.name,
        };
        return {
          user: { email: profile.email, emailVerified: profile.isEmailVerified, name: profile.name ?? profile.email ?? "", image: typeof profile.claims.picture === "string" ? profile.claims.picture : undefined },
          data: profile.claims,
        };
      } catch (error) {
        if (!(error instanceof SsoFailure)) throw error;
        await record(error);
        return null;
      }
    },
    // The account is keyed by the verified ID token's subject, wherever the email came from.
    accountSubject: ({ profile }) => String(profile.sub ?? ""),
  };

  return {
    provider,
    /** For /api/ready: what the last attempt found, without reaching the provider. */
    status(): TSsoStatus {
      return {
        mode: isExplicit ? "explicit" : "discovery",
        issuer: oidc.issuer,
        state: !lastCheck ? "not_checked" : lastCheck.error ? "failed" : "ok",
        checkedAt: lastCheck ? new Date(lastCheck.at).toISOString() : null,
        error: lastCheck?.error ?? null,
      };
    },
  };
}

export type TSsoClient = ReturnType<typeof createSsoClient>;
