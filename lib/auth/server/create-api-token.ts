import "server-only";
import type { PrismaClient } from "@/lib/db";
import { generateToken, type TTokenScope } from "@/lib/auth/tokens";

export interface TCreateApiTokenOptions {
  db: Pick<PrismaClient, "apiToken">;
  name: string;
  scopes: TTokenScope[];
  teamId?: number | null;
  createdById?: number | null;
}

/** Creates a token and returns its secret, which is never stored and cannot be shown again. */
export async function createApiToken({ db, name, scopes, teamId = null, createdById = null }: TCreateApiTokenOptions) {
  const { token, hash, prefix } = generateToken();
  const row = await db.apiToken.create({
    data: { name, scopes, tokenHash: hash, prefix, teamId, createdById },
    select: { id: true, name: true, prefix: true, scopes: true },
  });
  return { ...row, token };
}
