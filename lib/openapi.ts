import { z } from "zod";
import { ZAlarmBoardResponseSchema, ZAlarmMetricsResponseSchema } from "@/lib/alarms/schemas";
import {
  ZApiTokenCreatedResponseSchema,
  ZApiTokenRevokedResponseSchema,
  ZAwsAccountDeletedResponseSchema,
  ZAwsAccountResponseSchema,
  ZAwsAccountSchema,
  ZCatalogImportResponseSchema,
  ZCatalogUrlSchema,
  ZCreateTokenSchema,
  ZMembershipRemovedResponseSchema,
  ZMembershipSetResponseSchema,
  ZOrgRoleSetResponseSchema,
  ZSetMembershipSchema,
  ZSetOrgRoleSchema,
} from "@/lib/catalog/schemas";
import { MAX_BATCH, ZDeploymentIngestResponseSchema, ZDeploymentInputSchema } from "@/lib/deployments/schemas";
import { MAX_EVENTS_PER_REQUEST, ZAwsEventSchema } from "@/lib/pipelines/server/aws-events";
import { ZApprovalSchema } from "@/lib/pipelines/board";
import { BAND_YEARS, DEFAULT_BAND_YEAR } from "@/lib/dora/bands";
import {
  DEFAULT_ENVIRONMENT,
  DEFAULT_MIN_SAMPLES,
  DEFAULT_WINDOW_DAYS,
  MAX_WINDOW_DAYS,
  METRIC_KEYS,
  ROWS_PAGE_SIZE,
  WINDOW_PRESETS,
  ZDoraRowsResponseSchema,
  ZDoraSummaryResponseSchema,
  ZDoraTrendResponseSchema,
} from "@/lib/dora/schemas";
import { ZHealthResponseSchema, ZReadyResponseSchema } from "@/lib/health/schemas";
import { ZApprovalAnsweredResponseSchema, ZAwsEventsResponseSchema, ZPipelineBoardResponseSchema, ZPipelineDetailResponseSchema } from "@/lib/pipelines/schemas";
import { ZErrorBodySchema, ZIsoTime, ZSlugNameSchema } from "@/lib/schemas";
import { ZServiceMapNodeResponseSchema, ZServiceMapResponseSchema, ZTraceResponseSchema } from "@/lib/servicemap/schemas";
import {
  ZActionItemCreateSchema,
  ZActionItemPatchSchema,
  ZActionItemsPageResponseSchema,
  ZActionItemUpdatedResponseSchema,
  ZCreatedIdResponseSchema,
  ZDocumentVersionResponseSchema,
  ZPostmortemCreatedResponseSchema,
  ZPostmortemResponseSchema,
  ZPostmortemRulesResponseSchema,
  ZPostmortemsPageResponseSchema,
  ZRedraftedResponseSchema,
  ZSectionRevisionsResponseSchema,
  ZSectionSavedResponseSchema,
  ZTimelineEntryAddedResponseSchema,
  ZTransitionedResponseSchema,
  ZCommentCreateSchema,
  ZPostmortemCreateSchema,
  ZPostmortemPatchSchema,
  ZPostmortemRuleSchema,
  ZRedraftSchema,
  ZSectionSaveSchema,
  ZTimelineEntryCreateSchema,
  ZTimelineEntryPatchSchema,
  ZTransitionSchema,
  POSTMORTEM_STATUSES,
  SECTION_KEYS,
  ACTION_ITEM_PRIORITIES,
  ACTION_ITEM_STATUSES,
} from "@/lib/postmortems/schemas";
import {
  INCIDENT_STATUSES,
  INCIDENTS_PAGE_SIZE,
  MAX_INCIDENT_BATCH,
  SEVERITIES,
  ZIncidentDetailResponseSchema,
  ZIncidentInputSchema,
  ZIncidentPatchedResponseSchema,
  ZIncidentPatchSchema,
  ZIncidentRecordResponseSchema,
  ZIncidentsPageResponseSchema,
  ZIncidentSummarySchema,
} from "@/lib/incidents/schemas";

