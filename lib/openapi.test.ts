import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import type { TAlarmBoardPage, TAlarmMetrics } from "@/lib/alarms/alarm-board";
import type { ZAlarmBoardResponseSchema, ZAlarmMetricsResponseSchema } from "@/lib/alarms/schemas";
import type { createApiToken } from "@/lib/auth/server/create-api-token";
import type { revokeFoundToken } from "@/lib/auth/server/revoke-api-token";
import type { ZApiTokenCreatedResponseSchema, ZApiTokenRevokedResponseSchema, ZCatalogImportResponseSchema, ZMembershipSetResponseSchema, ZOrgRoleSetResponseSchema } from "@/lib/catalog/schemas";
import type { TImportResult } from "@/lib/catalog/server/import-catalog";
import type { ZDeploymentIngestResponseSchema } from "@/lib/deployments/schemas";
import type { TIngestOutcome } from "@/lib/deployments/server/ingest-deployments";
import type { TDoraRows, TDoraSummary, TDoraTrend, ZDoraRowsResponseSchema, ZDoraSummaryResponseSchema, ZDoraTrendResponseSchema } from "@/lib/dora/schemas";
import type { ZReadyResponseSchema } from "@/lib/health/schemas";
import type { TReadiness } from "@/lib/health/server/check-readiness";
import type { ZIncidentDetailResponseSchema, ZIncidentRecordResponseSchema, ZIncidentsPageResponseSchema } from "@/lib/incidents/schemas";
import type { TIncidentsPage } from "@/lib/incidents/server/find-incidents";
import type { TIncidentDetail } from "@/lib/incidents/server/get-incident";
import type { TRecordOutcome } from "@/lib/incidents/server/record-incidents";
import { buildOpenApiDocument } from "@/lib/openapi";
import type { TBoardPage } from "@/lib/pipelines/board";
import type { ZAwsEventsResponseSchema, ZPipelineBoardResponseSchema, ZPipelineDetailResponseSchema } from "@/lib/pipelines/schemas";
import type { TEventOutcome } from "@/lib/pipelines/server/apply-aws-events";
import type { TPipelineDetail } from "@/lib/pipelines/server/get-pipeline";
import type { ZActionItemsPageResponseSchema, ZPostmortemResponseSchema, ZPostmortemRulesResponseSchema, ZPostmortemsPageResponseSchema } from "@/lib/postmortems/schemas";
import type { TActionItemsPage } from "@/lib/postmortems/server/find-action-items";
import type { TPostmortemsPage } from "@/lib/postmortems/server/find-postmortems";
import type { TRuleRow } from "@/lib/postmortems/server/postmortem-rules";
import type { TPostmortemView } from "@/lib/postmortems/view";
import type { TServiceMap, ZServiceMapNodeResponseSchema, ZServiceMapResponseSchema, ZTraceResponseSchema } from "@/lib/servicemap/schemas";
import type { TNodeDetails } from "@/lib/servicemap/server/get-node-details";
import type { TTraceDetail } from "@/lib/servicemap/server/get-trace";
import type { setMembership } from "@/lib/users/server/set-membership";
import type { setOrgRole } from "@/lib/users/server/set-org-role";

const API_DIR = path.join(import.meta.dirname, "..", "app", "api");

/** "METHOD /api/path/{param}" for every handler a route file exports (read from source: no module loading needed). */
async function routeOperations(dir: string, prefix = "/api"): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      const segment = entry.name.replace(/^\[(\w+)\]$/, "{$1}");
      found.push(...(await routeOperations(path.join(dir, entry.name), `${prefix}/${segment}`)));
    } else if (entry.name === "route.ts") {
      const source = await readFile(path.join(dir, entry.name), "utf8");
      for (const [, method] of source.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)) found.push(`${method} ${prefix}`);
    }
  }
  return found;
}

describe("the OpenAPI document", () => {
  it("describes every route the portal serves, and nothing it does not", async () => {
    const doc = buildOpenApiDocument();
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    // better-auth's own endpoints (sign-in, callback, sign-out) and the document itself are not part of the API.
    const served = (await routeOperations(API_DIR)).filter((op) => !op.includes("/api/auth/") && op !== "GET /api/openapi.json");
    expect(served.sort()).toEqual(documented.sort());
  });

  it("gives every change made with a session the 401 and 403 answers", () => {
    const doc = buildOpenApiDocument();
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops as Record<string, { security?: unknown[]; responses: Record<string, unknown> }>)) {
        if (method === "get") continue;
        expect(Object.keys(op.responses), `${method} ${p}`).toEqual(expect.arrayContaining(["401", "403"]));
        expect(op.security, `${method} ${p}`).toBeDefined();
      }
    }
  });
});

/** What JSON.stringify makes of a value: Dates become strings. */
type TJsonOf<T> = T extends Date ? string : T extends readonly (infer U)[] ? TJsonOf<U>[] : T extends object ? { [K in keyof T]: TJsonOf<T[K]> } : T;
type TAnswerOf<F extends (...args: never[]) => unknown> = TJsonOf<NonNullable<Awaited<ReturnType<F>>>>;

