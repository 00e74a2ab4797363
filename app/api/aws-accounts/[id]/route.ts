import { withAuth } from "@/lib/auth/server/with-auth";
import { ZAwsAccountSchema } from "@/lib/catalog/schemas";
import { deleteAwsAccount, updateAwsAccount } from "@/lib/catalog/server/manage-aws-accounts";
import { jsonResponse, parseJsonBody } from "@/lib/http";
import { parsePathId } from "@/lib/schemas";

// PUT /api/aws-accounts/{id} – change an account (as on creation; an absent roleArn, externalId or alarmSeverityPattern is kept)
export const PUT = withAuth<{ id: string }>(
  async (request, { params, actor, ip, requestId }) => {
    const id = parsePathId(params.id);
    const input = await parseJsonBody(request, ZAwsAccountSchema);
    const account = await updateAwsAccount({ id, input, actor, origin: { ip, requestId }, now: new Date() });
    return jsonResponse({ ...account, externalId: account.externalId ? "(set)" : null }, { requestId });
  },
  { permission: "account.manage" },
);

// DELETE /api/aws-accounts/{id} – remove an account and what was collected from it
export const DELETE = withAuth<{ id: string }>(
  async (_request, { params, actor, ip, requestId }) => {
    const removed = await deleteAwsAccount({ id: parsePathId(params.id), actor, origin: { ip, requestId } });
    return jsonResponse({ id: removed.id, accountId: removed.accountId, deleted: true }, { requestId });
  },
  { permission: "account.manage" },
);
