import "server-only";
import { db } from "@/lib/db";

/** AWS accounts Portside reads from, with what is mapped in each. */
export async function findAwsAccounts() {
  const accounts = await db.awsAccount.findMany({
    orderBy: { name: "asc" },
    select: {
      id: true,
      accountId: true,
      name: true,
      roleArn: true,
      externalId: true,
      regions: true,
      alarmSeverityPattern: true,
      _count: { select: { pipelines: true, alarms: true, resourceMappings: true } },
    },
  });
  return accounts.map((a) => ({
    id: a.id,
    accountId: a.accountId,
    name: a.name,
    roleArn: a.roleArn,
    hasExternalId: Boolean(a.externalId),
    regions: a.regions,
    alarmSeverityPattern: a.alarmSeverityPattern,
    pipelines: a._count.pipelines,
    alarms: a._count.alarms,
    mappings: a._count.resourceMappings,
  }));
}
