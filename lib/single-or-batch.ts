/**
 * Ingest bodies that hold one item, or `{ <key>: [...] }` with many, each
 * idempotent by source + external id: every problem of every item is
 * reported with its path (`deployments.3.status`), and an item that repeats
 * an earlier one's source and external id is a problem too. Safe on client
 * and server.
 */
import { z } from "zod";

export function singleOrBatchSchema<T extends { source: string; externalId: string }>(
  key: string,
  item: z.ZodType<T>,
  { max, noun }: { max: number; noun: string },
) {
  const batch = z
    .object({
      [key]: z
        .array(z.unknown())
        .min(1, `must hold at least one ${noun}`)
        .max(max, `holds at most ${max} ${noun}s`),
    })
    .strict();
  return z.unknown().transform((body, ctx): { isBatch: boolean; items: T[] } => {
    const isBatch = typeof body === "object" && body !== null && !Array.isArray(body) && key in body;
    let items: unknown[] = [body];
    if (isBatch) {
      const parsed = batch.safeParse(body);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) ctx.addIssue({ ...issue } as z.core.$ZodRawIssue);
        return z.NEVER;
      }
      items = parsed.data[key] as unknown[];
    }
    const valid: T[] = [];
    const firstOf = new Map<string, number>();
    items.forEach((raw, index) => {
      const result = item.safeParse(raw);
      if (!result.success) {
        for (const issue of result.error.issues) ctx.addIssue({ ...issue, path: isBatch ? [key, index, ...issue.path] : issue.path } as z.core.$ZodRawIssue);
        return;
      }
      valid.push(result.data);
      const id = `${result.data.source}\u0000${result.data.externalId}`;
      const first = firstOf.get(id);
      if (first !== undefined) ctx.addIssue({ code: "custom", path: [key, index, "externalId"], message: `repeats ${key}.${first} (same source and externalId)` });
      else firstOf.set(id, index);
    });
    return { isBatch, items: valid };
  });
}

/** One item's outcome in the answer to a single-or-batch post: where it was in the request, its row, and what the post did to it. */
export const ZBatchItemOutcomeSchema = z.object({
  index: z.int().describe("Position in the request."),
  id: z.int(),
  source: z.string(),
  externalId: z.string(),
  result: z.enum(["created", "updated", "unchanged"]),
});

/** The answer to a single-or-batch post: the counts, and each item's outcome under `key` (201 when one was created, else 200). */
export function batchOutcomeSchema<K extends string, T extends z.ZodType>(key: K, item: T) {
  return z.object({ created: z.int(), updated: z.int(), unchanged: z.int() }).extend({ [key]: z.array(item) } as Record<K, z.ZodArray<T>>);
}
