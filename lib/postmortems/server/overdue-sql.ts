import "server-only";
import { Prisma } from "@/lib/db";

/**
 * isActionItemOverdue (lib/postmortems/schemas.ts) in SQL, for the action item
 * rows under `alias`: open or in progress, with a due date (a UTC day) that is
 * over by `now`. An item due today is not overdue until the day ends. Never
 * null (an item without a due date is not overdue), so that NOT works too.
 */
export function overdueSql(alias: string, now: Date): Prisma.Sql {
  const item = Prisma.raw(`"${alias}"`);
  return Prisma.sql`(${item}.status IN ('OPEN', 'IN_PROGRESS') AND ${item}."dueAt" IS NOT NULL AND ${item}."dueAt" + interval '1 day' <= ${now})`;
}
