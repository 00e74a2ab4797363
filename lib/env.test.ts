import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";

describe("env", () => {
  it("prefers DATABASE_URL", () => {
    expect(parseEnv({ DATABASE_URL: "postgresql://a@h:1/db", PGHOST: "other" }).databaseUrl).toBe("postgresql://a@h:1/db");
  });

  it("builds a URL from libpq variables, escaping the password", () => {
    const env = parseEnv({ PGHOST: "db.internal", PGUSER: "portside", PGPASSWORD: "p@ss/word", PGDATABASE: "portal" });
    expect(env.databaseUrl).toBe("postgresql://portside:p%40ss%2Fword@db.internal:5432/portal");
  });

  it("carries PGSSLMODE into the URL so TLS to RDS is verified", () => {
    expect(parseEnv({ PGHOST: "db", PGSSLMODE: "verify-full" }).databaseUrl).toBe("postgresql://postgres@db:5432/portside?sslmode=verify-full");
  });

  it("has no database when nothing is configured", () => {
    expect(parseEnv({}).databaseUrl).toBeUndefined();
  });

  it("says which variable is wrong", () => {
    expect(() => parseEnv({ DATABASE_URL: "mysql://x", LOG_LEVEL: "loud" })).toThrow(/DATABASE_URL: must be a postgresql:\/\/ URL[\s\S]*LOG_LEVEL/);
  });
});