function errorResponse(description: string) {
  return { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
}

/**
 * A zod schema as JSON Schema: what a route accepts (`input`, before defaults and transforms) or what it answers
 * (`output`: the JSON sent, objects closed to properties they do not name).
 */
function jsonSchema(schema: z.ZodType, io: "input" | "output" = "input") {
  const result = z.toJSONSchema(schema, { io, target: "draft-2020-12" });
  delete (result as { $schema?: string }).$schema;
  return result;
}

const jsonBody = (ref: string) => ({ required: true, content: { "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } } });

/**
 * What the routes answer, generated from the zod schemas of lib/<domain>/schemas.ts. Components are named after
 * the schema (ZAwsAccountResponseSchema: AwsAccountResponse); app/api/openapi-answers.integration.test.ts holds
 * every route's real answers to them.
 */
const RESPONSE_SCHEMAS = {
  ZAlarmBoardResponseSchema,
  ZAlarmMetricsResponseSchema,
  ZApiTokenCreatedResponseSchema,
  ZApiTokenRevokedResponseSchema,
  ZAwsAccountResponseSchema,
  ZAwsAccountDeletedResponseSchema,
  ZOrgRoleSetResponseSchema,
  ZMembershipSetResponseSchema,
  ZMembershipRemovedResponseSchema,
  ZCatalogImportResponseSchema,
  ZDeploymentIngestResponseSchema,
  ZDoraSummaryResponseSchema,
  ZDoraTrendResponseSchema,
  ZDoraRowsResponseSchema,
  ZHealthResponseSchema,
  ZReadyResponseSchema,
  ZIncidentRecordResponseSchema,
  ZIncidentsPageResponseSchema,
  ZIncidentDetailResponseSchema,
  ZIncidentPatchedResponseSchema,
  ZPipelineBoardResponseSchema,
  ZPipelineDetailResponseSchema,
  ZApprovalAnsweredResponseSchema,
  ZAwsEventsResponseSchema,
  ZServiceMapResponseSchema,
  ZServiceMapNodeResponseSchema,
  ZTraceResponseSchema,
  ZPostmortemResponseSchema,
  ZPostmortemsPageResponseSchema,
  ZActionItemsPageResponseSchema,
  ZPostmortemCreatedResponseSchema,
  ZSectionRevisionsResponseSchema,
  ZSectionSavedResponseSchema,
  ZTransitionedResponseSchema,
  ZCreatedIdResponseSchema,
  ZTimelineEntryAddedResponseSchema,
  ZDocumentVersionResponseSchema,
  ZRedraftedResponseSchema,
  ZActionItemUpdatedResponseSchema,
  ZPostmortemRulesResponseSchema,
} satisfies Record<string, z.ZodType>;
type TResponseSchemaName = keyof typeof RESPONSE_SCHEMAS;

const componentName = (schema: TResponseSchemaName) => schema.replace(/^Z/, "").replace(/Schema$/, "");

/**
 * The response components, converted together so that the parts they share (timestamps, a team or service's slug
 * and name, an incident, the error body) are components of their own that the others refer to.
 */
function responseComponents(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  registry.add(ZErrorBodySchema, { id: "Error" });
  registry.add(ZIsoTime, { id: "Timestamp" });
  registry.add(ZSlugNameSchema, { id: "SlugName" });
  registry.add(ZIncidentSummarySchema, { id: "IncidentSummary" });
  for (const [name, schema] of Object.entries(RESPONSE_SCHEMAS)) registry.add(schema, { id: componentName(name as TResponseSchemaName) });
  const { schemas } = z.toJSONSchema(registry, { io: "output", target: "draft-2020-12", uri: (id) => `#/components/schemas/${id}` });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      delete schema.$schema;
      delete schema.$id;
      return [id, schema];
    }),
  );
}

/** A success answer: its description and the response schema it is held to. */
const ok = (description: string, schema: TResponseSchemaName) => ({
  description,
  content: { "application/json": { schema: { $ref: `#/components/schemas/${componentName(schema)}` } } },
});

/** Responses every authorized route can give (see lib/auth/server/with-auth.ts). */
function authorized(success: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    ...success,
    "400": errorResponse("The body is invalid; `details.issues` lists every problem with its path. Nothing was changed."),
    "401": errorResponse("Not signed in and no API token."),
    "403": errorResponse("Signed in, but the role does not allow this here; or a cross-site request with a session cookie."),
    ...extra,
  };
}

/** Changes made from the portal's pages authenticate with the session cookie; CSRF-checked by Origin. */
const SESSION = [{ sessionCookie: [] }];

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const idParameter = { name: "id", in: "path", required: true, schema: { type: "integer" } };

/** The incidents API's request shapes (lib/incidents/schemas.ts). */
function incidentSchemas() {
  return {
    IncidentInput: jsonSchema(ZIncidentInputSchema),
    IncidentBatch: {
      type: "object",
      required: ["incidents"],
      additionalProperties: false,
      properties: { incidents: { type: "array", minItems: 1, maxItems: MAX_INCIDENT_BATCH, items: ref("IncidentInput") } },
    },
    IncidentPatch: jsonSchema(ZIncidentPatchSchema),
  };
}

const ATTRIBUTION_RULE =
  "Attribution: an explicit link wins (`deployment` here, or a person's re-attribution); otherwise the latest production deployment of the incident's service " +
  "that finished within PORTSIDE_ATTRIBUTION_WINDOW_HOURS (default 24) before it opened, both edges included.";

/** The incidents routes: app/api/incidents. */
function incidentPaths() {
  const readable = { security: [{ sessionCookie: [] }, { bearerToken: [] }] };
  return {
    "/api/incidents": {
      get: {
        operationId: "listIncidents",
        summary: "Incidents: open first, then acknowledged, then resolved; newest first within each",
        description: `Filters: \`team\` (slug; includes nested teams), \`service\` (slug), \`status\` (${INCIDENT_STATUSES.join(", ")}, or unresolved), \`severity\`; \`page\` (${INCIDENTS_PAGE_SIZE} a page).`,
        ...readable,
        parameters: ["team", "service", "status", "severity", "page"].map((name) => ({ name, in: "query", required: false, schema: { type: name === "page" ? "integer" : "string" } })),
        responses: {
          "200": ok("A page of incidents.", "ZIncidentsPageResponseSchema"),
          "400": errorResponse("A filter is invalid; `details.issues` says which."),
          "401": errorResponse("Not signed in and no API token."),
          "403": errorResponse("The token lacks the read scope."),
        },
      },
      post: {
        operationId: "recordIncidents",
        summary: "Record one incident or a batch of up to 100, as an incident tool reports them (PagerDuty- or Opsgenie-style webhooks)",
        description:
          "Idempotent by `source` + `externalId`: the same report twice stores one incident and one timeline. Reports arrive in any order and are merged: " +
          "the earliest openedAt and acknowledgedAt and the latest resolvedAt are kept, and a report without acknowledgedAt or resolvedAt says nothing of them, " +
          "so a late, older report never reopens a resolved incident (a person reopens one with PATCH). Title, severity and description are the last report's. " +
          "The status follows from the times; `status`, when sent, is checked against them. " +
          ATTRIBUTION_RULE +
          " All or nothing. Team members and admins with a session; API tokens with the `ingest` scope (a team's token for its own services only). Audited.",
        security: [{ bearerToken: [] }, { sessionCookie: [] }],
        requestBody: { required: true, content: { "application/json": { schema: { oneOf: [ref("IncidentInput"), ref("IncidentBatch")] } } } },
        responses: {
          "200": ok("Nothing new: every incident was already stored (updated or unchanged).", "ZIncidentRecordResponseSchema"),
          "201": ok("At least one incident was created.", "ZIncidentRecordResponseSchema"),
          "400": errorResponse("The body is invalid; `details.issues` lists every problem with its path (e.g. incidents.3.resolvedAt). Nothing was stored."),
          "401": errorResponse("Not signed in and no API token, or an unknown, revoked or expired one."),
          "403": errorResponse("Not a member of a service's team (nor an admin); a token without the ingest scope or of another team; or a cross-site request with a session cookie."),
          "413": errorResponse("The body is over 16 MiB; nothing was stored."),
          "422": errorResponse("A service is not in the catalog (`details.unknownServices`), or a linked deployment does not exist or is not in production (`details.deploymentProblems`). Nothing was stored."),
          "429": errorResponse("Too many bad tokens from this address lately; the Retry-After header says when to try again."),
        },
      },
    },
    "/api/incidents/{id}": {
      get: {
        operationId: "getIncident",
        summary: "One incident with its attribution and timeline",
        ...readable,
        parameters: [idParameter],
        responses: {
          "200": ok("The incident.", "ZIncidentDetailResponseSchema"),
          "401": errorResponse("Not signed in and no API token."),
          "403": errorResponse("The token lacks the read scope."),
          "404": errorResponse("No such incident."),
        },
      },
      patch: {
        operationId: "updateIncident",
        summary: "Acknowledge, resolve or reopen an incident, re-attribute it, or set whether a change caused it (members of its service's team, admins)",
        description:
          "What is sent replaces what is stored. `deployment`: a deployment (by id, or source and externalId) or null for none — explicit, and then it wins over the rule " +
          'and over later reports that name none — or "rule" to hand it back to the rule. ' +
          ATTRIBUTION_RULE +
          " Audited with before and after; each change is added to the timeline. People only: API tokens get 403.",
        security: SESSION,
        parameters: [idParameter],
        requestBody: jsonBody("IncidentPatch"),
        responses: authorized(
          { "200": ok("The incident after the change, with `changed: false` when nothing differed.", "ZIncidentPatchedResponseSchema") },
          {
            "404": errorResponse("No such incident."),
            "422": errorResponse("The linked deployment does not exist or is not in production (`details.deploymentProblems`); nothing changed."),
          },
        ),
      },
    },
  };
}

