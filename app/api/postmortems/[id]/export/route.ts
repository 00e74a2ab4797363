import { withAuth } from "@/lib/auth/server/with-auth";
import { AppError } from "@/lib/errors";
import { exportFileName, postmortemMarkdown } from "@/lib/postmortems/markdown-export";
import { getPostmortem } from "@/lib/postmortems/server/get-postmortem";
import { parsePathId } from "@/lib/schemas";

// GET /api/postmortems/{id}/export – the postmortem as a Markdown file (starred timeline sorted, in UTC)
export const GET = withAuth<{ id: string }>(
  async (_request, { params, principal, requestId }) => {
    const postmortem = await getPostmortem({ id: parsePathId(params.id), principal, now: new Date() });
    if (!postmortem) throw new AppError("NOT_FOUND", `No postmortem with id ${params.id}.`);
    return new Response(postmortemMarkdown(postmortem), {
      headers: {
        "content-type": "text/markdown; charset=utf-8",
        "content-disposition": `attachment; filename="${exportFileName(postmortem)}"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        "x-request-id": requestId,
      },
    });
  },
  { permission: "catalog.read" },
);
