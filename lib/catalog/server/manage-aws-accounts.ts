import "server-only";
import { auditData, type TActor, type TAuditOrigin } from "@/lib/audit/server/audit";
import type { TAwsAccountInput } from "@/lib/catalog/schemas";
import { db, Prisma } from "@/lib/db";
import { AppError } from "@/lib/errors";

const SELECT = { id: true, accountId: true, name: true, roleArn: true, externalId: true, regions: true } as const;

/** What the audit log keeps of an account: the external id is a shared secret, so only whether one is set. */
function audited(a: { accountId: string; name: string; roleArn: string | null; externalId: string | null; regions: string[] }) {
  return { accountId: a.accountId, name: a.name, roleArn: a.roleArn, externalId: a.externalId ? "(set)" : null, regions: a.regions };
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

export async function createAwsAccount(input: TAwsAccountInput, actor: TActor, origin?: TAuditOrigin) {
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.awsAccount.create({ data: input, select: SELECT });
      await tx.auditEvent.create({ data: auditData(actor, { action: "account.create", entityType: "AwsAccount", entityId: row.id, after: audited(row) }, origin) });
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("CONFLICT", `Account ${input.accountId} is already registered.`);
    throw error;
  }
}

export async function updateAwsAccount(id: number, input: TAwsAccountInput, actor: TActor, origin?: TAuditOrigin) {
  try {
    return await db.$transaction(async (tx) => {
      const before = await tx.awsAccount.findUnique({ where: { id }, select: SELECT });
      if (!before) throw new AppError("NOT_FOUND", `No AWS account with id ${id}.`);
      // Without a role there is nothing to pass an external id to.
      const row = await tx.awsAccount.update({ where: { id }, data: { ...input, ...(input.roleArn ? {} : { externalId: null }) }, select: SELECT });
      if (JSON.stringify(audited(before)) !== JSON.stringify(audited(row)) || before.externalId !== row.externalId) {
        await tx.auditEvent.create({
          data: auditData(actor, { action: "account.update", entityType: "AwsAccount", entityId: id, before: audited(before), after: audited(row) }, origin),
        });
      }
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("CONFLICT", `Account ${input.accountId} is already registered.`);
    throw error;
  }
}

/** Removes an account and everything collected from it (pipelines, alarms, maps). */
export async function deleteAwsAccount(id: number, actor: TActor, origin?: TAuditOrigin) {
  return db.$transaction(async (tx) => {
    const before = await tx.awsAccount.findUnique({ where: { id }, select: SELECT });
    if (!before) throw new AppError("NOT_FOUND", `No AWS account with id ${id}.`);
    await tx.awsAccount.delete({ where: { id } });
    await tx.auditEvent.create({ data: auditData(actor, { action: "account.delete", entityType: "AwsAccount", entityId: id, before: audited(before) }, origin) });
    return before;
  });
}
