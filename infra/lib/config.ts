/**
 * Typed configuration for the Portside infrastructure.
 *
 * Every knob the stacks use lives here. `bin/portside.ts` picks one of the
 * environments below with `-c env=dev|prod` and the hosting target with
 * `-c target=ecs|apprunner` (ECS Express Mode by default); nothing in `lib/`
 * reads environment variables.
 */

export const ENV_NAMES = ['dev', 'prod'] as const;
export type EnvName = (typeof ENV_NAMES)[number];

export const TARGETS = ['ecs', 'apprunner'] as const;
/**
 * Where the portal container runs. ECS Express Mode is the default: App Runner
 * closed to new AWS customers on 2026-04-30, so `apprunner` is only for
 * accounts that already use it.
 */
export type PortalTarget = (typeof TARGETS)[number];

/** Use a VPC that already exists instead of creating one (no lookups: give the ids). */
export interface ExistingVpcConfig {
  readonly vpcId: string;
  readonly vpcCidrBlock: string;
  readonly availabilityZones: string[];
  /** Private subnets with a route to a NAT gateway (portal egress, rotation Lambda). */
  readonly privateSubnetIds: string[];
  /** Subnets without internet access for the database; defaults to `privateSubnetIds`. */
  readonly isolatedSubnetIds?: string[];
  /** Public subnets; only needed by the ECS target (its load balancer is internet-facing; the tasks stay private). */
  readonly publicSubnetIds?: string[];
}

export interface NetworkConfig {
  /** CIDR of the VPC created by the Network stack. */
  readonly vpcCidr: string;
  /** Explicit AZs so that synth needs no lookup. */
  readonly availabilityZones: string[];
  readonly natGateways: number;
  readonly flowLogRetentionDays: number;
  /**
   * Interface endpoints for what the portal's tasks reach at start and at run
   * time inside AWS (ECR, Secrets Manager, CloudWatch Logs, STS), so that this
   * traffic stays off the NAT gateway. Costs an hourly fee per endpoint and AZ.
   * (The S3 gateway endpoint, for ECR's image layers, is free and always made.)
   */
  readonly interfaceEndpoints: boolean;
  readonly existingVpc?: ExistingVpcConfig;
}

export type DatabaseEngine = 'postgres-instance' | 'aurora-serverless-v2';

export interface DatabaseConfig {
  /** `postgres-instance` (RDS for PostgreSQL) or `aurora-serverless-v2` (Aurora PostgreSQL). */
  readonly engine: DatabaseEngine;
  readonly databaseName: string;
  readonly username: string;
  /** RDS instance class, e.g. `t4g.small` (postgres-instance only). */
  readonly instanceType: string;
  readonly allocatedStorageGiB: number;
  readonly maxAllocatedStorageGiB: number;
  /** Standby in a second AZ (postgres-instance) / a reader instance (aurora). */
  readonly multiAz: boolean;
  readonly minCapacityAcu: number;
  readonly maxCapacityAcu: number;
  readonly backupRetentionDays: number;
  readonly rotationDays: number;
  /** What happens to the database when its stack is deleted. Never destroy. */
  readonly removalPolicy: 'retain' | 'snapshot';
}

export interface CustomDomainConfig {
  /** e.g. portal.example.com; DNS records are added by the operator (see docs/deployment.md). */
  readonly domainName: string;
}

/**
 * OpenID Connect single sign-on (optional). Everything here except the client
 * secret becomes a plain environment variable of the portal
 * (`PORTSIDE_OIDC_*`). The client secret never appears in config: the operator
 * creates a Secrets Manager secret and gives its complete ARN or its name.
 */
export interface OidcConfig {
  /** Issuer URL (https), exactly as the IdP's `iss` claim: PORTSIDE_OIDC_ISSUER. */
  readonly issuer: string;
  /** OAuth client id (not a secret): PORTSIDE_OIDC_CLIENT_ID. */
  readonly clientId: string;
  /**
   * Complete ARN of an existing secret with the client secret, including the
   * 6-character suffix (`aws secretsmanager describe-secret --query ARN`).
   * Give this or `clientSecretName`.
   */
  readonly clientSecretArn?: string;
  /** Name of an existing secret in the portal account and region (resolved to its ARN at deploy time). */
  readonly clientSecretName?: string;
  /** Key of the client secret when the secret value is JSON; omit when the value is the client secret itself. */
  readonly clientSecretJsonKey?: string;
  /** Space-separated scopes: PORTSIDE_OIDC_SCOPES (the portal defaults to "openid email profile"). */
  readonly scopes?: string;
  /** Label of the sign-in button: PORTSIDE_OIDC_NAME. */
  readonly name?: string;
  /** Explicit endpoints, only for IdPs whose discovery document is elsewhere or missing. */
  readonly discoveryUrl?: string;
  readonly authorizationUrl?: string;
  readonly tokenUrl?: string;
  readonly userInfoUrl?: string;
}

