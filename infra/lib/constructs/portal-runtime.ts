import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/** A container environment variable taken from a Secrets Manager secret (one JSON key of it, or the whole value). */
export interface SecretEnv {
  readonly secret: secretsmanager.ISecret;
  /** JSON key inside the secret value; without it the whole secret string is the value. */
  readonly jsonKey?: string;
}

/**
 * Environment variables the deployed portal must never get, from any source.
 * PORTSIDE_DEV_SIGN_IN lets anyone sign in as anyone (the portal also refuses
 * to start with it in production); both service constructs check this.
 */
export const FORBIDDEN_PORTAL_ENV: readonly string[] = ['PORTSIDE_DEV_SIGN_IN'];

/**
 * What the portal container gets, independent of where it runs. Both the App
 * Runner and the ECS construct render exactly this, so the two targets stay
 * equivalent (the tests compare them).
 */
export interface PortalRuntimeSpec {
  /** Image URI (ECR, from the Docker asset). */
  readonly imageUri: string;
  readonly port: number;
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly healthCheckPath: string;
  readonly minInstances: number;
  readonly maxInstances: number;
  /** Plain (non-secret) environment variables. */
  readonly environment: Record<string, string>;
  /** Environment variables resolved from Secrets Manager by the platform at start-up. */
  readonly secrets: Record<string, SecretEnv>;
  /** The role the application code runs as (App Runner instance role / ECS task role). */
  readonly runtimeRole: iam.Role;
}

/**
 * `arn:...:secret:name-AbCdEf:KEY::` — the form both App Runner and ECS accept
 * for one JSON key; the plain secret ARN for the whole value.
 */
export function secretKeyReference(s: SecretEnv): string {
  return s.jsonKey === undefined ? s.secret.secretArn : `${s.secret.secretArn}:${s.jsonKey}::`;
}

/** Throws when a spec would give the portal a forbidden variable (plain or secret). */
export function assertNoForbiddenEnv(spec: PortalRuntimeSpec): void {
  const names = [...Object.keys(spec.environment), ...Object.keys(spec.secrets)];
  const forbidden = names.filter((n) => FORBIDDEN_PORTAL_ENV.includes(n.trim().toUpperCase()));
  if (forbidden.length > 0) {
    throw new Error(`${forbidden.join(', ')} must never be set on the deployed portal (it lets anyone sign in as anyone)`);
  }
}

/** Unique secrets referenced by a spec (for grants). */
export function referencedSecrets(spec: PortalRuntimeSpec): secretsmanager.ISecret[] {
  const seen = new Set<secretsmanager.ISecret>();
  for (const s of Object.values(spec.secrets)) seen.add(s.secret);
  return [...seen];
}
