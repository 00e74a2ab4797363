/**
 * Per-environment settings. CHANGE THE PLACEHOLDER ACCOUNT IDS before deploying:
 * 111111111111 / 222222222222 (portal accounts) and 333333333333 / 444444444444
 * (member accounts) are dummies that only make offline `cdk synth` possible.
 */
import { EnvName, PortalTarget, PortsideConfig, TARGETS, ENV_NAMES, validateConfig } from '../lib/config';

const REGION = 'us-east-1';
const AZS = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

const common = {
  region: REGION,
  portal: {
    port: 3000,
    healthCheckPath: '/api/health',
    // The portal's own catalog entry (its alarms are tagged with it: portside:service).
    serviceSlug: 'portside',
    // Roles by purpose in member accounts (lib/stacks/member-account-stack.ts).
    memberRoleName: 'PortsideRead',
    memberApprovalRoleName: 'PortsideApprove',
    logRetentionDays: 90,
  },
  events: {
    retryAttempts: 185,
    maxEventAgeHours: 24,
    invocationRateLimitPerSecond: 20,
  },
} as const;

export const ENVIRONMENTS: Record<EnvName, Omit<PortsideConfig, 'portal'> & { portal: Omit<PortsideConfig['portal'], 'target'> }> = {
  dev: {
    envName: 'dev',
    account: '111111111111',
    region: REGION,
    network: { vpcCidr: '10.40.0.0/16', availabilityZones: AZS.slice(0, 2), natGateways: 1, flowLogRetentionDays: 30, interfaceEndpoints: false },
    database: {
      engine: 'postgres-instance',
      databaseName: 'portside',
      username: 'portside',
      instanceType: 't4g.small',
      allocatedStorageGiB: 20,
      maxAllocatedStorageGiB: 100,
      multiAz: false,
      minCapacityAcu: 0.5,
      maxCapacityAcu: 2,
      backupRetentionDays: 7,
      rotationDays: 30,
      removalPolicy: 'snapshot',
    },
    portal: {
      ...common.portal,
      cpu: 1024,
      memoryMiB: 2048,
      minInstances: 1,
      maxInstances: 2,
      maxConcurrency: 80,
      ecsCpuTargetPercent: 60,
      logLevel: 'debug',
      memberExternalId: 'portside-dev-7f3c',
      // oidc: { issuer, clientId, clientSecretName | clientSecretArn, ... } as in prod below.
    },
    events: { ...common.events, memberAccounts: [{ accountId: '333333333333' }] },
    tags: { Project: 'portside', Environment: 'dev' },
  },
  prod: {
    envName: 'prod',
    account: '222222222222',
    region: REGION,
    network: { vpcCidr: '10.41.0.0/16', availabilityZones: AZS, natGateways: 2, flowLogRetentionDays: 365, interfaceEndpoints: true },
    database: {
      engine: 'aurora-serverless-v2',
      databaseName: 'portside',
      username: 'portside',
      instanceType: 'm7g.large',
      allocatedStorageGiB: 50,
      maxAllocatedStorageGiB: 500,
      multiAz: true,
      minCapacityAcu: 0.5,
      maxCapacityAcu: 8,
      backupRetentionDays: 30,
      rotationDays: 30,
      removalPolicy: 'retain',
    },
    portal: {
      ...common.portal,
      cpu: 1024,
      memoryMiB: 2048,
      minInstances: 2,
      maxInstances: 10,
      maxConcurrency: 100,
      ecsCpuTargetPercent: 60,
      logLevel: 'info',
      memberExternalId: 'portside-prod-9d41',
      // Set once DNS is in place, e.g. customDomain: { domainName: 'portal.example.com' }
      // Single sign-on (docs/deployment.md, "Single sign-on"); the client secret stays in Secrets Manager:
      // oidc: {
      //   issuer: 'https://login.example.com/oauth2/default',
      //   clientId: '0oa1b2c3d4e5f6g7h8i9',
      //   clientSecretName: 'portside-prod/oidc', // or clientSecretArn: 'arn:aws:secretsmanager:…:secret:…-AbCdEf'
      //   clientSecretJsonKey: 'clientSecret', // omit when the secret value is the client secret itself
      //   name: 'Okta',
      // },
    },
    events: { ...common.events, memberAccounts: [{ accountId: '444444444444' }] },
    tags: { Project: 'portside', Environment: 'prod' },
  },
};

/** Resolve `-c env=` / `-c target=` (strings, possibly undefined) into a validated config. */
export function resolveConfig(envContext: unknown, targetContext: unknown): PortsideConfig {
  const envName = (envContext ?? 'dev') as EnvName;
  // ECS Express Mode unless asked: App Runner accepts no new customers since 2026-04-30.
  const target = (targetContext ?? 'ecs') as PortalTarget;
  if (!ENV_NAMES.includes(envName)) {
    throw new Error(`Unknown env "${String(envContext)}": use -c env=${ENV_NAMES.join('|')}`);
  }
  if (!TARGETS.includes(target)) {
    throw new Error(`Unknown target "${String(targetContext)}": use -c target=${TARGETS.join('|')}`);
  }
  const base = ENVIRONMENTS[envName];
  return validateConfig({ ...base, portal: { ...base.portal, target } });
}
