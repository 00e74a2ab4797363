/**
 * Every environment variable the portal reads, validated once. Nothing else
 * touches process.env (scripts that start processes pass env on, and test
 * configs set it).
 */
import { z } from "zod";

const ZEnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL")
      .optional(),
    // libpq-style parts, accepted when DATABASE_URL is unset (the infra injects
    // the database secret's fields this way).
    PGHOST: z.string().optional(),
    PGPORT: z.coerce.number().int().positive().optional(),
    PGUSER: z.string().optional(),
    PGPASSWORD: z.string().optional(),
    PGDATABASE: z.string().optional(),
    PGSSLMODE: z.enum(["disable", "prefer", "require", "verify-ca", "verify-full"]).optional(),
    // The AWS deployment: the database secret (JSON with "password") that RDS rotates. New connections read the
    // password from it, and read it again when a login is refused (lib/db-connection.ts); PGPASSWORD is then unused.
    PORTSIDE_DB_SECRET_ARN: z
      .string()
      .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, "must be a Secrets Manager secret ARN")
      .optional(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    PORTSIDE_BASE_URL: z.url().optional(),
    // How many proxies in front of the portal append to X-Forwarded-For (the
    // AWS deployment: 1, its load balancer): the client's address is the entry
    // this many places from the right. 0: the connection's address, whatever
    // the client sent (lib/server/client-address.ts replaces the header). See
    // clientIp in lib/http.ts.
    PORTSIDE_TRUSTED_PROXY_HOPS: z.coerce.number().int("must be a whole number").min(0).max(10).default(0),
    // The token EventBridge's API destination sends (from Secrets Manager in
    // the AWS deployment); registered at migrate time, see scripts/db-migrate.ts.
    PORTSIDE_API_TOKEN: z.string().min(32, "must be at least 32 characters").optional(),
    // Signs session cookies and encrypts stored OAuth tokens. Required in
    // production; development and tests use a fixed, public one.
    PORTSIDE_AUTH_SECRET: z.string().min(32, "must be at least 32 characters (openssl rand -base64 32)").optional(),
    // The dev sign-in (pick a demo user, no password). Only outside production;
    // see refine below and instrumentation.ts.
    PORTSIDE_DEV_SIGN_IN: z
      .enum(["0", "1", "true", "false"])
      .optional()
      .transform((v) => v === "1" || v === "true"),
    // OpenID Connect single sign-on. Endpoints are discovered from the issuer
    // at sign-in (never at build time) unless given explicitly.
    PORTSIDE_OIDC_ISSUER: z.url().optional(),
    PORTSIDE_OIDC_DISCOVERY_URL: z.url().optional(),
    PORTSIDE_OIDC_CLIENT_ID: z.string().min(1).optional(),
    PORTSIDE_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    PORTSIDE_OIDC_AUTHORIZATION_URL: z.url().optional(),
    PORTSIDE_OIDC_TOKEN_URL: z.url().optional(),
    PORTSIDE_OIDC_USERINFO_URL: z.url().optional(),
    // The provider's signing keys, for verifying ID tokens in explicit-endpoint mode (discovery mode reads jwks_uri).
    PORTSIDE_OIDC_JWKS_URL: z.url().optional(),
    PORTSIDE_OIDC_SCOPES: z.string().default("openid email profile"),
    PORTSIDE_OIDC_NAME: z.string().min(1).default("single sign-on"),
    // Hosts catalog-info.yaml may be fetched from (comma-separated).
    PORTSIDE_CATALOG_URL_HOSTS: z.string().default("github.com,raw.githubusercontent.com,gitlab.com"),
    // The scheduled AWS collectors (lib/jobs). Default: on in production, off
    // elsewhere (the demo organisation's accounts are not real).
    PORTSIDE_COLLECTORS: z.enum(["on", "off", "1", "0", "true", "false"]).optional(),
    // How often each account × region is synced, in minutes (a cron step: 1–60).
    PORTSIDE_SYNC_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(60).default(5),
    // The member-account stack's read role (infra: portal.memberRoleName) and the external id it requires
    // (portal.memberExternalId): the defaults of an AWS account added without its own (lib/catalog/server/manage-aws-accounts.ts).
    PORTSIDE_MEMBER_ROLE_NAME: z.string().regex(/^[\w+=,.@-]{1,64}$/, "must be an IAM role name such as PortsideRead").optional(),
    // The member-account stack's approval role (infra: portal.memberApprovalRoleName, codepipeline:PutApprovalResult only):
    // approvals in a member account assume this role of that account; unset, they use the account's read role.
    PORTSIDE_MEMBER_APPROVAL_ROLE_NAME: z.string().regex(/^[\w+=,.@-]{1,64}$/, "must be an IAM role name such as PortsideApprove").optional(),
    PORTSIDE_MEMBER_EXTERNAL_ID: z.string().regex(/^[\w+=,.@:/-]{2,1224}$/, "must be 2–1224 characters of letters, digits and +=,.@:/-").optional(),
    // How long before an incident began a production deployment may have
    // caused it (the DORA attribution rule, lib/incidents/attribution.ts).
    PORTSIDE_ATTRIBUTION_WINDOW_HOURS: z.coerce.number().int("must be a whole number of hours").min(1).max(720).default(24),
    // Alarm severities that open an incident when their alarm enters ALARM (comma-separated).
    PORTSIDE_INCIDENT_SEVERITIES: z
      .string()
      .default("SEV1,SEV2")
      .transform((v) => v.split(",").map((s) => s.trim().toUpperCase()).filter(Boolean))
      .pipe(z.array(z.enum(["SEV1", "SEV2", "SEV3", "SEV4"], { message: "must list SEV1–SEV4, e.g. SEV1,SEV2" }))),
    // An alarm back in ALARM within this many minutes of resolving reopens its incident instead of opening another.
    PORTSIDE_INCIDENT_QUIET_MINUTES: z.coerce.number().int().min(0).max(1440).default(15),
    // X-Ray service graph: 5-minute buckets older than this are rolled up to
    // hourly ones (lib/servicemap/bucket-store.ts); X-Ray itself keeps 30 days.
    PORTSIDE_XRAY_RAW_RETENTION_HOURS: z.coerce.number().int("must be a whole number of hours").min(2).max(720).default(48),
    // How far back the first X-Ray sync of a group reads (in hours; kept under the raw retention).
    PORTSIDE_XRAY_BACKFILL_HOURS: z.coerce.number().int("must be a whole number of hours").min(1).max(24).default(3),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && env.PORTSIDE_DEV_SIGN_IN) {
      ctx.addIssue({
        code: "custom",
        path: ["PORTSIDE_DEV_SIGN_IN"],
        message: "the dev sign-in lets anyone sign in as anyone; it is refused in production. Unset it.",
      });
    }
    if (env.PORTSIDE_OIDC_ISSUER && !env.PORTSIDE_OIDC_CLIENT_ID) {
      ctx.addIssue({ code: "custom", path: ["PORTSIDE_OIDC_CLIENT_ID"], message: "is required when PORTSIDE_OIDC_ISSUER is set" });
    }
    if (env.PORTSIDE_OIDC_CLIENT_ID && !env.PORTSIDE_OIDC_ISSUER) {
      ctx.addIssue({ code: "custom", path: ["PORTSIDE_OIDC_ISSUER"], message: "is required when PORTSIDE_OIDC_CLIENT_ID is set" });
    }
    // Explicit-endpoint mode (no discovery) verifies ID tokens as discovery mode does, so it needs the keys too.
    for (const name of ["PORTSIDE_OIDC_TOKEN_URL", "PORTSIDE_OIDC_JWKS_URL"] as const) {
      if (env.PORTSIDE_OIDC_AUTHORIZATION_URL && !env[name]) {
        ctx.addIssue({ code: "custom", path: [name], message: "is required when PORTSIDE_OIDC_AUTHORIZATION_URL is set (explicit-endpoint mode)" });
      }
    }
  })
  .transform((env) => ({
    ...env,
    databaseUrl:
      env.DATABASE_URL ??
      (env.PGHOST
        ? `postgresql://${encodeURIComponent(env.PGUSER ?? "postgres")}${
            env.PGPASSWORD && !env.PORTSIDE_DB_SECRET_ARN ? `:${encodeURIComponent(env.PGPASSWORD)}` : ""
          }@${env.PGHOST}:${env.PGPORT ?? 5432}/${encodeURIComponent(env.PGDATABASE ?? "portside")}${
            env.PGSSLMODE ? `?sslmode=${env.PGSSLMODE}` : ""
          }`
        : undefined),
    oidc: env.PORTSIDE_OIDC_ISSUER && env.PORTSIDE_OIDC_CLIENT_ID
      ? {
          issuer: env.PORTSIDE_OIDC_ISSUER,
          discoveryUrl:
            env.PORTSIDE_OIDC_DISCOVERY_URL ??
            `${env.PORTSIDE_OIDC_ISSUER.replace(/\/$/, "")}/.well-known/openid-configuration`,
          clientId: env.PORTSIDE_OIDC_CLIENT_ID,
          clientSecret: env.PORTSIDE_OIDC_CLIENT_SECRET,
          authorizationUrl: env.PORTSIDE_OIDC_AUTHORIZATION_URL,
          tokenUrl: env.PORTSIDE_OIDC_TOKEN_URL,
          userInfoUrl: env.PORTSIDE_OIDC_USERINFO_URL,
          jwksUrl: env.PORTSIDE_OIDC_JWKS_URL,
          scopes: env.PORTSIDE_OIDC_SCOPES.split(/[\s,]+/).filter(Boolean),
          name: env.PORTSIDE_OIDC_NAME,
        }
      : null,
    devSignIn: env.PORTSIDE_DEV_SIGN_IN,
    catalogUrlHosts: env.PORTSIDE_CATALOG_URL_HOSTS.split(",").map((h) => h.trim().toLowerCase()).filter(Boolean),
    attributionWindowHours: env.PORTSIDE_ATTRIBUTION_WINDOW_HOURS,
    incidentSeverities: env.PORTSIDE_INCIDENT_SEVERITIES,
    incidentQuietMinutes: env.PORTSIDE_INCIDENT_QUIET_MINUTES,
    trustedProxyHops: env.PORTSIDE_TRUSTED_PROXY_HOPS,
    xrayRawRetentionHours: env.PORTSIDE_XRAY_RAW_RETENTION_HOURS,
    xrayBackfillHours: Math.min(env.PORTSIDE_XRAY_BACKFILL_HOURS, env.PORTSIDE_XRAY_RAW_RETENTION_HOURS - 1),
    isCollectorsEnabled: env.PORTSIDE_COLLECTORS === undefined ? env.NODE_ENV === "production" : ["on", "1", "true"].includes(env.PORTSIDE_COLLECTORS),
  }));

export type TEnv = z.infer<typeof ZEnvSchema>;

export function parseEnv(source: Record<string, string | undefined>): TEnv {
  const result = ZEnvSchema.safeParse(source);
  if (!result.success) {
    // One line, so that a process stopped by it says what is wrong in one line (lib/startup-checks.ts).
    const problems = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${problems}`);
  }
  return result.data;
}

let cached: TEnv | undefined;

export function env(): TEnv {
  cached ??= parseEnv(process.env);
  return cached;
}

export function requireDatabaseUrl(): string {
  const url = env().databaseUrl;
  if (!url) {
    throw new Error(
      "No database configured: set DATABASE_URL, or start the portal with `npm run dev` / `npm start`, which provide an embedded PostgreSQL.",
    );
  }
  return url;
}
