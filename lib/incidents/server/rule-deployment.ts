import "server-only";
import type { Prisma } from "@/lib/db";
import { attributionWindowStart, PRODUCTION, type TAttribution } from "@/lib/incidents/attribution";

export interface TRuleDeploymentOptions {
  serviceId: number;
  openedAt: Date;
  windowHours: number;
}

/**
 * The rule of lib/incidents/attribution.ts, asked of the database: the
 * latest production deployment of the service that finished in
 * [openedAt − window, openedAt], ties to the higher id. One index range scan
 * on Deployment(serviceId, environment, finishedAt).
 */
export async function findRuleDeployment(client: Prisma.TransactionClient, { serviceId, openedAt, windowHours }: TRuleDeploymentOptions): Promise<number | null> {
  const deployment = await client.deployment.findFirst({
    where: { serviceId, environment: PRODUCTION, finishedAt: { gte: attributionWindowStart(openedAt, windowHours), lte: openedAt } },
    orderBy: [{ finishedAt: "desc" }, { id: "desc" }],
    select: { id: true },
  });
  return deployment?.id ?? null;
}

/** An incident's attribution: the explicit link when there is one, otherwise the rule. */
export async function attributeStoredIncident(
  client: Prisma.TransactionClient,
  { explicit, ...incident }: TRuleDeploymentOptions & { explicit?: { deploymentId: number | null } },
): Promise<TAttribution> {
  if (explicit) return { deploymentId: explicit.deploymentId, source: "EXPLICIT" };
  const deploymentId = await findRuleDeployment(client, incident);
  return { deploymentId, source: deploymentId === null ? null : "RULE" };
}
