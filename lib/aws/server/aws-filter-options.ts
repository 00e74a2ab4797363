import "server-only";
import { db } from "@/lib/db";

/**
 * What a board of AWS resources offers in its filters: the teams owning at
 * least one of them (not deleted in AWS), every registered account, and the
 * regions they are in.
 */
export async function awsFilterOptions(resource: "pipelines" | "alarms") {
  const live = { some: { deletedAt: null } };
  const regionOf = { where: { deletedAt: null }, distinct: ["region" as const], orderBy: { region: "asc" as const }, select: { region: true } };
  const [teams, accounts, regions] = await Promise.all([
    db.team.findMany({
      where: { services: { some: resource === "pipelines" ? { pipelines: live } : { alarms: live } } },
      orderBy: { name: "asc" },
      select: { slug: true, name: true },
    }),
    db.awsAccount.findMany({ orderBy: { name: "asc" }, select: { accountId: true, name: true } }),
    resource === "pipelines" ? db.pipeline.findMany(regionOf) : db.alarm.findMany(regionOf),
  ]);
  return { teams, accounts, regions: regions.map((r) => r.region) };
}