/** Path of the OIDC redirect URI under the portal's base URL (better-auth provider id `sso`). */
export const OIDC_CALLBACK_PATH = '/api/auth/callback/sso';

export interface PortalConfig {
  readonly target: PortalTarget;
  /** Container port the portal's server (Next's standalone server.js) listens on. */
  readonly port: number;
  /** vCPU units (1024 = 1 vCPU), valid for both App Runner and Fargate. */
  readonly cpu: number;
  /** Memory in MiB. */
  readonly memoryMiB: number;
  readonly minInstances: number;
  readonly maxInstances: number;
  /** App Runner: concurrent requests per instance before scaling out. */
  readonly maxConcurrency: number;
  /** ECS: target average CPU utilisation (percent) for scaling. */
  readonly ecsCpuTargetPercent: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly logRetentionDays: number;
  /** Name of the read role the portal assumes in member accounts (PORTSIDE_MEMBER_ROLE_NAME). */
  readonly memberRoleName: string;
  /**
   * Name of the approval role (codepipeline:PutApprovalResult) the portal
   * assumes to answer manual approvals in member accounts
   * (PORTSIDE_MEMBER_APPROVAL_ROLE_NAME). A member account without it
   * (`approvalRole: false`) cannot be approved from the portal.
   */
  readonly memberApprovalRoleName: string;
  /** External id the member role requires (not a secret; guards against confused deputies). */
  readonly memberExternalId: string;
  /**
   * Public URL of the portal. Optional: when unset it is derived from the custom
   * domain, or (App Runner / ECS default domain) only known after the first deploy.
   */
  readonly baseUrl?: string;
  readonly customDomain?: CustomDomainConfig;
  /** The portal's own entry in its catalog: its alarms carry it as `portside:service`. */
  readonly serviceSlug: string;
  /** Health check path (the app answers 200 as soon as the process is up). */
  readonly healthCheckPath: string;
  /** Single sign-on; without it nobody can sign in to the deployed portal (the dev sign-in is never deployed). */
  readonly oidc?: OidcConfig;
}

export interface MemberAccountConfig {
  readonly accountId: string;
  /** Defaults to the portal region. */
  readonly region?: string;
  /** Create the approval role in this account (default true); false: the portal only reads it. */
  readonly approvalRole?: boolean;
}

export interface EventsConfig {
  /** Accounts allowed to put events on the portal bus (and that get a member stack). */
  readonly memberAccounts: MemberAccountConfig[];
  /** Alternatively/additionally allow every account of this AWS Organization. */
  readonly organizationId?: string;
  readonly retryAttempts: number;
  readonly maxEventAgeHours: number;
  readonly invocationRateLimitPerSecond: number;
}

export interface PortsideConfig {
  readonly envName: EnvName;
  /** Account and region of the portal (12-digit placeholder accounts must be changed). */
  readonly account: string;
  readonly region: string;
  readonly network: NetworkConfig;
  readonly database: DatabaseConfig;
  readonly portal: PortalConfig;
  readonly events: EventsConfig;
  readonly tags: Record<string, string>;
}

/** Prefix for physical names, e.g. `portside-dev`. */
export function namePrefix(config: PortsideConfig): string {
  return `portside-${config.envName}`;
}

/** Name of the portal runtime role (fixed so that member accounts can trust it). */
export function portalRoleName(config: PortsideConfig): string {
  return `${namePrefix(config)}-portal`;
}

/** Name of the event bus that member accounts forward their events to. */
export function portalEventBusName(config: PortsideConfig): string {
  return `${namePrefix(config)}-events`;
}

