import { withAuth } from "@/lib/auth/server/with-auth";
import { AppError } from "@/lib/errors";
import { jsonResponse, parseJsonBody } from "@/lib/http";
import { SECTION_KEYS, ZSectionSaveSchema, type TSectionKey } from "@/lib/postmortems/schemas";
import { authorizePostmortemWrite } from "@/lib/postmortems/server/postmortem-store";
import { findSectionRevisions, saveSection } from "@/lib/postmortems/server/save-section";
import { parsePathId } from "@/lib/schemas";

function sectionKey(raw: string): TSectionKey {
  if ((SECTION_KEYS as readonly string[]).includes(raw)) return raw as TSectionKey;
  throw new AppError("NOT_FOUND", `No section "${raw}": the sections are ${SECTION_KEYS.join(", ")}.`);
}

// GET /api/postmortems/{id}/sections/{key} – the section's revisions, newest first, each with its full text, who and when
export const GET = withAuth<{ id: string; key: string }>(
  async (_request, { params, requestId }) => {
    const revisions = await findSectionRevisions({ postmortemId: parsePathId(params.id), key: sectionKey(params.key) });
    return jsonResponse({ revisions }, { requestId, headers: { "cache-control": "no-store" } });
  },
  { permission: "catalog.read" },
);

// PUT /api/postmortems/{id}/sections/{key} – save the section's Markdown written on baseVersion; 409 with the other change when someone saved since
export const PUT = withAuth<{ id: string; key: string }>(
  async (request, ctx) => {
    const { id, writer } = await authorizePostmortemWrite(ctx.params.id, ctx);
    const key = sectionKey(ctx.params.key);
    const save = await parseJsonBody(request, ZSectionSaveSchema);
    return jsonResponse(await saveSection({ postmortemId: id, key, save, writer }), { requestId: ctx.requestId });
  },
  { permission: "postmortem.write" },
);
