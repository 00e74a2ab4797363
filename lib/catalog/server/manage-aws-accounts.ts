import "server-only";
import { rederiveAlarmSeverities } from "@/lib/alarms/server/rederive-alarm-severities";
import { auditData, type TActor, type TAuditOrigin } from "@/lib/audit/server/audit";
import type { TAwsAccountInput } from "@/lib/catalog/schemas";
import { db, Prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError, invalidField } from "@/lib/errors";
import { log } from "@/lib/log";

const SELECT = { id: true, accountId: true, name: true, roleArn: true, externalId: true, regions: true, alarmSeverityPattern: true } as const;

type TAccountRow = { accountId: string; name: string; roleArn: string | null; externalId: string | null; regions: string[]; alarmSeverityPattern: string | null };

/** What the audit log keeps of an account: the external id is a shared secret, so only whether one is set. */
function audited(a: TAccountRow) {
  return { accountId: a.accountId, name: a.name, roleArn: a.roleArn, externalId: a.externalId ? "(set)" : null, regions: a.regions, alarmSeverityPattern: a.alarmSeverityPattern };
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

function externalIdWithoutRole(): AppError {
  return invalidField("externalId", "only applies with a role to assume");
}

/**
 * The deployment's member-account role (the infra's PORTSIDE_MEMBER_ROLE_NAME
 * and PORTSIDE_MEMBER_EXTERNAL_ID): what an account added without a role or
 * an external id gets. The external id itself never leaves the server.
 */
export function memberAccountDefaults(): { roleName: string | null; hasExternalId: boolean } {
  const settings = env();
  return { roleName: settings.PORTSIDE_MEMBER_ROLE_NAME ?? null, hasExternalId: Boolean(settings.PORTSIDE_MEMBER_EXTERNAL_ID) };
}

/** An absent role is the member role in that account (when the deployment names one); an absent external id, the deployment's. */
function withDefaults(input: TAwsAccountInput): { roleArn: string | null; externalId: string | null } {
  const settings = env();
  const roleName = settings.PORTSIDE_MEMBER_ROLE_NAME;
  const roleArn = input.roleArn !== undefined ? input.roleArn : roleName ? `arn:aws:iam::${input.accountId}:role/${roleName}` : null;
  if (input.externalId && !roleArn) throw externalIdWithoutRole();
  const externalId = input.externalId !== undefined ? input.externalId : roleArn ? (settings.PORTSIDE_MEMBER_EXTERNAL_ID ?? null) : null;
  return { roleArn, externalId };
}

export interface TCreateAwsAccountOptions {
  input: TAwsAccountInput;
  actor: TActor;
  origin?: TAuditOrigin;
}

export async function createAwsAccount({ input, actor, origin }: TCreateAwsAccountOptions) {
  const access = withDefaults(input);
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.awsAccount.create({ data: { ...input, ...access, alarmSeverityPattern: input.alarmSeverityPattern ?? null }, select: SELECT });
      await tx.auditEvent.create({ data: auditData(actor, { action: "account.create", entityType: "AwsAccount", entityId: row.id, after: audited(row) }, origin) });
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("CONFLICT", `Account ${input.accountId} is already registered.`);
    throw error;
  }
}

export interface TUpdateAwsAccountOptions {
  id: number;
  /** Absent role, external id or naming rule: the stored one stands. */
  input: TAwsAccountInput;
  actor: TActor;
  origin?: TAuditOrigin;
  /** When the change is made (the time of the incidents a changed naming rule opens). */
  now: Date;
}

/**
 * Changes an account. A changed alarm naming rule re-derives the severity of
 * the account's stored alarms at once, and the incidents that follow
 * (lib/alarms/server/rederive-alarm-severities.ts); should that step fail,
 * the account stands as changed and the next sync applies the rule.
 */
export async function updateAwsAccount({ id, input, actor, origin, now }: TUpdateAwsAccountOptions) {
  let row;
  let isPatternChanged = false;
  try {
    row = await db.$transaction(async (tx) => {
      const before = await tx.awsAccount.findUnique({ where: { id }, select: SELECT });
      if (!before) throw new AppError("NOT_FOUND", `No AWS account with id ${id}.`);
      const roleArn = input.roleArn !== undefined ? input.roleArn : before.roleArn;
      if (input.externalId && !roleArn) throw externalIdWithoutRole();
      // Without a role there is nothing to pass an external id to.
      const updated = await tx.awsAccount.update({ where: { id }, data: { ...input, roleArn, ...(roleArn ? {} : { externalId: null }) }, select: SELECT });
      isPatternChanged = before.alarmSeverityPattern !== updated.alarmSeverityPattern;
      if (JSON.stringify(audited(before)) !== JSON.stringify(audited(updated)) || before.externalId !== updated.externalId) {
        await tx.auditEvent.create({
          data: auditData(actor, { action: "account.update", entityType: "AwsAccount", entityId: id, before: audited(before), after: audited(updated) }, origin),
        });
      }
      return updated;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("CONFLICT", `Account ${input.accountId} is already registered.`);
    throw error;
  }
  if (isPatternChanged) {
    try {
      await rederiveAlarmSeverities({ awsAccountId: id, now });
    } catch (error) {
      log.error({ err: error, awsAccountId: id }, "account saved, but its alarms' severities could not be re-derived yet; the next sync applies the naming rule");
    }
  }
  return row;
}

export interface TDeleteAwsAccountOptions {
  id: number;
  actor: TActor;
  origin?: TAuditOrigin;
}

/** Removes an account and everything collected from it (pipelines, alarms, maps). */
export async function deleteAwsAccount({ id, actor, origin }: TDeleteAwsAccountOptions) {
  return db.$transaction(async (tx) => {
    const before = await tx.awsAccount.findUnique({ where: { id }, select: SELECT });
    if (!before) throw new AppError("NOT_FOUND", `No AWS account with id ${id}.`);
    await tx.awsAccount.delete({ where: { id } });
    await tx.auditEvent.create({ data: auditData(actor, { action: "account.delete", entityType: "AwsAccount", entityId: id, before: audited(before) }, origin) });
    return before;
  });
}