describe("the answers it describes", () => {
  it("refers every $ref to a component it has", () => {
    const doc = buildOpenApiDocument();
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(([, name]) => name!);
    expect(refs.length).toBeGreaterThan(100);
    expect([...new Set(refs)].filter((name) => !(name in doc.components.schemas))).toEqual([]);
  });

  it("gives every answer in JSON a schema generated from zod (a component), and every error the error body", () => {
    const doc = buildOpenApiDocument();
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops as Record<string, { responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> }>)) {
        for (const [status, answer] of Object.entries(op.responses)) {
          const schema = answer.content?.["application/json"]?.schema;
          const label = `${method} ${p} ${status}`;
          if (status.startsWith("2")) expect(schema?.$ref ?? answer.content?.["text/markdown"], label).toBeDefined();
          else if (p !== "/api/ready") expect(schema, label).toEqual({ $ref: "#/components/schemas/Error" });
        }
      }
    }
  });

  it("closes the answers' objects, so that a field the routes add and the schemas do not name is caught", () => {
    const { schemas } = buildOpenApiDocument().components;
    const answers = Object.entries(schemas).filter(([name]) => name.endsWith("Response"));
    expect(answers.length).toBeGreaterThan(30);
    for (const [name, schema] of answers) expect((schema as { additionalProperties?: unknown }).additionalProperties, name).toBe(false);
  });

  it("holds each response schema to the type the route answers with (checked by the type checker)", () => {
    // The same shape both ways where a TypeScript type of the answer exists. Where one of the two is looser (a
    // string the other names the values of: AWS's own statuses, a token's scopes, a deployment's status), the
    // looser one is held to the other.
    expectTypeOf<z.output<typeof ZDoraSummaryResponseSchema>>().toEqualTypeOf<TDoraSummary>();
    expectTypeOf<z.output<typeof ZDoraTrendResponseSchema>>().toEqualTypeOf<TDoraTrend>();
    expectTypeOf<z.output<typeof ZDoraRowsResponseSchema>>().toEqualTypeOf<TDoraRows>();
    expectTypeOf<z.output<typeof ZAlarmBoardResponseSchema>>().toEqualTypeOf<TAlarmBoardPage>();
    expectTypeOf<z.output<typeof ZAlarmMetricsResponseSchema>>().toEqualTypeOf<TAlarmMetrics>();
    expectTypeOf<z.output<typeof ZPipelineBoardResponseSchema>>().toEqualTypeOf<TBoardPage>();
    expectTypeOf<TJsonOf<TPipelineDetail>>().toExtend<z.output<typeof ZPipelineDetailResponseSchema>>();
    expectTypeOf<{ applied: number; duplicates: number; ignored: number; events: TEventOutcome[] }>().toEqualTypeOf<z.output<typeof ZAwsEventsResponseSchema>>();
    expectTypeOf<z.output<typeof ZServiceMapResponseSchema>>().toEqualTypeOf<TServiceMap>();
    expectTypeOf<z.output<typeof ZServiceMapNodeResponseSchema>>().toEqualTypeOf<TNodeDetails>();
    expectTypeOf<z.output<typeof ZTraceResponseSchema>>().toEqualTypeOf<TTraceDetail>();
    expectTypeOf<z.output<typeof ZIncidentsPageResponseSchema>>().toExtend<TIncidentsPage>();
    // The postmortem's state is a string here (lib/postmortems/schemas.ts imports the incidents' schemas).
    expectTypeOf<Omit<z.output<typeof ZIncidentDetailResponseSchema>, "postmortem">>().toExtend<Omit<TIncidentDetail, "postmortem">>();
    expectTypeOf<TIncidentDetail["postmortem"]>().toExtend<z.output<typeof ZIncidentDetailResponseSchema>["postmortem"]>();
    expectTypeOf<z.output<typeof ZIncidentRecordResponseSchema>>().toEqualTypeOf<TRecordOutcome>();
    expectTypeOf<z.output<typeof ZDeploymentIngestResponseSchema>>().toEqualTypeOf<TIngestOutcome>();
    expectTypeOf<z.output<typeof ZPostmortemResponseSchema>>().toEqualTypeOf<TPostmortemView>();
    expectTypeOf<z.output<typeof ZPostmortemsPageResponseSchema>>().toEqualTypeOf<TPostmortemsPage>();
    expectTypeOf<z.output<typeof ZActionItemsPageResponseSchema>>().toEqualTypeOf<TActionItemsPage>();
    expectTypeOf<z.output<typeof ZPostmortemRulesResponseSchema>>().toEqualTypeOf<{ rules: TRuleRow[] }>();
    expectTypeOf<TReadiness>().toExtend<Omit<z.output<typeof ZReadyResponseSchema>, "status" | "oidc">>();
    expectTypeOf<{ source: string } & TImportResult>().toExtend<z.output<typeof ZCatalogImportResponseSchema>>();
    expectTypeOf<z.output<typeof ZApiTokenCreatedResponseSchema>>().toExtend<TAnswerOf<typeof createApiToken>>();
    expectTypeOf<TAnswerOf<typeof revokeFoundToken>>().toEqualTypeOf<z.output<typeof ZApiTokenRevokedResponseSchema>>();
    expectTypeOf<TAnswerOf<typeof setOrgRole>>().toEqualTypeOf<z.output<typeof ZOrgRoleSetResponseSchema>>();
    expectTypeOf<TAnswerOf<typeof setMembership>>().toEqualTypeOf<z.output<typeof ZMembershipSetResponseSchema>>();
  });
});
