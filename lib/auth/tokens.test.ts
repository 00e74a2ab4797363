import { describe, expect, it } from "vitest";
import { bearerToken, generateToken, hashToken } from "@/lib/auth/tokens";

describe("API tokens", () => {
  it("generates distinct secrets whose hash is what gets stored", () => {
    const a = generateToken();
    const b = generateToken();
    expect(a.token).not.toBe(b.token);
    expect(a.token).toMatch(/^psk_[A-Za-z0-9_-]{32}$/);
    expect(a.hash).toBe(hashToken(a.token));
    expect(a.hash).not.toContain(a.token);
    expect(a.token.startsWith(a.prefix)).toBe(true);
  });

  it("reads a bearer token and nothing else", () => {
    const req = (value?: string) => new Request("http://x", { headers: value ? { authorization: value } : {} });
    expect(bearerToken(req("Bearer psk_abc"))).toBe("psk_abc");
    expect(bearerToken(req("bearer   psk_abc  "))).toBe("psk_abc");
    expect(bearerToken(req("Basic dXNlcjpwYXNz"))).toBeNull();
    expect(bearerToken(req("Bearer two words"))).toBeNull();
    expect(bearerToken(req())).toBeNull();
  });
});
