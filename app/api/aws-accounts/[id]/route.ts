import { withAuth } from "@/lib/auth/server/with-auth";
import { ZAwsAccountSchema } from "@/lib/catalog/schemas";
import { deleteAwsAccount, updateAwsAccount } from "@/lib/catalog/server/manage-aws-accounts";
import { AppError } from "@/lib/errors";
import { jsonResponse, parseJsonBody } from "@/lib/http";

function accountId(raw: string): number {
  if (!/^\d+$/.test(raw)) throw new AppError("NOT_FOUND", `No AWS account with id ${raw}.`);
  return Number(raw);
}

// PUT /api/aws-accounts/{id} – change an account (all fields, as on creation)
export const PUT = withAuth<{ id: string }>(
  async (request, { params, actor, ip, requestId }) => {
    const id = accountId(params.id);
    const input = await parseJsonBody(request, ZAwsAccountSchema);
    const account = await updateAwsAccount(id, input, actor, { ip, requestId });
    return jsonResponse({ ...account, externalId: account.externalId ? "(set)" : null }, { requestId });
  },
  { permission: "account.manage" },
);

// DELETE /api/aws-accounts/{id} – remove an account and what was collected from it
export const DELETE = withAuth<{ id: string }>(
  async (_request, { params, actor, ip, requestId }) => {
    const removed = await deleteAwsAccount(accountId(params.id), actor, { ip, requestId });
    return jsonResponse({ id: removed.id, accountId: removed.accountId, deleted: true }, { requestId });
  },
  { permission: "account.manage" },
);
