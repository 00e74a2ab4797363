import { z } from "zod";
import { TEAM_ROLES, ORG_ROLES } from "@/lib/auth/permissions";
import { TOKEN_SCOPES } from "@/lib/auth/tokens";
import { severityPatternProblem } from "@/lib/alarms/severity";
import { ZHttpUrl, ZIsoTime, ZText } from "@/lib/schemas";

/** Region codes as AWS writes them (us-east-1, eu-central-2, us-gov-west-1, ap-southeast-7). */
const ZRegion = z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/, "is not an AWS region code such as eu-west-1");

// AssumeRole's documented ExternalId: 2–1224 characters of [\w+=,.@:/-].
const ZExternalId = z.string().regex(/^[\w+=,.@:/-]{2,1224}$/, "must be 2–1224 characters of letters, digits and +=,.@:/-");

export const ZAwsAccountSchema = z
  .object({
    accountId: z.string().regex(/^\d{12}$/, "must be the 12-digit account id"),
    name: ZText.trim().min(1, "is required").max(100),
    roleArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)")
      .nullable()
      .optional(),
    /** Absent on an update: keep the stored one (it is never sent back to browsers). */
    externalId: ZExternalId.nullable().optional(),
    regions: z.array(ZRegion).min(1, "name at least one region").max(40).transform((r) => [...new Set(r)].sort()),
    /** The account's alarm naming rule (lib/alarms/severity.ts); absent on an update: keep the stored one; "" or null: none. */
    alarmSeverityPattern: ZText.trim()
      .check((payload) => {
        const problem = payload.value === "" ? null : severityPatternProblem(payload.value);
        if (problem) payload.issues.push({ code: "custom", message: problem, input: payload.value });
      })
      .transform((p) => p || null)
      .nullable()
      .optional(),
  })
  .superRefine((a, ctx) => {
    if (a.roleArn && a.roleArn.split(":")[4] !== a.accountId) {
      ctx.addIssue({ code: "custom", path: ["roleArn"], message: `is in account ${a.roleArn.split(":")[4]}, not ${a.accountId}` });
    }
    // An absent role is the deployment's member role by default (PORTSIDE_MEMBER_ROLE_NAME); null is none.
    if (a.externalId && a.roleArn === null) ctx.addIssue({ code: "custom", path: ["externalId"], message: "only applies with a role to assume" });
  });
export type TAwsAccountInput = z.infer<typeof ZAwsAccountSchema>;

export const ZCreateTokenSchema = z.object({
  name: ZText.trim().min(1, "is required").max(100),
  scopes: z.array(z.enum(TOKEN_SCOPES)).min(1, "pick at least one scope").transform((s) => [...new Set(s)]),
  /** The team the token acts for; absent or null: the whole organisation (admins only). */
  team: ZText.min(1).max(200).nullable().optional(),
  expiresInDays: z.number().int().min(1).max(730).nullable().optional(),
});

export const ZSetOrgRoleSchema = z.object({ orgRole: z.enum(ORG_ROLES) });

export const ZSetMembershipSchema = z.object({
  email: z.email().transform((e) => e.toLowerCase()),
  role: z.enum(TEAM_ROLES),
});

export const ZCatalogUrlSchema = z.object({ url: ZHttpUrl });

// ───────────────────────── responses ─────────────────────────

/** POST /api/tokens: the token, with its secret this once (only its hash is stored). */
export const ZApiTokenCreatedResponseSchema = z.object({
  id: z.int(),
  name: z.string(),
  prefix: z.string().describe("The token's first characters, shown in lists to tell tokens apart."),
  scopes: z.array(z.enum(TOKEN_SCOPES)),
  teamId: z.int().nullable().describe("The team it acts for; null: the whole organisation."),
  expiresAt: ZIsoTime.nullable(),
  token: z.string().describe("The secret (psk_…): shown in this answer only."),
});

/** DELETE /api/tokens/{id}. */
export const ZApiTokenRevokedResponseSchema = z.object({ id: z.int(), name: z.string(), wasRevoked: z.boolean().describe("false: it was revoked already (revoking twice is a no-op).") });

/** POST /api/aws-accounts and PUT /api/aws-accounts/{id}: the external id is never sent back, only whether it is set. */
export const ZAwsAccountResponseSchema = z.object({
  id: z.int(),
  accountId: z.string(),
  name: z.string(),
  roleArn: z.string().nullable(),
  externalId: z.literal("(set)").nullable(),
  regions: z.array(z.string()),
  alarmSeverityPattern: z.string().nullable(),
});

/** DELETE /api/aws-accounts/{id}. */
export const ZAwsAccountDeletedResponseSchema = z.object({ id: z.int(), accountId: z.string(), deleted: z.literal(true) });

/** PATCH /api/users/{id}. */
export const ZOrgRoleSetResponseSchema = z.object({ id: z.int(), email: z.string(), orgRole: z.enum(ORG_ROLES), created: z.boolean(), changed: z.boolean() });

/** PUT /api/teams/{slug}/members. */
export const ZMembershipSetResponseSchema = z.object({
  user: z.object({ id: z.int(), email: z.string(), name: z.string() }),
  role: z.enum(TEAM_ROLES),
  changed: z.boolean(),
});

/** DELETE /api/teams/{slug}/members/{userId}. */
export const ZMembershipRemovedResponseSchema = z.object({ removed: z.literal(true) });

const ZImportCounts = z.object({ created: z.int(), updated: z.int(), unchanged: z.int() });

/** POST /api/catalog/import: what changed (lib/catalog/server/import-catalog.ts). */
export const ZCatalogImportResponseSchema = z.object({
  source: z.string().describe("Where the file came from: upload:<name>, the URL, or the X-Catalog-Source header (default api)."),
  teams: ZImportCounts,
  services: ZImportCounts,
  entities: ZImportCounts,
  mappings: z.object({ created: z.int(), removed: z.int() }),
  pipelines: z.object({ remapped: z.int().describe("Stored pipelines whose service or production stage the import changed.") }),
});
