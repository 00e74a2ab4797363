import { z } from "zod";
import { TEAM_ROLES, ORG_ROLES } from "@/lib/auth/permissions";
import { TOKEN_SCOPES } from "@/lib/auth/tokens";
import { severityPatternProblem } from "@/lib/alarms/severity";
import { ZHttpUrl, ZText } from "@/lib/schemas";

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
