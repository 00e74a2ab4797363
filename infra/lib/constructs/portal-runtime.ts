import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/** A container environment variable taken from one JSON key of a Secrets Manager secret. */
export interface SecretEnv {
  readonly secret: secretsmanager.ISecret;
  readonly jsonKey: string;
}

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

/** `arn:...:secret:name-AbCdEf:KEY::` — the form both App Runner and ECS accept for one JSON key. */
export function secretKeyReference(s: SecretEnv): string {
  return `${s.secret.secretArn}:${s.jsonKey}::`;
}

/** Unique secrets referenced by a spec (for grants). */
export function referencedSecrets(spec: PortalRuntimeSpec): secretsmanager.ISecret[] {
  const seen = new Set<secretsmanager.ISecret>();
  for (const s of Object.values(spec.secrets)) seen.add(s.secret);
  return [...seen];
}
