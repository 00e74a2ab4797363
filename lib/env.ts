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
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    PORTSIDE_BASE_URL: z.url().optional(),
    // The token EventBridge's API destination sends (from Secrets Manager in
    // the AWS deployment); registered at migrate time, see scripts/db-migrate.ts.
    PORTSIDE_API_TOKEN: z.string().min(32, "must be at least 32 characters").optional(),
  })
  .transform((env) => ({
    ...env,
    databaseUrl:
      env.DATABASE_URL ??
      (env.PGHOST
        ? `postgresql://${encodeURIComponent(env.PGUSER ?? "postgres")}${
            env.PGPASSWORD ? `:${encodeURIComponent(env.PGPASSWORD)}` : ""
          }@${env.PGHOST}:${env.PGPORT ?? 5432}/${encodeURIComponent(env.PGDATABASE ?? "portside")}${
            env.PGSSLMODE ? `?sslmode=${env.PGSSLMODE}` : ""
          }`
        : undefined),
  }));

export type TEnv = z.infer<typeof ZEnvSchema>;

export function parseEnv(source: Record<string, string | undefined>): TEnv {
  const result = ZEnvSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid environment:\n${problems}`);
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
