/** Pipelines and AWS accounts for integration tests, each with unique names. */
import { db } from "@/lib/db";
import { uniqueSlug } from "@/lib/testing/fixtures";

/** A 12-digit AWS account id, different each call (in practice). */
export function randomAccountId(): string {
  return String(Math.floor(1e11 + Math.random() * 9e11));
}

/**
 * A pipeline of a new service of `teamId`, in a new account, whose Production stage has a manual approval
 * action (Approve). Mock CodePipeline's GetPipelineState to make it wait.
 */
export async function makeWaitingApproval({ teamId, name = "approve-me" }: { teamId: number; name?: string }): Promise<number> {
  const service = await db.service.create({ data: { slug: uniqueSlug("svc"), name: "Approvals", teamId } });
  const accountId = randomAccountId();
  const account = await db.awsAccount.create({ data: { accountId, name: "approvals", regions: ["eu-west-1"] } });
  const pipeline = await db.pipeline.create({
    data: {
      awsAccountId: account.id,
      region: "eu-west-1",
      name,
      arn: `arn:aws:codepipeline:eu-west-1:${accountId}:${name}`,
      serviceId: service.id,
      structure: [{ name: "Production", actions: [{ name: "Approve", category: "Approval", provider: "Manual", runOrder: 1 }] }],
    },
  });
  return pipeline.id;
}
