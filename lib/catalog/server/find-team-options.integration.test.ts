/** Team options, for every team or only the teams a viewer holds a permission for; a slug's team id for routes. */
import { afterAll, describe, expect, it } from "vitest";
import { findTeamId } from "@/lib/catalog/server/find-team-id";
import { findTeamOptions } from "@/lib/catalog/server/find-team-options";
import { closeDb, db } from "@/lib/db";
import { uniqueSlug } from "@/lib/testing/fixtures";

afterAll(async () => {
  await closeDb();
});

async function makeTeam(name: string) {
  const slug = uniqueSlug("team");
  const { id } = await db.team.create({ data: { slug, name }, select: { id: true } });
  return { id, slug };
}

describe("findTeamOptions", () => {
  it("lists only the given teams, by name, and every team without them", async () => {
    const tag = uniqueSlug("options");
    const b = await makeTeam(`${tag} B`);
    const a = await makeTeam(`${tag} A`);
    const c = await makeTeam(`${tag} C`);

    expect(await findTeamOptions({ teamIds: [b.id, a.id] })).toEqual([
      { slug: a.slug, name: `${tag} A` },
      { slug: b.slug, name: `${tag} B` },
    ]);
    expect(await findTeamOptions({ teamIds: [] })).toEqual([]);
    const all = (await findTeamOptions()).filter((t) => t.name.startsWith(tag)).map((t) => t.slug);
    expect(all).toEqual([a.slug, b.slug, c.slug]);
  });
});

describe("findTeamId", () => {
  it("finds a team's id by its slug, and null for a slug no team has", async () => {
    const team = await makeTeam("Find me");
    expect(await findTeamId({ slug: team.slug })).toBe(team.id);
    expect(await findTeamId({ slug: uniqueSlug("missing") })).toBeNull();
  });
});
