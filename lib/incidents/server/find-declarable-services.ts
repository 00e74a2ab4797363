import "server-only";
import { holdsForTeam, type TUserRoles } from "@/lib/auth/permissions";
import { db } from "@/lib/db";

/** The services whose incidents this person may record (declare by hand), by name. */
export async function findDeclarableServices(roles: TUserRoles): Promise<{ slug: string; name: string; team: string }[]> {
  const services = await db.service.findMany({
    orderBy: { name: "asc" },
    take: 5000,
    select: { slug: true, name: true, teamId: true, team: { select: { name: true } } },
  });
  return services.filter((s) => holdsForTeam(roles, "incident.record", s.teamId)).map((s) => ({ slug: s.slug, name: s.name, team: s.team.name }));
}
