/**
 * What GET /api/health and GET /api/ready answer (app/api/health, app/api/ready;
 * lib/health/server/check-readiness.ts). Safe on client and server.
 */
import { z } from "zod";

export const ZHealthResponseSchema = z.object({ status: z.literal("ok"), uptimeSeconds: z.int() });

/** The same shape answers 200 (ready) and 503 (not ready). */
export const ZReadyResponseSchema = z.object({
  status: z.enum(["ready", "not_ready"]),
  isReady: z.boolean(),
  database: z.enum(["ok", "unreachable"]),
  migrations: z.object({ expected: z.int(), applied: z.int(), pending: z.array(z.string()), failed: z.array(z.string()) }).nullable(),
  doraRefresh: z
    .object({ pending: z.int(), isPendingCapped: z.boolean(), oldestSeconds: z.number().nullable() })
    .nullable()
    .optional()
    .describe("The DORA refresh backlog: pending writes counted up to 10,000; a backlog does not make the portal unready. null until migrated."),
  error: z.string().optional().describe("Why the database did not answer, in plain words."),
  oidc: z
    .object({ mode: z.enum(["discovery", "explicit"]), state: z.enum(["not_checked", "ok", "failed"]), checkedAt: z.string().nullable() })
    .nullable()
    .describe("The identity provider's state, shown but never making the portal unready; null without single sign-on."),
});
