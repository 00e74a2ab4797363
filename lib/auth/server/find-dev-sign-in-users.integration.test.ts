/**
 * The dev sign-in's list of people: admins first, then executives, then
 * viewers, each by name, with their teams and roles there.
 */
import { afterAll, describe, expect, it } from "vitest";
import { findDevSignInUsers } from "@/lib/auth/server/find-dev-sign-in-users";
import { closeDb, db } from "@/lib/db";
import { uniqueSlug } from "@/lib/testing/fixtures";

afterAll(async () => {
  await closeDb();
});

describe("findDevSignInUsers", () => {
  it("offers admins, then executives, then viewers, by name within each, with their teams", async () => {
    const tag = uniqueSlug("devsignin");
    const team = await db.team.create({ data: { slug: uniqueSlug("team"), name: `Team ${tag}` }, select: { id: true } });
    // Names in the opposite order of the roles, so that only the role order can put the admin first.
    const make = (name: string, orgRole: "ADMIN" | "EXECUTIVE" | "VIEWER") =>
      db.user.create({ data: { email: `${name}@example.com`, name, orgRole }, select: { id: true } });
    const viewerB = await make(`a-${tag}-viewer-b`, "VIEWER");
    await make(`a-${tag}-viewer-a`, "VIEWER");
    await make(`b-${tag}-executive`, "EXECUTIVE");
    await make(`c-${tag}-admin`, "ADMIN");
    await db.membership.create({ data: { userId: viewerB.id, teamId: team.id, role: "MAINTAINER" } });

    const mine = (await findDevSignInUsers({ limit: 100_000 })).filter((u) => u.name.includes(tag));

    expect(mine.map((u) => [u.name, u.orgRole])).toEqual([
      [`c-${tag}-admin`, "ADMIN"],
      [`b-${tag}-executive`, "EXECUTIVE"],
      [`a-${tag}-viewer-a`, "VIEWER"],
      [`a-${tag}-viewer-b`, "VIEWER"],
    ]);
    expect(mine.find((u) => u.name === `a-${tag}-viewer-b`)?.teams).toEqual([`Team ${tag} (maintainer)`]);
    expect(mine.find((u) => u.name === `c-${tag}-admin`)).toMatchObject({ email: `c-${tag}-admin@example.com`, teams: [] });
  });
});