/** The DORA routes: app/api/dora (shapes: lib/dora/schemas.ts; rules: docs/metrics.md). */
function doraPaths() {
  const readable = { security: [{ sessionCookie: [] }, { bearerToken: [] }] };
  const q = (name: string, description: string, schema: Record<string, unknown> = { type: "string" }) => ({ name, in: "query", required: false, description, schema });
  const scope = [
    q("team", "Team slug; the team and every team nested under it. Neither team nor service: the whole organisation."),
    q("service", "Service slug (exact figures)."),
  ];
  const window = [
    q("window", `Days ending today (UTC), default ${DEFAULT_WINDOW_DAYS}.`, { type: "integer", enum: [...WINDOW_PRESETS] }),
    q("from", "First day, inclusive (YYYY-MM-DD, UTC); with `to`, instead of `window`.", { type: "string", format: "date" }),
    q("to", `Last day, inclusive; at most ${MAX_WINDOW_DAYS} days after from.`, { type: "string", format: "date" }),
  ];
  const environment = q("environment", `Default ${DEFAULT_ENVIRONMENT}.`);
  const figures = [
    q("bands", `Report year of the band table (elite/high/medium/low): ${BAND_YEARS.join(" or ")}; default ${DEFAULT_BAND_YEAR}.`, { type: "integer", enum: [...BAND_YEARS] }),
    q("minSamples", `Below this sample size a figure is low-confidence and gets no band; default ${DEFAULT_MIN_SAMPLES}.`, { type: "integer", minimum: 1 }),
  ];
  const answers = (what: string, schema: "ZDoraSummaryResponseSchema" | "ZDoraTrendResponseSchema" | "ZDoraRowsResponseSchema") => ({
    "200": ok(what, schema),
    "400": errorResponse("The query is invalid; `details.issues` lists every problem."),
    "401": errorResponse("Not signed in and no API token."),
    "403": errorResponse("The token lacks the read scope."),
    "404": errorResponse("No such team or service."),
  });
  const figuresText =
    "Each figure: `value` (null = no data, never 0), `unit`, `sampleSize`, `isLowSample`, `band` and `bandYear`; lead and recovery times also `median` and `p90` (seconds), " +
    "lead time its `coverage` and `unknownCommits`, recovery its `unrecovered`. Counts are exact; team and organisation percentiles come from 2% log buckets, within 1% (`method`).";
  return {
    "/api/dora": {
      get: {
        operationId: "getDoraMetrics",
        summary: "The five DORA figures for a scope and window, and for the window of equal length before it",
        description: `Deployment frequency, change lead time, change fail rate, failed deployment recovery time and deployment rework rate. ${figuresText} \`{ scope, environment, bandYear, minSamples, current, previous, method, generatedAt }\`.`,
        ...readable,
        parameters: [...scope, ...window, environment, ...figures],
        responses: answers("The figures now and in the window before.", "ZDoraSummaryResponseSchema"),
      },
    },
    "/api/dora/trend": {
      get: {
        operationId: "getDoraTrend",
        summary: "The five DORA figures per week (Monday first) or calendar month, oldest first, the current partial one last",
        description: `${figuresText} \`{ scope, environment, bucket, bandYear, minSamples, points, method, generatedAt }\`.`,
        ...readable,
        parameters: [
          ...scope,
          q("bucket", "week or month; default week.", { type: "string", enum: ["week", "month"] }),
          q("count", "How many buckets: up to 104 weeks or 36 months; default 12.", { type: "integer", minimum: 1, maximum: 104 }),
          environment,
          ...figures,
        ],
        responses: answers("The figures per bucket.", "ZDoraTrendResponseSchema"),
      },
    },
    "/api/dora/rows": {
      get: {
        operationId: "listDoraRows",
        summary: "The deployments behind one figure, with the incidents attributed to them, newest first",
        description:
          "`metric`: deploymentFrequency (every deployment), leadTime (succeeded deployments that first brought commits), changeFailRate and recoveryTime (the failures), reworkRate (the rework). " +
          `\`{ metric, window, rows, total, page, pageSize }\`; ${ROWS_PAGE_SIZE} a page by default, at most 200.`,
        ...readable,
        parameters: [
          { name: "metric", in: "query", required: true, schema: { type: "string", enum: [...METRIC_KEYS] } },
          ...scope,
          ...window,
          environment,
          q("page", "From 1.", { type: "integer", minimum: 1 }),
          q("pageSize", "1–200.", { type: "integer", minimum: 1, maximum: 200 }),
        ],
        responses: answers("A page of the deployments behind the figure.", "ZDoraRowsResponseSchema"),
      },
    },
  };
}

