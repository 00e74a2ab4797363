/**
 * Signed-in sessions for integration tests, made the way a browser gets one:
 * through the dev sign-in endpoint (PORTSIDE_DEV_SIGN_IN is set for tests).
 */
import { POST as authPost } from "@/app/api/auth/[...all]/route";
import type { TOrgRole, TTeamRole } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { uniqueSlug } from "@/lib/testing/fixtures";

export const TEST_ORIGIN = "http://localhost";

export async function makeUser(orgRole: TOrgRole = "VIEWER", memberships: { teamId: number; role: TTeamRole }[] = []) {
  const email = `${uniqueSlug("user")}@example.com`;
  const user = await db.user.create({
    data: { email, name: email.split("@")[0]!, orgRole, memberships: { create: memberships.map((m) => ({ teamId: m.teamId, role: m.role })) } },
    select: { id: true, email: true },
  });
  return user;
}

/** The Cookie header of a fresh session for this user. */
export async function sessionCookie(email: string): Promise<string> {
  const response = await authPost(
    new Request(`${TEST_ORIGIN}/api/auth/sign-in/dev`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: TEST_ORIGIN },
      body: JSON.stringify({ email }),
    }),
  );
  if (response.status !== 200) throw new Error(`dev sign-in answered ${response.status}: ${await response.text()}`);
  const cookies = response.headers.getSetCookie().map((c) => c.split(";")[0]!);
  const session = cookies.find((c) => c.includes("session_token="));
  if (!session) throw new Error(`dev sign-in set no session cookie: ${cookies.join(", ")}`);
  return session;
}
