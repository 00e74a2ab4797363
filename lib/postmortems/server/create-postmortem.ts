import "server-only";
import { db } from "@/lib/db";
import { AppError, invalidField } from "@/lib/errors";
import type { TPostmortemCreate } from "@/lib/postmortems/schemas";
import { auditPostmortem, type TPostmortemWriter } from "@/lib/postmortems/server/postmortem-store";
import { redraftTimeline } from "@/lib/postmortems/server/redraft-timeline";

export interface TCreatePostmortemOptions {
  input: TPostmortemCreate;
  /** Throws 403 unless the caller may write the team's postmortems (withAuth's requireTeam). */
  requireTeam: (teamId: number) => void;
  writer: TPostmortemWriter;
}

/**
 * A postmortem written by hand: from an incident (one per incident — when
 * the rules already drafted it, or someone else started it, 409 names it),
 * or stand-alone for a team or service (a near miss, a slow burn). Its
 * timeline is drafted from the evidence at once when there is an incident.
 */
export async function createPostmortem({ input, requireTeam, writer }: TCreatePostmortemOptions): Promise<{ id: number }> {
  let teamId: number;
  let serviceId: number | null = null;
  let title = input.title;
  if (input.incidentId !== undefined) {
    const incident = await db.incident.findUnique({ where: { id: input.incidentId }, select: { title: true, serviceId: true, service: { select: { teamId: true } }, postmortem: { select: { id: true } } } });
    if (!incident) throw invalidField("incidentId", `no incident with id ${input.incidentId}`);
    teamId = incident.service.teamId;
    serviceId = incident.serviceId;
    title ??= incident.title;
    requireTeam(teamId);
    if (incident.postmortem) throw new AppError("CONFLICT", `Incident ${input.incidentId} already has postmortem ${incident.postmortem.id}.`, { details: { postmortemId: incident.postmortem.id } });
  } else if (input.serviceId !== undefined) {
    const service = await db.service.findUnique({ where: { id: input.serviceId }, select: { teamId: true } });
    if (!service) throw invalidField("serviceId", `no service with id ${input.serviceId}`);
    if (input.teamId !== undefined && input.teamId !== service.teamId) {
      throw invalidField("teamId", "is not the service's team; leave it out to use the service's");
    }
    teamId = service.teamId;
    serviceId = input.serviceId;
    requireTeam(teamId);
  } else {
    const team = await db.team.findUnique({ where: { id: input.teamId! }, select: { id: true } });
    if (!team) throw invalidField("teamId", `no team with id ${input.teamId}`);
    teamId = team.id;
    requireTeam(teamId);
  }

  const { id } = await db.$transaction(async (tx) => {
    // The incident's unique key decides a race between two people starting the same postmortem.
    const created = await tx.$queryRaw<{ id: number }[]>`
      INSERT INTO "Postmortem" ("incidentId", "teamId", "serviceId", title, "authorId", "createdAt", "updatedAt")
      VALUES (${input.incidentId ?? null}, ${teamId}, ${serviceId}, ${title!}, ${writer.userId}, ${writer.now}, ${writer.now})
      ON CONFLICT ("incidentId") DO NOTHING RETURNING id`;
    const id = created[0]?.id;
    if (id === undefined) throw new AppError("CONFLICT", `Incident ${input.incidentId} already has a postmortem.`);
    await auditPostmortem(tx, writer, { action: "postmortem.create", entityId: id, after: { incidentId: input.incidentId ?? null, teamId, serviceId, title } });
    return { id };
  });
  // The timeline is derived data, drafted in its own transaction: should it fail, the postmortem stands and
  // the timeline is drafted when it is first opened.
  if (input.incidentId !== undefined) await redraftTimeline({ postmortemId: id, now: writer.now, isBestEffort: true });
  return { id };
}
