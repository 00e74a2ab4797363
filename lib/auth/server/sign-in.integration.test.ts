import { afterAll, describe, expect, it } from "vitest";
import { GET as authGet, POST as authPost } from "@/app/api/auth/[...all]/route";
import { closeDb, db } from "@/lib/db";
import { makeUser, sessionCookie, TEST_ORIGIN } from "@/lib/testing/sessions";

afterAll(closeDb);

function getSession(cookie: string) {
  return authGet(new Request(`${TEST_ORIGIN}/api/auth/get-session`, { headers: { cookie } }));
}

describe("dev sign-in", () => {
  it("signs in as an existing user, stores the session, and signs out", async () => {
    const user = await makeUser("ADMIN");
    const cookie = await sessionCookie(user.email);
    expect(cookie).toMatch(/^portside\.session_token=/);
    const session = (await (await getSession(cookie)).json()) as { user: { email: string; id: string } };
    expect(session.user.email).toBe(user.email);
    expect(await db.session.count({ where: { userId: user.id } })).toBe(1);

    const out = await authPost(new Request(`${TEST_ORIGIN}/api/auth/sign-out`, { method: "POST", headers: { cookie, origin: TEST_ORIGIN } }));
    expect(out.status).toBe(200);
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0);
    expect(await (await getSession(cookie)).json()).toBeNull();
  });

  it("refuses an unknown email with a clear message and creates nothing", async () => {
    const before = await db.user.count();
    const response = await authPost(
      new Request(`${TEST_ORIGIN}/api/auth/sign-in/dev`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: TEST_ORIGIN },
        body: JSON.stringify({ email: "nobody-here@example.com" }),
      }),
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain("No user with the email nobody-here@example.com");
    expect(await db.user.count()).toBe(before);
  });
});
