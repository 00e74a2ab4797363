import "server-only";
import { db } from "@/lib/db";

export interface TFindPeopleOptions {
  /** At most this many, by name (the list is bounded like every list). */
  limit?: number;
}

/** Everyone the portal knows, by name, with their organisation role and team memberships (the People settings page). */
export async function findPeople({ limit = 1000 }: TFindPeopleOptions = {}) {
  return db.user.findMany({
    orderBy: [{ name: "asc" }],
    take: limit,
    select: { id: true, name: true, email: true, orgRole: true, memberships: { select: { role: true, team: { select: { slug: true, name: true } } } } },
  });
}
