/**
 * The manual-approval adapter: the CodePipeline calls made as the member
 * account's approval role (PortsideApprove), apart from the collectors' read
 * calls, so that infra's least-privilege test can hold each role to the calls
 * of its own file (infra/test/sdk-calls.test.ts).
 */
import {
  ApprovalAlreadyCompletedException,
  CodePipelineClient,
  GetPipelineStateCommand,
  InvalidApprovalTokenException,
  PutApprovalResultCommand,
} from "@aws-sdk/client-codepipeline";
import { describeAwsError, newSyncStats, type TAwsAccountRef, type TAwsClientFactory } from "@/lib/aws/clients";
import { AppError } from "@/lib/errors";

export interface TApprovalAnswer {
  pipelineName: string;
  stage: string;
  action: string;
  decision: "Approved" | "Rejected";
  comment: string;
}

/**
 * Answers a manual approval (PutApprovalResult) in an account × region,
 * through `account`'s role. The token is read from GetPipelineState at that
 * moment rather than stored: it changes with every execution and only the
 * current one is accepted. Returns the execution the approval belongs to.
 * CONFLICT when the approval is no longer waiting; UPSTREAM when AWS fails.
 */
export async function answerManualApproval({
  clients,
  account,
  region,
  answer,
}: {
  clients: TAwsClientFactory;
  account: TAwsAccountRef;
  region: string;
  answer: TApprovalAnswer;
}): Promise<{ executionId: string | undefined }> {
  const client = clients.create(CodePipelineClient, { account, region, stats: newSyncStats() });
  let token: string | undefined;
  let executionId: string | undefined;
  try {
    const state = await client.send(new GetPipelineStateCommand({ name: answer.pipelineName }));
    const stage = state.stageStates?.find((s) => s.stageName === answer.stage);
    const action = stage?.actionStates?.find((a) => a.actionName === answer.action);
    if (action?.latestExecution?.status === "InProgress") token = action.latestExecution.token;
    executionId = stage?.latestExecution?.pipelineExecutionId;
  } catch (error) {
    throw new AppError("UPSTREAM", `Could not read the pipeline's state from AWS: ${describeAwsError(error)}.`, { cause: error });
  }
  if (!token) throw new AppError("CONFLICT", "This approval is no longer waiting: it was answered, expired or the execution moved on.");
  try {
    await client.send(
      new PutApprovalResultCommand({
        pipelineName: answer.pipelineName,
        stageName: answer.stage,
        actionName: answer.action,
        result: { status: answer.decision, summary: answer.comment },
        token,
      }),
    );
  } catch (error) {
    if (error instanceof ApprovalAlreadyCompletedException || error instanceof InvalidApprovalTokenException) {
      throw new AppError("CONFLICT", "This approval is no longer waiting: someone answered it, or the execution moved on.", { cause: error });
    }
    throw new AppError("UPSTREAM", `AWS refused the approval: ${describeAwsError(error)}.`, { cause: error });
  }
  return { executionId };
}
