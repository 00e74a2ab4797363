/**
 * The database password from Secrets Manager (the AWS deployment's
 * PORTSIDE_DB_SECRET_ARN): the secret RDS generates and rotates, a JSON
 * document with `username` and `password`. SDK types stop here.
 */
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { awsClients, newSyncStats, type TAwsClientFactory } from "@/lib/aws/clients";

/** The stage a rotation moves to once the database has the new password (AWSCURRENT), and the one it writes first. */
export type TSecretStage = "AWSCURRENT" | "AWSPENDING";

/** `arn:aws:secretsmanager:<region>:<account>:secret:<name>` → region and account, for the client. */
export function parseSecretArn(secretArn: string): { region: string; accountId: string } {
  const [arn, , service, region, accountId] = secretArn.split(":");
  if (arn !== "arn" || service !== "secretsmanager" || !region || !accountId) throw new Error(`not a Secrets Manager secret ARN: ${secretArn}`);
  return { region, accountId };
}

export interface TReadSecretPasswordOptions {
  secretArn: string;
  stage: TSecretStage;
  clients?: TAwsClientFactory;
}

/**
 * The `password` of one stage of the secret; null when that stage does not
 * exist (AWSPENDING outside a rotation). The portal's own account, so the
 * default credential chain (the task role).
 */
export async function readSecretPassword({ secretArn, stage, clients = awsClients() }: TReadSecretPasswordOptions): Promise<string | null> {
  const { region, accountId } = parseSecretArn(secretArn);
  const client = clients.create(SecretsManagerClient, { account: { accountId, roleArn: null, externalId: null }, region, stats: newSyncStats() });
  let secretString: string | undefined;
  try {
    ({ SecretString: secretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn, VersionStage: stage })));
  } catch (error) {
    if (error instanceof ResourceNotFoundException && stage === "AWSPENDING") return null;
    throw error;
  } finally {
    client.destroy();
  }
  const password = secretString ? (JSON.parse(secretString) as { password?: unknown }).password : undefined;
  if (typeof password !== "string" || password.length === 0) throw new Error(`the secret ${secretArn} (${stage}) has no "password"`);
  return password;
}
