/**
 * Which deployment an incident is attributed to, for DORA's change fail rate
 * and failed deployment recovery time. The rule, in order:
 *
 * 1. An explicit link wins: a deployment named through the API or by a
 *    person, or explicitly none. It stands until someone says otherwise.
 * 2. Otherwise, the latest production deployment of the same service that
 *    finished within the window (default 24 h, PORTSIDE_ATTRIBUTION_WINDOW_HOURS)
 *    before the incident began: `openedAt − window ≤ finishedAt ≤ openedAt`,
 *    both edges included. Whatever its status (a failed or rolled-back
 *    deployment can break production too); one still running has not
 *    finished and is not a candidate. Ties on finishedAt go to the higher id
 *    (the one recorded last).
 * 3. Otherwise, none.
 *
 * lib/incidents/server/rule-deployment.ts asks the same question in SQL.
 */

export const PRODUCTION = "production";

export type TAttributionSource = "EXPLICIT" | "RULE";

export interface TAttribution {
  deploymentId: number | null;
  /** null: the rule found nothing and nobody linked one. */
  source: TAttributionSource | null;
}

export interface TCandidateDeployment {
  id: number;
  serviceId: number;
  /** Normalised: "production" for prod/prd/live. */
  environment: string;
  finishedAt: Date | null;
}

export interface TAttributeIncidentOptions {
  incident: { serviceId: number; openedAt: Date };
  /** A link someone made (null: explicitly no deployment); undefined: none was made. */
  explicit?: { deploymentId: number | null };
  deployments: readonly TCandidateDeployment[];
  windowHours: number;
}

/** The earliest finish time the rule accepts for an incident opened at `openedAt`. */
export function attributionWindowStart(openedAt: Date, windowHours: number): Date {
  return new Date(openedAt.getTime() - windowHours * 60 * 60 * 1000);
}

/** Whether a deployment may be attributed an incident by the rule (service, environment and time). */
export function isRuleCandidate(deployment: TCandidateDeployment, incident: { serviceId: number; openedAt: Date }, windowHours: number): boolean {
  if (deployment.serviceId !== incident.serviceId || deployment.environment !== PRODUCTION || !deployment.finishedAt) return false;
  const finished = deployment.finishedAt.getTime();
  return finished <= incident.openedAt.getTime() && finished >= attributionWindowStart(incident.openedAt, windowHours).getTime();
}

export function attributeIncident({ incident, explicit, deployments, windowHours }: TAttributeIncidentOptions): TAttribution {
  if (explicit) return { deploymentId: explicit.deploymentId, source: "EXPLICIT" };
  let best: TCandidateDeployment | null = null;
  for (const deployment of deployments) {
    if (!isRuleCandidate(deployment, incident, windowHours)) continue;
    const later =
      !best || deployment.finishedAt!.getTime() > best.finishedAt!.getTime() || (deployment.finishedAt!.getTime() === best.finishedAt!.getTime() && deployment.id > best.id);
    if (later) best = deployment;
  }
  return best ? { deploymentId: best.id, source: "RULE" } : { deploymentId: null, source: null };
}
