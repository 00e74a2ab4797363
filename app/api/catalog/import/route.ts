import { withAuth } from "@/lib/auth/server/with-auth";
import { ZCatalogUrlSchema } from "@/lib/catalog/schemas";
import { catalogTooLarge, fetchCatalogFile, MAX_CATALOG_BYTES, readCatalogText } from "@/lib/catalog/server/fetch-catalog-file";
import { importCatalog } from "@/lib/catalog/server/import-catalog";
import { AppError } from "@/lib/errors";
import { jsonResponse, parseJsonBody } from "@/lib/http";

/** A multipart body's boundaries and part headers, beside the file itself. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

/**
 * POST /api/catalog/import – import a catalog-info.yaml, all or nothing:
 * a file upload (multipart/form-data, field "file"), the YAML itself as the
 * body (application/yaml or text/plain), or {"url": "..."} (JSON) to fetch it
 * from a repository. A file with problems gets 400 with each problem's line.
 */
export const POST = withAuth(
  async (request, { actor, ip, requestId }) => {
    const contentType = request.headers.get("content-type") ?? "";
    let text: string;
    let source: string;
    if (contentType.includes("multipart/form-data")) {
      // Read with the limit first (and room for the form's own parts): formData() alone would hold any size.
      const body = await readCatalogText(request.body, "The upload", MAX_CATALOG_BYTES + FORM_OVERHEAD_BYTES);
      const form = await new Response(body, { headers: { "content-type": contentType } }).formData().catch(() => {
        throw new AppError("INVALID_INPUT", "The form could not be read.");
      });
      const file = form.get("file");
      if (!(file instanceof File) || file.size === 0) throw new AppError("INVALID_INPUT", "Choose a catalog-info.yaml file to upload (form field \"file\").");
      if (file.size > MAX_CATALOG_BYTES) throw catalogTooLarge("That file");
      text = await file.text();
      source = `upload:${file.name || "catalog-info.yaml"}`;
    } else if (contentType.includes("application/json")) {
      ({ text, source } = await fetchCatalogFile({ url: (await parseJsonBody(request, ZCatalogUrlSchema)).url }));
    } else if (/application\/(x-)?yaml|text\/(plain|yaml)/.test(contentType)) {
      text = await readCatalogText(request.body, "That file");
      source = request.headers.get("x-catalog-source")?.slice(0, 300) || "api";
    } else {
      throw new AppError("INVALID_INPUT", "Send a file (multipart/form-data), the YAML (application/yaml) or {\"url\": …} (application/json).");
    }
    const result = await importCatalog({ text, source, actor, origin: { ip, requestId } });
    return jsonResponse({ source, ...result }, { requestId });
  },
  { permission: "catalog.import" },
);
