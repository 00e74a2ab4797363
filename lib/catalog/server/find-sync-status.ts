import "server-only";
import { db } from "@/lib/db";

/** The newest collector run for every account × region × source, failures first, and the recent runs. */
export async function findSyncStatus() {
  const [latest, recent] = await Promise.all([
    db.$queryRaw<
      { accountId: string; accountName: string; region: string; source: string; status: string; startedAt: Date; finishedAt: Date | null; durationMs: number | null; calls: number; throttles: number; errors: number; errorMessage: string | null }[]
    >`
      SELECT DISTINCT ON (r."awsAccountId", r.region, r.source)
             a."accountId", a.name AS "accountName", r.region, r.source::text, r.status::text, r."startedAt", r."finishedAt",
             r."durationMs", r.calls, r.throttles, r.errors, r."errorMessage"
      FROM "SyncRun" r JOIN "AwsAccount" a ON a.id = r."awsAccountId"
      ORDER BY r."awsAccountId", r.region, r.source, r."startedAt" DESC`,
    db.syncRun.findMany({
      orderBy: { startedAt: "desc" },
      take: 50,
      select: { id: true, region: true, source: true, status: true, startedAt: true, durationMs: true, calls: true, throttles: true, errors: true, errorMessage: true, awsAccount: { select: { accountId: true, name: true } } },
    }),
  ]);
  const rank: Record<string, number> = { FAILED: 0, PARTIAL: 1, RUNNING: 2, SUCCEEDED: 3 };
  latest.sort((x, y) => (rank[x.status] ?? 9) - (rank[y.status] ?? 9) || x.accountName.localeCompare(y.accountName) || x.region.localeCompare(y.region));
  return { latest, recent };
}
