import { env } from "@/lib/env";
import { jsonResponse, withApi } from "@/lib/http";
import { buildOpenApiDocument } from "@/lib/openapi";

// GET /api/openapi.json – the OpenAPI 3.1 description of this API
export const GET = withApi(async (_request, { requestId }) =>
  jsonResponse(buildOpenApiDocument(env().PORTSIDE_BASE_URL), { requestId }),
);