/** The postmortems API: app/api/postmortems, app/api/action-items, app/api/postmortem-rules (shapes: lib/postmortems/schemas.ts and view.ts; rules: workflow.ts). */
function postmortemPaths() {
  const readable = { security: [{ sessionCookie: [] }, { bearerToken: [] }] };
  const q = (name: string, description: string, schema: Record<string, unknown> = { type: "string" }) => ({ name, in: "query", required: false, description, schema });
  const people = " People only (signed in to the portal): API tokens get 403. Audited.";
  const notFound = { "404": errorResponse("No such postmortem.") };
  const stale = (what: string) => ({ "409": errorResponse(`${what} changed since the version named (\`details\` carries the current version${what === "The section" ? ", its text, who saved it and when" : ""}), or the postmortem is approved or published and must be reopened first. Nothing was written.`) });
  const write = (operationId: string, summary: string, body: string, success: Record<string, unknown>, extra: Record<string, unknown> = {}, parameters: unknown[] = [idParameter]) => ({
    operationId,
    summary,
    description: `${summary}.${people}`,
    security: SESSION,
    parameters,
    ...(body ? { requestBody: jsonBody(body) } : {}),
    responses: authorized(success, { ...notFound, ...extra }),
  });
  const sectionParameter = { name: "key", in: "path", required: true, schema: { type: "string", enum: [...SECTION_KEYS] } };
  const entryParameter = { name: "entryId", in: "path", required: true, schema: { type: "integer" } };
  return {
    "/api/postmortems": {
      get: {
        operationId: "findPostmortems",
        summary: "Postmortems found by full-text search over titles, sections and action items, with filters",
        ...readable,
        parameters: [
          q("q", "Words to find (web search syntax: quotes, or, -word)."),
          q("team", "A team's slug; teams nested under it included."),
          q("service", "A service's slug."),
          q("severity", "The incident's severity.", { type: "string", enum: [...SEVERITIES] }),
          q("status", "The postmortem's state.", { type: "string", enum: [...POSTMORTEM_STATUSES] }),
          q("from", "Incidents (or stand-alone postmortems) from this date (YYYY-MM-DD).", { type: "string", format: "date" }),
          q("to", "…up to this date (YYYY-MM-DD).", { type: "string", format: "date" }),
          q("page", "Page number, from 1.", { type: "integer", minimum: 1 }),
        ],
        responses: { "200": ok("A page of postmortems, best match first when searching.", "ZPostmortemsPageResponseSchema"), "400": errorResponse("A filter is invalid."), "401": errorResponse("Not signed in and no API token.") },
      },
      post: {
        operationId: "createPostmortem",
        summary: "Start a postmortem for an incident (its evidence timeline drafted at once) or a stand-alone one for a team or service",
        description:
          "Members of the incident's (or team's) team and admins. One per incident: 409 names the existing one (the rules draft one automatically when an incident with a required severity resolves, see /api/postmortem-rules)." +
          people,
        security: SESSION,
        requestBody: jsonBody("PostmortemCreate"),
        responses: authorized({ "201": ok("Created.", "ZPostmortemCreatedResponseSchema") }, { "409": errorResponse("The incident already has a postmortem (`details.postmortemId`).") }),
      },
    },
    "/api/postmortems/{id}": {
      get: {
        operationId: "getPostmortem",
        summary: "One postmortem: sections, evidence timeline, milestones and durations, comments, action items, and the actions the caller may take",
        ...readable,
        parameters: [idParameter],
        responses: { "200": ok("The postmortem.", "ZPostmortemResponseSchema"), "401": errorResponse("Not signed in and no API token."), ...notFound },
      },
      patch: write("updatePostmortem", "Change the header (title, analysis style, evidence margins, the milestones set by hand), naming the version edited", "PostmortemPatch", { "200": ok("The postmortem after the change.", "ZPostmortemResponseSchema") }, stale("The postmortem")),
    },
    "/api/postmortems/{id}/export": {
      get: {
        operationId: "exportPostmortem",
        summary: "The postmortem as a Markdown file: header, milestones, the starred timeline sorted in UTC, sections, action items",
        ...readable,
        parameters: [idParameter],
        responses: { "200": { description: "The document.", content: { "text/markdown": { schema: { type: "string" } } } }, "401": errorResponse("Not signed in and no API token."), ...notFound },
      },
    },
    "/api/postmortems/{id}/sections/{key}": {
      get: {
        operationId: "getSectionRevisions",
        summary: "A section's revisions, newest first, each with its full text, author and time",
        ...readable,
        parameters: [idParameter, sectionParameter],
        responses: { "200": ok("The revisions, newest first.", "ZSectionRevisionsResponseSchema"), "401": errorResponse("Not signed in and no API token."), ...notFound },
      },
      put: write(
        "saveSection",
        "Save a section's Markdown written on `baseVersion` (0 for a section never saved); a stale save is refused with the other change",
        "SectionSave",
        { "200": ok("The section's new version and the document's.", "ZSectionSavedResponseSchema") },
        stale("The section"),
        [idParameter, sectionParameter],
      ),
    },
    "/api/postmortems/{id}/transitions": {
      post: write(
        "transitionPostmortem",
        "Move the postmortem: submit or withdraw (members), request_changes or approve (the team's approvers and admins who wrote none of it), publish (after approval), not_required (with a reason) or reopen (approvers)",
        "Transition",
        { "200": ok("The postmortem's new state and version.", "ZTransitionedResponseSchema") },
        stale("The postmortem"),
      ),
    },
    "/api/postmortems/{id}/comments": {
      post: write("commentOnPostmortem", "Comment on a section or on the whole postmortem", "CommentCreate", { "201": ok("The comment.", "ZCreatedIdResponseSchema") }),
    },
    "/api/postmortems/{id}/timeline": {
      post: write("addTimelineEntry", "Add a timeline entry by hand (redrafting never touches it)", "TimelineEntryCreate", { "201": ok("The entry and the document's new version.", "ZTimelineEntryAddedResponseSchema") }, stale("The postmortem")),
    },
    "/api/postmortems/{id}/timeline/redraft": {
      post: write(
        "redraftTimeline",
        "Draft the evidence timeline again from deployments, pipeline stages and approvals, alarm transitions, service-map health and incident and audit events, optionally with a new margin; stars, hidden entries, edits and entries added by hand survive",
        "Redraft",
        { "200": ok("How many entries the drafted timeline has.", "ZRedraftedResponseSchema") },
        stale("The postmortem"),
      ),
    },
    "/api/postmortems/{id}/timeline/{entryId}": {
      patch: write("updateTimelineEntry", "Star, hide or reword an entry (a drafted one keeps its original text) or move one added by hand", "TimelineEntryPatch", { "200": ok("The document's new version.", "ZDocumentVersionResponseSchema") }, stale("The postmortem"), [idParameter, entryParameter]),
      delete: write("deleteTimelineEntry", "Remove an entry added by hand (drafted entries are hidden instead)", "", { "200": ok("The document's new version.", "ZDocumentVersionResponseSchema") }, stale("The postmortem"), [idParameter, entryParameter]),
    },
    "/api/postmortems/{id}/action-items": {
      post: write("createActionItem", "Add a follow-up action: owner, type, priority, due date (default from the priority), ticket link", "ActionItemCreate", { "201": ok("The action item.", "ZCreatedIdResponseSchema") }),
    },
    "/api/action-items": {
      get: {
        operationId: "findActionItems",
        summary: "Action items across the organisation, overdue first, with filters",
        ...readable,
        parameters: [
          q("team", "A team's slug; teams nested under it included."),
          q("owner", "A person's id, or `me`."),
          q("status", "A status, or `active` for open and in progress.", { type: "string", enum: [...ACTION_ITEM_STATUSES, "active"] }),
          q("priority", "Priority.", { type: "string", enum: [...ACTION_ITEM_PRIORITIES] }),
          q("overdue", "Only overdue ones (`true`).", { type: "string", enum: ["true", "false"] }),
          q("page", "Page number, from 1.", { type: "integer", minimum: 1 }),
        ],
        responses: { "200": ok("A page of action items.", "ZActionItemsPageResponseSchema"), "400": errorResponse("A filter is invalid."), "401": errorResponse("Not signed in and no API token.") },
      },
    },
    "/api/action-items/{id}": {
      patch: write(
        "updateActionItem",
        "Change an action item, naming the version edited (members of its team; its owner may change its status and reason)",
        "ActionItemPatch",
        { "200": ok("The item's new version.", "ZActionItemUpdatedResponseSchema") },
        { "404": errorResponse("No such action item."), "409": errorResponse("The item changed since the version named; nothing was written.") },
      ),
    },
    "/api/postmortem-rules": {
      get: { operationId: "getPostmortemRules", summary: "Which incident severities require a postmortem: the organisation's rule and teams' own", ...readable, responses: { "200": ok("The rules: the organisation's first, then teams' own.", "ZPostmortemRulesResponseSchema"), "401": errorResponse("Not signed in and no API token.") } },
      put: {
        operationId: "setPostmortemRule",
        summary: "Set the organisation's rule (teamId null; admins) or a team's (its maintainers; severities null removes it, so it follows its group or the organisation)",
        description: "A team without its own rule follows the nearest group above it, else the organisation. When an incident whose severity the rule names resolves, a draft postmortem is created." + people,
        security: SESSION,
        requestBody: jsonBody("PostmortemRule"),
        responses: authorized({ "200": ok("The rules after the change.", "ZPostmortemRulesResponseSchema") }),
      },
    },
  };
}

