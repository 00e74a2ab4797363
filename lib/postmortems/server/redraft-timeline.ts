import "server-only";
import { insertAudit } from "@/lib/audit/server/audit";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { inTransaction } from "@/lib/db/transaction";
import { draftTimeline } from "@/lib/postmortems/server/draft-timeline";
import type { TPostmortemStatus } from "@/lib/postmortems/schemas";
import { assertEditable, type TPostmortemWriter } from "@/lib/postmortems/server/postmortem-store";

export interface TRedraftTimelineOptions {
  postmortemId: number;
  now: Date;
  /** A new evidence window (minutes before the incident opened, after it resolved); absent: keep the postmortem's. */
  margins?: { marginBeforeMinutes?: number; marginAfterMinutes?: number };
  /** Who asked (audited); absent when the portal drafts it itself. */
  writer?: TPostmortemWriter;
  /** Log a failure instead of throwing (drafting on creation or first view: the postmortem stands without it). */
  isBestEffort?: boolean;
}

/**
 * Drafts (or drafts again) a postmortem's evidence timeline, with the row
 * locked so that two redrafts apply one after the other. Starred, hidden and
 * edited entries and entries added by hand survive (draft-timeline.ts).
 */
export async function redraftTimeline({ postmortemId, now, margins, writer, isBestEffort }: TRedraftTimelineOptions): Promise<{ entries: number } | null> {
  try {
    return await inTransaction(async (sql) => {
      const { rows } = await sql.query<{ status: string; marginBeforeMinutes: number; marginAfterMinutes: number }>(
        `SELECT status::text AS status, "marginBeforeMinutes", "marginAfterMinutes" FROM "Postmortem" WHERE id = $1 FOR UPDATE`,
        [postmortemId],
      );
      const row = rows[0];
      if (!row) throw new AppError("NOT_FOUND", `No postmortem with id ${postmortemId}.`);
      // A person redrafts only what can still be edited; the portal's own first draft is not an edit.
      if (writer) assertEditable({ status: row.status as TPostmortemStatus });
      const before = margins?.marginBeforeMinutes ?? row.marginBeforeMinutes;
      const after = margins?.marginAfterMinutes ?? row.marginAfterMinutes;
      if (before !== row.marginBeforeMinutes || after !== row.marginAfterMinutes) {
        await sql.query(`UPDATE "Postmortem" SET "marginBeforeMinutes" = $2, "marginAfterMinutes" = $3, version = version + 1, "updatedAt" = $4::timestamptz AT TIME ZONE 'UTC' WHERE id = $1`, [
          postmortemId,
          before,
          after,
          now.toISOString(),
        ]);
      }
      const drafted = await draftTimeline(sql, { postmortemId, now });
      if (writer) {
        await insertAudit(sql, writer.actor, {
          action: "postmortem.timeline.redraft",
          entityType: "Postmortem",
          entityId: postmortemId,
          before: { marginBeforeMinutes: row.marginBeforeMinutes, marginAfterMinutes: row.marginAfterMinutes },
          after: { marginBeforeMinutes: before, marginAfterMinutes: after, entries: drafted.entries },
        }, writer.origin);
      }
      return { entries: drafted.entries };
    });
  } catch (error) {
    if (!isBestEffort) throw error;
    log.error({ err: error, postmortemId }, "could not draft the postmortem's timeline; it will be drafted when the postmortem is opened");
    return null;
  }
}
