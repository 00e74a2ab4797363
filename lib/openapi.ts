import { z } from "zod";
import { MAX_BATCH, ZDeploymentInputSchema } from "@/lib/deployments/schemas";

const ERROR_BODY = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", enum: ["INVALID_INPUT", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "PAYLOAD_TOO_LARGE", "UNPROCESSABLE", "RATE_LIMITED", "UPSTREAM", "UNAVAILABLE", "INTERNAL"] },
        message: { type: "string" },
        details: {},
        requestId: { type: "string" },
      },
    },
  },
} as const;

function errorResponse(description: string) {
  return { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
}

/** The OpenAPI 3.1 description of the public API, built from the same zod schemas that validate requests. */
export function buildOpenApiDocument(baseUrl?: string) {
  const deployment = z.toJSONSchema(ZDeploymentInputSchema, { io: "input", target: "draft-2020-12" });
  delete (deployment as { $schema?: string }).$schema;
  return {
    openapi: "3.1.0",
    info: {
      title: "Portside API",
      version: "0.1.0",
      description: "Ingest and read the data behind Portside. Machine calls authenticate with an API token: `Authorization: Bearer psk_…`.",
    },
    servers: baseUrl ? [{ url: baseUrl }] : [],
    components: {
      securitySchemes: { bearerToken: { type: "http", scheme: "bearer", description: "A Portside API token (psk_…) with the scope the operation names." } },
      schemas: {
        Error: ERROR_BODY,
        DeploymentInput: deployment,
        DeploymentBatch: {
          type: "object",
          required: ["deployments"],
          additionalProperties: false,
          properties: { deployments: { type: "array", minItems: 1, maxItems: MAX_BATCH, items: { $ref: "#/components/schemas/DeploymentInput" } } },
        },
        IngestOutcome: {
          type: "object",
          required: ["created", "updated", "unchanged", "deployments"],
          properties: {
            created: { type: "integer" },
            updated: { type: "integer" },
            unchanged: { type: "integer" },
            deployments: {
              type: "array",
              items: {
                type: "object",
                required: ["index", "id", "source", "externalId", "result"],
                properties: {
                  index: { type: "integer", description: "Position in the request." },
                  id: { type: "integer" },
                  source: { type: "string" },
                  externalId: { type: "string" },
                  result: { type: "string", enum: ["created", "updated", "unchanged"] },
                },
              },
            },
          },
        },
      },
    },
    paths: {
      "/api/deployments": {
        post: {
          operationId: "ingestDeployments",
          summary: "Record one deployment or a batch of up to 1,000",
          description:
            "Idempotent by `source` + `externalId`: posting the same deployment twice stores one; a changed status or new commit times update it. " +
            "A batch is all or nothing: one bad item rejects the request and stores nothing. Environments prod/prd/live are stored as production. " +
            "Commit times are optional; where unknown, lead time is reported as unknown for that commit. Requires the `ingest` scope.",
          security: [{ bearerToken: [] }],
          requestBody: {
            required: true,
            content: { "application/json": { schema: { oneOf: [{ $ref: "#/components/schemas/DeploymentInput" }, { $ref: "#/components/schemas/DeploymentBatch" }] } } },
          },
          responses: {
            "200": { description: "Nothing new: every deployment was already stored (updated or unchanged).", content: { "application/json": { schema: { $ref: "#/components/schemas/IngestOutcome" } } } },
            "201": { description: "At least one deployment was created.", content: { "application/json": { schema: { $ref: "#/components/schemas/IngestOutcome" } } } },
            "400": errorResponse("The body is invalid; `details.issues` lists every problem with its path (e.g. deployments.3.finishedAt). Nothing was stored."),
            "401": errorResponse("No token, or an unknown, revoked or expired one."),
            "403": errorResponse("The token lacks the ingest scope."),
            "413": errorResponse("The body is over 16 MiB; nothing was stored."),
            "422": errorResponse("A service is not in the catalog; `details.unknownServices` lists them. Nothing was stored."),
            "429": errorResponse("Too many bad tokens from this address lately; the Retry-After header says when to try again."),
          },
        },
      },
      "/api/health": {
        get: { operationId: "health", summary: "The process is up", responses: { "200": { description: "Up" } } },
      },
      "/api/ready": {
        get: {
          operationId: "ready",
          summary: "The database answers and every migration is applied",
          responses: { "200": { description: "Ready" }, "503": { description: "Not ready; the body says why" } },
        },
      },
    },
  };
}
