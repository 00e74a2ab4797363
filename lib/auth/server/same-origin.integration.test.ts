import { afterAll, describe, expect, it } from "vitest";
import { POST as authPost } from "@/app/api/auth/[...all]/route";
import { POST as createToken } from "@/app/api/tokens/route";
import { closeDb, db } from "@/lib/db";
import { uniqueSlug } from "@/lib/testing/fixtures";
import { makeUser, sessionCookie, TEST_ORIGIN } from "@/lib/testing/sessions";

afterAll(closeDb);

describe("same-origin check for cookie-authenticated changes (no PORTSIDE_BASE_URL)", () => {
  it("compares the Origin with the request's own host, so a forged X-Forwarded-Host does not let another site in", async () => {
    const admin = await makeUser("ADMIN");
    const cookie = await sessionCookie(admin.email);
    const name = uniqueSlug("csrf");
    const post = (headers: Record<string, string>) =>
      createToken(
        new Request(`${TEST_ORIGIN}/api/tokens`, {
          method: "POST",
          headers: { "content-type": "application/json", cookie, ...headers },
          body: JSON.stringify({ name, scopes: ["read"] }),
        }),
        { params: Promise.resolve({}) },
      );
    const forged = await post({ origin: "https://evil.example", "x-forwarded-host": "evil.example" });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { error: { message: string } }).error.message).toMatch(/Cross-site request refused/);
    expect(await db.apiToken.count({ where: { name } })).toBe(0);

    const own = await post({ origin: TEST_ORIGIN, "x-forwarded-host": "evil.example" });
    expect(own.status).toBe(201);
    expect(await db.apiToken.count({ where: { name } })).toBe(1);
  });
});

describe("dev sign-in and login CSRF", () => {
  const signIn = (email: string, headers: Record<string, string>) =>
    authPost(
      new Request(`${TEST_ORIGIN}/api/auth/sign-in/dev`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ email }),
      }),
    );

  it("refuses a sign-in posted from another site, or from an opaque origin, and starts no session", async () => {
    const user = await makeUser("ADMIN");
    for (const headers of [
      { origin: "https://evil.example" },
      { origin: "https://evil.example", "x-forwarded-host": "evil.example" },
      { origin: "null" },
      { "sec-fetch-site": "cross-site" },
    ] as Record<string, string>[]) {
      const response = await signIn(user.email, headers);
      expect({ headers, status: response.status }).toEqual({ headers, status: 403 });
      expect(response.headers.getSetCookie().some((c) => c.includes("session_token="))).toBe(false);
    }
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0);
  });

  it("signs in from the portal's own page, and from a script that sends no browser headers", async () => {
    const user = await makeUser("VIEWER");
    expect((await signIn(user.email, { origin: TEST_ORIGIN })).status).toBe(200);
    expect((await signIn(user.email, { "sec-fetch-site": "same-origin" })).status).toBe(200);
    expect((await signIn(user.email, {})).status).toBe(200);
    expect(await db.session.count({ where: { userId: user.id } })).toBe(3);
  });
});