export function validateConfig(config: PortsideConfig): PortsideConfig {
  const errors: string[] = [];
  const isAccount = (a: string) => /^\d{12}$/.test(a);
  if (!isAccount(config.account)) errors.push(`account "${config.account}" must be 12 digits`);
  if (!ENV_NAMES.includes(config.envName)) errors.push(`envName "${config.envName}" is not one of ${ENV_NAMES.join(', ')}`);
  if (!TARGETS.includes(config.portal.target)) errors.push(`portal.target "${config.portal.target}" is not one of ${TARGETS.join(', ')}`);
  for (const m of config.events.memberAccounts) {
    if (!isAccount(m.accountId)) errors.push(`member account "${m.accountId}" must be 12 digits`);
    if (m.accountId === config.account) errors.push(`member account ${m.accountId} is the portal account`);
  }
  if (config.portal.minInstances < 1 || config.portal.maxInstances < config.portal.minInstances) {
    errors.push('portal: need 1 <= minInstances <= maxInstances');
  }
  if (config.database.backupRetentionDays < 1) errors.push('database.backupRetentionDays must be >= 1 (automated backups are required)');
  if (config.network.availabilityZones.length < 2) errors.push('network.availabilityZones needs at least 2 AZs');
  if (config.portal.baseUrl && !config.portal.baseUrl.startsWith('https://')) errors.push('portal.baseUrl must start with https://');
  if (config.portal.baseUrl?.endsWith('/')) errors.push('portal.baseUrl must not end with /');
  if (!/^[\w+=,.@-]{1,64}$/.test(config.portal.memberRoleName)) errors.push('portal.memberRoleName is not a valid IAM role name');
  if (!/^[\w+=,.@-]{1,64}$/.test(config.portal.memberApprovalRoleName)) errors.push('portal.memberApprovalRoleName is not a valid IAM role name');
  if (config.portal.memberApprovalRoleName === config.portal.memberRoleName) {
    errors.push('portal.memberApprovalRoleName must differ from portal.memberRoleName (one role per purpose)');
  }
  if (config.portal.oidc) errors.push(...validateOidc(config.portal.oidc));
  if (errors.length > 0) {
    throw new Error(`Invalid Portside configuration for "${config.envName}":\n  - ${errors.join('\n  - ')}`);
  }
  return config;
}

const isHttpsUrl = (value: string): boolean => {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname.length > 0;
  } catch {
    return false;
  }
};

/** Complete Secrets Manager ARN: `arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 chars>`. */
const SECRET_COMPLETE_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+-[A-Za-z0-9]{6}$/;
/** Secrets Manager secret names: 1-512 of letters, digits and /_+=.@- */
const SECRET_NAME = /^[\w/+=.@-]{1,512}$/;

function validateOidc(oidc: OidcConfig): string[] {
  const errors: string[] = [];
  const p = 'portal.oidc';
  if (!oidc.issuer) errors.push(`${p}.issuer is required (the https URL of your OpenID provider)`);
  else if (!isHttpsUrl(oidc.issuer)) errors.push(`${p}.issuer "${oidc.issuer}" must be an https:// URL`);
  if (!oidc.clientId?.trim()) errors.push(`${p}.clientId is required with ${p}.issuer`);
  if (oidc.clientSecretArn && oidc.clientSecretName) {
    errors.push(`${p}: give either clientSecretArn or clientSecretName, not both`);
  } else if (!oidc.clientSecretArn && !oidc.clientSecretName) {
    errors.push(
      `${p}.clientSecretArn or ${p}.clientSecretName is required with ${p}.issuer (an existing Secrets Manager secret with the client secret; never the secret value itself)`,
    );
  }
  if (oidc.clientSecretArn && !SECRET_COMPLETE_ARN.test(oidc.clientSecretArn)) {
    errors.push(
      `${p}.clientSecretArn "${oidc.clientSecretArn}" is not a complete Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-AbCdEf; App Runner needs the 6-character suffix: aws secretsmanager describe-secret --secret-id <name> --query ARN)`,
    );
  }
  if (oidc.clientSecretName !== undefined) {
    if (oidc.clientSecretName.startsWith('arn:')) errors.push(`${p}.clientSecretName is an ARN: put it in ${p}.clientSecretArn`);
    else if (!SECRET_NAME.test(oidc.clientSecretName)) errors.push(`${p}.clientSecretName "${oidc.clientSecretName}" is not a valid secret name`);
  }
  if (oidc.clientSecretJsonKey !== undefined && !/^[^:\s]+$/.test(oidc.clientSecretJsonKey)) {
    errors.push(`${p}.clientSecretJsonKey must be a non-empty JSON key without ":" or spaces`);
  }
  if (oidc.scopes !== undefined && !oidc.scopes.trim()) errors.push(`${p}.scopes must not be empty (omit it for "openid email profile")`);
  if (oidc.name !== undefined && !oidc.name.trim()) errors.push(`${p}.name must not be empty (omit it for the default label)`);
  for (const key of ['discoveryUrl', 'authorizationUrl', 'tokenUrl', 'userInfoUrl'] as const) {
    const value = oidc[key];
    if (value !== undefined && !isHttpsUrl(value)) errors.push(`${p}.${key} "${value}" must be an https:// URL`);
  }
  return errors;
}
