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

describe("sign-in settings", () => {
  it("refuses the dev sign-in in production, with the variable named", () => {
    expect(() => parseEnv({ NODE_ENV: "production", PORTSIDE_DEV_SIGN_IN: "1" })).toThrow(/PORTSIDE_DEV_SIGN_IN: .*refused in production/);
    expect(parseEnv({ NODE_ENV: "development", PORTSIDE_DEV_SIGN_IN: "1" }).devSignIn).toBe(true);
    expect(parseEnv({ NODE_ENV: "production", PORTSIDE_DEV_SIGN_IN: "0" }).devSignIn).toBe(false);
    expect(parseEnv({ NODE_ENV: "test" }).devSignIn).toBe(false);
  });

  it("derives the discovery URL from the issuer and splits scopes", () => {
    const { oidc } = parseEnv({
      PORTSIDE_OIDC_ISSUER: "https://example.okta.com/oauth2/default/",
      PORTSIDE_OIDC_CLIENT_ID: "abc",
      PORTSIDE_OIDC_SCOPES: "openid email, profile groups",
    });
    expect(oidc?.discoveryUrl).toBe("https://example.okta.com/oauth2/default/.well-known/openid-configuration");
    expect(oidc?.scopes).toEqual(["openid", "email", "profile", "groups"]);
    expect(parseEnv({}).oidc).toBeNull();
  });

  it("needs the issuer and the client id together", () => {
    expect(() => parseEnv({ PORTSIDE_OIDC_ISSUER: "https://login.example.com" })).toThrow(/PORTSIDE_OIDC_CLIENT_ID: is required/);
    expect(() => parseEnv({ PORTSIDE_OIDC_CLIENT_ID: "abc" })).toThrow(/PORTSIDE_OIDC_ISSUER: is required/);
  });
});

describe("collector settings", () => {
  it("runs the collectors in production and nowhere else unless told", () => {
    expect(parseEnv({ NODE_ENV: "production" }).isCollectorsEnabled).toBe(true);
    expect(parseEnv({ NODE_ENV: "development" }).isCollectorsEnabled).toBe(false);
    expect(parseEnv({ NODE_ENV: "test" }).isCollectorsEnabled).toBe(false);
    expect(parseEnv({ NODE_ENV: "production", PORTSIDE_COLLECTORS: "off" }).isCollectorsEnabled).toBe(false);
    expect(parseEnv({ NODE_ENV: "development", PORTSIDE_COLLECTORS: "on" }).isCollectorsEnabled).toBe(true);
  });

  it("syncs every 5 minutes by default, and refuses an interval that is not a cron step", () => {
    expect(parseEnv({}).PORTSIDE_SYNC_INTERVAL_MINUTES).toBe(5);
    expect(parseEnv({ PORTSIDE_SYNC_INTERVAL_MINUTES: "15" }).PORTSIDE_SYNC_INTERVAL_MINUTES).toBe(15);
    expect(() => parseEnv({ PORTSIDE_SYNC_INTERVAL_MINUTES: "0" })).toThrow(/PORTSIDE_SYNC_INTERVAL_MINUTES/);
    expect(() => parseEnv({ PORTSIDE_SYNC_INTERVAL_MINUTES: "90" })).toThrow(/PORTSIDE_SYNC_INTERVAL_MINUTES/);
    expect(() => parseEnv({ PORTSIDE_COLLECTORS: "maybe" })).toThrow(/PORTSIDE_COLLECTORS/);
  });
});

describe("incident attribution settings", () => {
  it("looks 24 hours back by default, and refuses a window that is not a whole number of hours from 1 to 720", () => {
    expect(parseEnv({}).attributionWindowHours).toBe(24);
    expect(parseEnv({ PORTSIDE_ATTRIBUTION_WINDOW_HOURS: "6" }).attributionWindowHours).toBe(6);
    for (const bad of ["0", "1.5", "721", "a day"]) {
      expect(() => parseEnv({ PORTSIDE_ATTRIBUTION_WINDOW_HOURS: bad })).toThrow(/PORTSIDE_ATTRIBUTION_WINDOW_HOURS/);
    }
  });
});

describe("trusted proxies", () => {
  it("trusts no proxy unless told, and takes a whole number of hops", () => {
    expect(parseEnv({}).trustedProxyHops).toBe(0);
    expect(parseEnv({ PORTSIDE_TRUSTED_PROXY_HOPS: "1" }).trustedProxyHops).toBe(1);
    expect(() => parseEnv({ PORTSIDE_TRUSTED_PROXY_HOPS: "-1" })).toThrow(/PORTSIDE_TRUSTED_PROXY_HOPS: /);
    expect(() => parseEnv({ PORTSIDE_TRUSTED_PROXY_HOPS: "1.5" })).toThrow(/PORTSIDE_TRUSTED_PROXY_HOPS: must be a whole number/);
  });

  it("says every problem on one line, each with its variable", () => {
    expect(() => parseEnv({ PORTSIDE_AUTH_SECRET: "short", PORTSIDE_TRUSTED_PROXY_HOPS: "x" })).toThrow(
      /^Invalid environment: [^\n]*PORTSIDE_[A-Z_]+: [^\n]*; PORTSIDE_[A-Z_]+: [^\n]*$/,
    );
  });
});
