import { withAuth } from "@/lib/auth/server/with-auth";
import { ZAwsAccountSchema } from "@/lib/catalog/schemas";
import { createAwsAccount } from "@/lib/catalog/server/manage-aws-accounts";
import { jsonResponse, parseJsonBody } from "@/lib/http";

// POST /api/aws-accounts – register an AWS account to collect from (no roleArn / externalId: the deployment's member role)
export const POST = withAuth(
  async (request, { actor, ip, requestId }) => {
    const input = await parseJsonBody(request, ZAwsAccountSchema);
    const account = await createAwsAccount({ input, actor, origin: { ip, requestId } });
    return jsonResponse({ ...account, externalId: account.externalId ? "(set)" : null }, { status: 201, requestId });
  },
  { permission: "account.manage" },
);
