import { jsonResponse, withApi } from "@/lib/http";

// GET /api/health – the process is up (no dependency checked; see /api/ready)
export const GET = withApi(async (_request, { requestId }) =>
  jsonResponse({ status: "ok", uptimeSeconds: Math.round(process.uptime()) }, { requestId, headers: { "cache-control": "no-store" } }),
);
