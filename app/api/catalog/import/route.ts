import { withAuth } from "@/lib/auth/server/with-auth";
import { ZCatalogUrlSchema } from "@/lib/catalog/schemas";
import { fetchCatalogFile, MAX_CATALOG_BYTES } from "@/lib/catalog/server/fetch-catalog-file";
import { importCatalog } from "@/lib/catalog/server/import-catalog";
import { AppError } from "@/lib/errors";
import { jsonResponse, parseJsonBody } from "@/lib/http";

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
      const form = await request.formData().catch(() => {
        throw new AppError("INVALID_INPUT", "The form could not be read.");
      });
      const file = form.get("file");
      if (!(file instanceof File) || file.size === 0) throw new AppError("INVALID_INPUT", "Choose a catalog-info.yaml file to upload (form field \"file\").");
      if (file.size > MAX_CATALOG_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", "That file is over 1 MiB: not a catalog-info.yaml.");
      text = await file.text();
      source = `upload:${file.name || "catalog-info.yaml"}`;
    } else if (contentType.includes("application/json")) {
      ({ text, source } = await fetchCatalogFile((await parseJsonBody(request, ZCatalogUrlSchema)).url));
    } else if (/application\/(x-)?yaml|text\/(plain|yaml)/.test(contentType)) {
      text = await request.text();
      if (Buffer.byteLength(text) > MAX_CATALOG_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", "That file is over 1 MiB: not a catalog-info.yaml.");
      source = request.headers.get("x-catalog-source")?.slice(0, 300) || "api";
    } else {
      throw new AppError("INVALID_INPUT", "Send a file (multipart/form-data), the YAML (application/yaml) or {\"url\": …} (application/json).");
    }
    const result = await importCatalog({ text, source, actor, origin: { ip, requestId } });
    return jsonResponse({ source, ...result }, { requestId });
  },
  { permission: "catalog.import" },
);
