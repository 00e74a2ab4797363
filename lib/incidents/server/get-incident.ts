import "server-only";
import { db } from "@/lib/db";
import { SUMMARY_SELECT, toSummary, type TIncidentSummary } from "@/lib/incidents/server/incident-view";
import type { TPostmortemStatus } from "@/lib/postmortems/schemas";

/** A timeline longer than this is cut, oldest kept (an incident has a few dozen entries at most). */
const MAX_TIMELINE = 1000;

export interface TIncidentDetail extends TIncidentSummary {
  description: string | null;
  timeline: { at: string; kind: string; message: string; actor: string | null; data: unknown }[];
  /** Its postmortem, when one was started (at most one per incident). */
  postmortem: { id: number; status: TPostmortemStatus } | null;
}

/** One incident with its timeline, oldest entry first; null when there is none with that id. */
export async function getIncident(id: number): Promise<TIncidentDetail | null> {
  const row = await db.incident.findUnique({
    where: { id },
    select: {
      ...SUMMARY_SELECT,
      description: true,
      postmortem: { select: { id: true, status: true } },
      events: { orderBy: [{ at: "asc" }, { id: "asc" }], take: MAX_TIMELINE, select: { at: true, kind: true, message: true, actor: true, data: true } },
    },
  });
  if (!row) return null;
  return {
    ...toSummary(row),
    description: row.description,
    postmortem: row.postmortem,
    timeline: row.events.map((e) => ({ at: e.at.toISOString(), kind: e.kind, message: e.message, actor: e.actor, data: e.data })),
  };
}
