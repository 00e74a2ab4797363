import { z } from "zod";

/**
 * A point in time that a client sends (deployments, incidents): ISO 8601 with
 * a time zone, from 1970 on. The format alone lets through year 0000, which
 * PostgreSQL has no room for: such a value failed the whole statement.
 */
export const ZTimestamp = z.iso
  .datetime({ offset: true, message: "must be an ISO 8601 timestamp with a time zone, e.g. 2026-11-26T10:00:00Z" })
  // NaN (not a timestamp at all) is left to the format check above, which says so.
  .refine((value) => !(Date.parse(value) < 0), { message: "is before 1970-01-01" });
