import "server-only";
import { env } from "@/lib/env";
import { inTransaction } from "@/lib/db/transaction";
import { rollUpBuckets } from "@/lib/servicemap/bucket-store";

/** Rolls 5-minute service-graph buckets older than PORTSIDE_XRAY_RAW_RETENTION_HOURS up into their hourly rows. */
export async function rollUpGraphBuckets({ now = new Date() }: { now?: Date } = {}): Promise<number> {
  const olderThan = new Date(now.getTime() - env().xrayRawRetentionHours * 3600_000);
  return inTransaction((sql) => rollUpBuckets(sql, { olderThan }));
}
