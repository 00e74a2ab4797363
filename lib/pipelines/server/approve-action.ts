import "server-only";
import type { z } from "zod";
import type { ZApprovalSchema } from "@/lib/pipelines/board";
import { auditData, type TActor, type TAuditOrigin } from "@/lib/audit/server/audit";
import { awsClients, withMemberRole, type TAwsClientFactory } from "@/lib/aws/clients";
import { answerManualApproval } from "@/lib/pipelines/collect/codepipeline-approval";
import type { TStageDeclaration, TStageState } from "@/lib/pipelines/collect/types";
import { db, type Prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

export type TApprovalInput = z.infer<typeof ZApprovalSchema>;

/** The pipeline an approval is for, with the team that owns it (null: no service mapped). */
export async function findPipelineForApproval(id: number) {
  return db.pipeline.findUnique({
    where: { id },
    select: { id: true, name: true, region: true, structure: true, state: true, service: { select: { teamId: true } }, awsAccount: { select: { accountId: true, roleArn: true, externalId: true } } },
  });
}

/**
 * Answers a manual approval in CodePipeline (PutApprovalResult, through the
 * adapter: lib/pipelines/collect/codepipeline.ts). Audited; the stored state
 * shows the answer at once, and the next event or sync confirms it.
 */
export async function approveAction(
  pipeline: NonNullable<Awaited<ReturnType<typeof findPipelineForApproval>>>,
  input: TApprovalInput,
  actor: TActor,
  origin: TAuditOrigin,
  clients: TAwsClientFactory = awsClients(),
) {
  const structure = (pipeline.structure ?? []) as unknown as TStageDeclaration[];
  const declared = structure.find((s) => s.name === input.stage)?.actions.find((a) => a.name === input.action);
  if (!declared || declared.category !== "Approval") {
    throw new AppError("INVALID_INPUT", `${input.stage} / ${input.action} is not a manual approval of ${pipeline.name}.`);
  }
  // In a member account, through its approval role (the read role cannot approve); the home account uses the portal's own.
  const account = withMemberRole(pipeline.awsAccount, env().PORTSIDE_MEMBER_APPROVAL_ROLE_NAME);
  const { executionId } = await answerManualApproval({
    clients,
    account,
    region: pipeline.region,
    answer: { pipelineName: pipeline.name, stage: input.stage, action: input.action, decision: input.decision, comment: input.comment },
  });
  const answeredAt = new Date().toISOString();
  const state = ((pipeline.state ?? []) as unknown as TStageState[]).map((s) =>
    s.name !== input.stage
      ? s
      : { ...s, actions: s.actions.map((a) => (a.name === input.action ? { ...a, status: input.decision === "Approved" ? ("Succeeded" as const) : ("Failed" as const), summary: input.comment, lastStatusChange: answeredAt } : a)) },
  );
  await db.$transaction([
    db.pipeline.update({ where: { id: pipeline.id }, data: { state: state as unknown as Prisma.InputJsonValue } }),
    db.auditEvent.create({
      data: auditData(actor, { action: "pipeline.approval", entityType: "Pipeline", entityId: pipeline.id, after: { stage: input.stage, action: input.action, decision: input.decision, comment: input.comment, executionId } }, origin),
    }),
  ]);
  return { pipelineId: pipeline.id, stage: input.stage, action: input.action, decision: input.decision, executionId: executionId ?? null };
}