const RETRY_AFTER = { description: "Seconds to wait before trying again.", schema: { type: "integer", minimum: 1 } };

/**
 * The Retry-After header of the answers that ask to be sent again: 429 (too many bad tokens: always) and 503
 * (sent when the database cannot be reached, lib/http.ts errorResponse; not when a sync holds a pipeline).
 */
function withRetryAfter<T extends Record<string, Record<string, { responses: Record<string, unknown> }>>>(paths: T): T {
  for (const [path, operations] of Object.entries(paths)) {
    for (const operation of Object.values(operations)) {
      const responses = operation.responses as Record<string, object>;
      if (responses["429"]) responses["429"] = { ...responses["429"], headers: { "Retry-After": RETRY_AFTER } };
      // /api/ready's 503 is its own answer (the body says why), never asked again by header.
      if (responses["503"] && path !== "/api/ready") responses["503"] = { ...responses["503"], headers: { "Retry-After": { ...RETRY_AFTER, description: `${RETRY_AFTER.description} Sent when the database cannot be reached.` } } };
    }
  }
  return paths;
}

/** The OpenAPI 3.1 description of the public API, built from the same zod schemas that validate requests and shape answers. */
export function buildOpenApiDocument(baseUrl?: string) {
  const deployment = jsonSchema(ZDeploymentInputSchema);
  return {
    openapi: "3.1.0",
    info: {
      title: "Portside API",
      version: "0.1.0",
      description: "Ingest and read the data behind Portside. Machine calls authenticate with an API token: `Authorization: Bearer psk_…`.",
    },
    servers: baseUrl ? [{ url: baseUrl }] : [],
    components: {
      securitySchemes: {
        bearerToken: { type: "http", scheme: "bearer", description: "A Portside API token (psk_…) with the scope the operation names." },
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: "portside.session_token",
          description: "The browser session from signing in (named __Secure-portside.session_token over HTTPS). Changes must carry an Origin header of the portal itself.",
        },
      },
      schemas: {
        ...responseComponents(),
        CreateToken: jsonSchema(ZCreateTokenSchema),
        AwsAccount: jsonSchema(ZAwsAccountSchema),
        SetOrgRole: jsonSchema(ZSetOrgRoleSchema),
        SetMembership: jsonSchema(ZSetMembershipSchema),
        CatalogUrl: jsonSchema(ZCatalogUrlSchema),
        ApprovalAnswer: jsonSchema(ZApprovalSchema),
        DeploymentInput: deployment,
        DeploymentBatch: {
          type: "object",
          required: ["deployments"],
          additionalProperties: false,
          properties: { deployments: { type: "array", minItems: 1, maxItems: MAX_BATCH, items: { $ref: "#/components/schemas/DeploymentInput" } } },
        },
        AwsEvent: jsonSchema(ZAwsEventSchema),
        ...incidentSchemas(),
        PostmortemCreate: jsonSchema(ZPostmortemCreateSchema),
        PostmortemPatch: jsonSchema(ZPostmortemPatchSchema),
        SectionSave: jsonSchema(ZSectionSaveSchema),
        Transition: jsonSchema(ZTransitionSchema),
        CommentCreate: jsonSchema(ZCommentCreateSchema),
        TimelineEntryCreate: jsonSchema(ZTimelineEntryCreateSchema),
        TimelineEntryPatch: jsonSchema(ZTimelineEntryPatchSchema),
        Redraft: jsonSchema(ZRedraftSchema),
        ActionItemCreate: jsonSchema(ZActionItemCreateSchema),
        ActionItemPatch: jsonSchema(ZActionItemPatchSchema),
        PostmortemRule: jsonSchema(ZPostmortemRuleSchema),
      },
    },
    paths: withRetryAfter({
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
            "200": ok("Nothing new: every deployment was already stored (updated or unchanged).", "ZDeploymentIngestResponseSchema"),
            "201": ok("At least one deployment was created.", "ZDeploymentIngestResponseSchema"),
            "400": errorResponse("The body is invalid; `details.issues` lists every problem with its path (e.g. deployments.3.finishedAt). Nothing was stored."),
            "401": errorResponse("No token, or an unknown, revoked or expired one."),
            "403": errorResponse("The token lacks the ingest scope."),
            "413": errorResponse("The body is over 16 MiB; nothing was stored."),
            "422": errorResponse("A service is not in the catalog; `details.unknownServices` lists them. Nothing was stored."),
            "429": errorResponse("Too many bad tokens from this address lately; the Retry-After header says when to try again."),
          },
        },
      },
      "/api/events/aws": {
        post: {
          operationId: "ingestAwsEvents",
          summary: "Apply EventBridge events: CodePipeline pipeline, stage and action execution state changes, and CloudWatch alarm state changes",
          description:
            "The target of the EventBridge API destination (its connection sends `Authorization: Bearer <token>`). The body is one event as EventBridge " +
            "delivers it, or an array of up to 100. Deduplicated by event `id`: a replay answers 200 and changes nothing. Events may arrive in any order: " +
            "an older event never overwrites newer state (for an alarm, the order is its state timestamp). An execution that reaches a final state records its production deployment; " +
            "an incident-worthy alarm entering ALARM opens an incident, and its return to OK resolves it. Events of other " +
            "sources or detail types, of accounts not registered in Portside, or with states this version does not know are accepted and ignored " +
            "(`events[].reason` says why). Requires an organisation-wide token with the `ingest` scope.",
          security: [{ bearerToken: [] }],
          requestBody: {
            required: true,
            content: { "application/json": { schema: { oneOf: [{ $ref: "#/components/schemas/AwsEvent" }, { type: "array", minItems: 1, maxItems: MAX_EVENTS_PER_REQUEST, items: { $ref: "#/components/schemas/AwsEvent" } }] } } },
          },
          responses: {
            "200": ok("Every event applied, recognised as a replay, or ignored.", "ZAwsEventsResponseSchema"),
            "400": errorResponse("The body is not an EventBridge event, or a CodePipeline event's detail lacks a documented field; `details.issues` lists every problem. Nothing was applied."),
            "401": errorResponse("No token, or an unknown, revoked or expired one."),
            "403": errorResponse("The token lacks the ingest scope or belongs to a team; or a signed-in person (events come from machines)."),
            "413": errorResponse("The body is over 16 MiB."),
            "429": errorResponse("Too many bad tokens from this address lately; the Retry-After header says when to try again."),
            "503": errorResponse("A sync holds the pipeline or the alarm, or the database cannot be reached; send the event again (EventBridge retries on its own)."),
          },
        },
      },
      "/api/tokens": {
        post: {
          operationId: "createToken",
          summary: "Create an API token (admins; team maintainers for their teams)",
          description: "The response carries the secret (`token`) once; only its hash is stored. Without `team`, an organisation-wide token (admins only).",
          security: SESSION,
          requestBody: jsonBody("CreateToken"),
          responses: authorized({ "201": ok("Created; `token` is the secret, shown this once.", "ZApiTokenCreatedResponseSchema") }),
        },
      },
      "/api/tokens/{id}": {
        delete: {
          operationId: "revokeToken",
          summary: "Revoke an API token; its next use gets 401",
          security: SESSION,
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
          responses: authorized({ "200": ok("Revoked; revoking twice is a no-op.", "ZApiTokenRevokedResponseSchema") }, { "404": errorResponse("No such token (told only to those who may see every token; others get 403).") }),
        },
      },
      "/api/catalog/import": {
        post: {
          operationId: "importCatalog",
          summary: "Import a Backstage catalog-info.yaml (admins)",
          description:
            "All or nothing; importing the same file again changes nothing. Send the file as multipart/form-data (field `file`), the YAML itself (application/yaml), or `{url}` to fetch it from an allowed repository host. " +
            "A file with problems gets 400 with `details.problems[]` giving each problem's line.",
          security: SESSION,
          requestBody: {
            required: true,
            content: {
              "multipart/form-data": { schema: { type: "object", properties: { file: { type: "string", format: "binary" } }, required: ["file"] } },
              "application/yaml": { schema: { type: "string" } },
              "application/json": { schema: { $ref: "#/components/schemas/CatalogUrl" } },
            },
          },
          responses: authorized(
            { "200": ok("What changed: counts of teams, services and entities created, updated and unchanged, and mappings added and removed.", "ZCatalogImportResponseSchema") },
            { "413": errorResponse("The file is over 1 MiB."), "502": errorResponse("The URL could not be fetched.") },
          ),
        },
      },
      "/api/aws-accounts": {
        post: {
          operationId: "createAwsAccount",
          summary: "Register an AWS account to collect from (admins)",
          security: SESSION,
          requestBody: jsonBody("AwsAccount"),
          responses: authorized({ "201": ok("The account; the external id is never returned, only whether it is set.", "ZAwsAccountResponseSchema") }, { "409": errorResponse("The account is already registered.") }),
        },
      },
      "/api/aws-accounts/{id}": {
        put: {
          operationId: "updateAwsAccount",
          summary: "Change an account (admins); an absent externalId keeps the stored one",
          security: SESSION,
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
          requestBody: jsonBody("AwsAccount"),
          responses: authorized({ "200": ok("The account.", "ZAwsAccountResponseSchema") }, { "404": errorResponse("No such account."), "409": errorResponse("Another account has that id.") }),
        },
        delete: {
          operationId: "deleteAwsAccount",
          summary: "Remove an account and everything collected from it (admins)",
          security: SESSION,
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
          responses: authorized({ "200": ok("Removed.", "ZAwsAccountDeletedResponseSchema") }, { "404": errorResponse("No such account.") }),
        },
      },
      "/api/users/{id}": {
        patch: {
          operationId: "setOrgRole",
          summary: "Change someone's organisation role (admins)",
          security: SESSION,
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
          requestBody: jsonBody("SetOrgRole"),
          responses: authorized({ "200": ok("The person's role now.", "ZOrgRoleSetResponseSchema") }, { "404": errorResponse("No such user."), "409": errorResponse("That would leave no admin.") }),
        },
      },
      "/api/teams/{slug}/members": {
        put: {
          operationId: "setMembership",
          summary: "Add someone to a team by email, or change their role in it (admins)",
          security: SESSION,
          parameters: [{ name: "slug", in: "path", required: true, schema: { type: "string" } }],
          requestBody: jsonBody("SetMembership"),
          responses: authorized({ "200": ok("The member and their role now.", "ZMembershipSetResponseSchema") }, { "404": errorResponse("No such team.") }),
        },
      },
      "/api/teams/{slug}/members/{userId}": {
        delete: {
          operationId: "removeMembership",
          summary: "Take someone out of a team (admins)",
          security: SESSION,
          parameters: [
            { name: "slug", in: "path", required: true, schema: { type: "string" } },
            { name: "userId", in: "path", required: true, schema: { type: "integer" } },
          ],
          responses: authorized({ "200": ok("Removed.", "ZMembershipRemovedResponseSchema") }, { "404": errorResponse("No such team or member.") }),
        },
      },
      "/api/pipelines": {
        get: {
          operationId: "listPipelines",
          summary: "The pipeline board: pipelines with their stages and latest execution, failures first",
          description: "Filters: `team` (slug; includes nested teams), `service` (slug), `account` (12 digits), `region`, `status` (failed, in_progress, succeeded, other), `q` (pipeline or service name); `page` (100 a page). `counts` gives the totals by status for the other filters; `dataAsOf` says how fresh the AWS data is.",
          security: [{ sessionCookie: [] }, { bearerToken: [] }],
          parameters: ["team", "service", "account", "region", "status", "q", "page"].map((name) => ({ name, in: "query", required: false, schema: { type: name === "page" ? "integer" : "string" } })),
          responses: {
            "200": ok("A page of the board.", "ZPipelineBoardResponseSchema"),
            "400": errorResponse("A filter is invalid; `details.issues` says which."),
            "401": errorResponse("Not signed in and no API token."),
            "403": errorResponse("The token lacks the read scope."),
          },
        },
      },
      "/api/pipelines/{id}": {
        get: {
          operationId: "getPipeline",
          summary: "One pipeline: stages and actions now, its executions (20 a page, newest first), durations and success rate",
          security: [{ sessionCookie: [] }, { bearerToken: [] }],
          parameters: [
            { name: "id", in: "path", required: true, schema: { type: "integer" } },
            { name: "page", in: "query", required: false, schema: { type: "integer", minimum: 1 } },
          ],
          responses: {
            "200": ok("The pipeline.", "ZPipelineDetailResponseSchema"),
            "400": errorResponse("`page` is not a whole number from 1."),
            "401": errorResponse("Not signed in and no API token."),
            "403": errorResponse("The token lacks the read scope."),
            "404": errorResponse("No such pipeline."),
          },
        },
      },
      "/api/servicemap": {
        get: {
          operationId: "getServiceMap",
          summary: "The X-Ray service graph over a window: nodes and edges with requests, errors, faults, throttles and latency",
          description:
            "Aggregated in PostgreSQL from the collected 5-minute and hourly buckets (no AWS call). `window`: 15m, 1h (default), 6h, 24h, 7d, or custom with `from` and `to` (ISO 8601, at most 30 days); the window actually read is returned, rounded out to 5 minutes, and to hours where only rolled-up hours are left. `group`: the X-Ray group (Default). `team` (slug; nested teams included) or `service` (slug) keep those nodes and, as context (`isContext`), their direct neighbours. Nodes carry `perMinute`, `p50Ms`, `p95Ms`, `meanMs`, the fault/error/throttle rates and a `health` (fault, throttle, error, ok, idle).",
          security: [{ sessionCookie: [] }, { bearerToken: [] }],
          parameters: ["window", "from", "to", "team", "service", "group"].map((name) => ({ name, in: "query", required: false, schema: { type: "string" } })),
          responses: {
            "200": ok("The graph.", "ZServiceMapResponseSchema"),
            "400": errorResponse("A parameter is invalid; `details.issues` says which."),
            "401": errorResponse("Not signed in and no API token."),
            "403": errorResponse("The token lacks the read scope."),
            "404": errorResponse("No such team."),
          },
        },
      },
      "/api/servicemap/nodes/{id}": {
        get: {
          operationId: "getServiceMapNode",
          summary: "One service-map node's details: its series over the window, alarms, open incidents, recent deployments, failing and slow traces",
          description: "Takes the same `window`, `from` and `to` as /api/servicemap. Alarms, incidents and deployments are those of the catalog service the node maps to (none for clients and AWS resources).",
          security: [{ sessionCookie: [] }, { bearerToken: [] }],
          parameters: [
            { name: "id", in: "path", required: true, schema: { type: "integer" } },
            ...["window", "from", "to"].map((name) => ({ name, in: "query", required: false, schema: { type: "string" } })),
          ],
          responses: {
            "200": ok("The node's details.", "ZServiceMapNodeResponseSchema"),
            "400": errorResponse("A parameter is invalid; `details.issues` says which."),
            "401": errorResponse("Not signed in and no API token."),
            "403": errorResponse("The token lacks the read scope."),
            "404": errorResponse("No such node."),
          },
        },
      },
      "/api/traces/{id}": {
        get: {
          operationId: "getTrace",
          summary: "One X-Ray trace: its stored summary and the waterfall of its segments and subsegments",
          description:
            "The segments come from X-Ray's BatchGetTraces on demand, cached for a few minutes. `status` is `ok`, `transaction-search` (the account sends spans to CloudWatch Logs with Transaction Search, where BatchGetTraces cannot read them) or `expired` (X-Ray keeps traces 30 days).",
          security: [{ sessionCookie: [] }, { bearerToken: [] }],
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", pattern: "^1-[0-9a-f]{8}-[0-9a-f]{24}$" } }],
          responses: {
            "200": ok("The trace.", "ZTraceResponseSchema"),
            "400": errorResponse("Not an X-Ray trace id."),
            "401": errorResponse("Not signed in and no API token."),
            "403": errorResponse("The token lacks the read scope."),
            "404": errorResponse("No collected trace summary has this id."),
            "502": errorResponse("X-Ray did not answer."),
          },
        },
      },
      "/api/pipelines/{id}/approvals": {
        post: {
          operationId: "answerApproval",
          summary: "Approve or reject a pipeline's waiting manual approval (team maintainers and approvers, admins)",
          description: "Calls CodePipeline's PutApprovalResult with the token current at that moment; the comment becomes the approval's summary. Audited.",
          security: SESSION,
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
          requestBody: jsonBody("ApprovalAnswer"),
          responses: authorized(
            { "200": ok("The answer given.", "ZApprovalAnsweredResponseSchema") },
            { "404": errorResponse("No such pipeline (told only to those who may answer for every team)."), "409": errorResponse("The approval is no longer waiting."), "502": errorResponse("AWS refused or could not be reached; the message says why.") },
          ),
        },
      },
      "/api/alarms": {
        get: {
          operationId: "listAlarms",
          summary: "The alarm board: CloudWatch alarms across accounts and regions, ALARM first, then INSUFFICIENT_DATA, then OK",
          description:
            "Filters: `team` (slug; includes nested teams), `service` (slug), `account` (12 digits), `region`, `state` (alarm, insufficient_data, ok), `severity` (SEV1–SEV4, or none), `q` (alarm, metric or service name); `page` (200 a page). Within a state, by team and service, the newest change first. Each alarm says since when it is in its state and why. `counts` gives the totals by state for the other filters; `dataAsOf` says how fresh the AWS data is (syncs and pushed state changes).",
          security: [{ sessionCookie: [] }, { bearerToken: [] }],
          parameters: ["team", "service", "account", "region", "state", "severity", "q", "page"].map((name) => ({ name, in: "query", required: false, schema: { type: name === "page" ? "integer" : "string" } })),
          responses: {
            "200": ok("A page of the board.", "ZAlarmBoardResponseSchema"),
            "400": errorResponse("A filter is invalid; `details.issues` says which."),
            "401": errorResponse("Not signed in and no API token."),
            "403": errorResponse("The token lacks the read scope."),
          },
        },
      },
      "/api/alarms/{id}/metrics": {
        get: {
          operationId: "getAlarmMetrics",
          summary: "An alarm's metric over a window, with its threshold and the service's production deployments",
          description:
            "Read from CloudWatch GetMetricData on demand (the alarm's metric, or its metric math), at a period that keeps the chart near 300 points and never finer than the alarm's own; cached for a minute per alarm and window, and never more than 50 calls a second per account and region. `window`: 3h, 12h, 24h (default), 3d, 7d. `points` is null for a composite alarm (`status` says why). `deployments` are the production deployments of the alarm's service that finished in the window, to draw as markers.",
          security: [{ sessionCookie: [] }, { bearerToken: [] }],
          parameters: [idParameter, { name: "window", in: "query", required: false, schema: { type: "string", enum: ["3h", "12h", "24h", "3d", "7d"] } }],
          responses: {
            "200": ok("The metric, its threshold and the deployments.", "ZAlarmMetricsResponseSchema"),
            "400": errorResponse("`window` is not one of the windows offered."),
            "401": errorResponse("Not signed in and no API token."),
            "403": errorResponse("The token lacks the read scope."),
            "404": errorResponse("No such alarm."),
            "502": errorResponse("CloudWatch did not answer; the message says why."),
          },
        },
      },
      ...incidentPaths(),
      ...doraPaths(),
      ...postmortemPaths(),
      "/api/health": {
        get: { operationId: "health", summary: "The process is up", responses: { "200": ok("Up.", "ZHealthResponseSchema") } },
      },
      "/api/ready": {
        get: {
          operationId: "ready",
          summary: "The database answers and every migration is applied",
          description:
            "The body lists the migrations applied and pending, and the DORA refresh backlog (doraRefresh: pending writes counted up to 10,000, isPendingCapped, oldestSeconds); a backlog does not make the portal unready.",
          responses: { "200": ok("Ready.", "ZReadyResponseSchema"), "503": ok("Not ready; the body says why.", "ZReadyResponseSchema") },
        },
      },
    }),
  };
}
