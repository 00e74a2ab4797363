/**
 * Configuration selection (-c env / -c target), validation, an existing VPC by id,
 * and a check that cdk-nag really fails synthesis on an unacknowledged finding.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ENVIRONMENTS, resolveConfig } from '../bin/environments';
import { OidcConfig, PortsideConfig, validateConfig } from '../lib/config';
import { NetworkStack } from '../lib/stacks/network-stack';
import { CDK_CONTEXT, FIXTURE_IMAGE_DIR, flat, synthesize, withReport } from './helpers';

describe('configuration', () => {
  it('defaults to dev on ECS Express Mode (App Runner takes no new customers since 2026-04-30)', () => {
    const c = resolveConfig(undefined, undefined);
    assert.equal(c.envName, 'dev');
    assert.equal(c.portal.target, 'ecs');
    assert.equal(resolveConfig(undefined, 'apprunner').portal.target, 'apprunner');
  });

  it('wants the member read and approval roles to be two roles, each a valid IAM name', () => {
    const base = resolveConfig('dev', 'ecs');
    const same = { ...base, portal: { ...base.portal, memberApprovalRoleName: base.portal.memberRoleName } };
    assert.throws(() => validateConfig(same), /memberApprovalRoleName must differ from portal.memberRoleName/);
    const invalid = { ...base, portal: { ...base.portal, memberApprovalRoleName: 'not a role' } };
    assert.throws(() => validateConfig(invalid), /memberApprovalRoleName is not a valid IAM role name/);
  });

  it('selects prod and ecs from context values', () => {
    const c = resolveConfig('prod', 'ecs');
    assert.equal(c.envName, 'prod');
    assert.equal(c.portal.target, 'ecs');
    assert.equal(c.account, ENVIRONMENTS.prod.account);
    assert.equal(c.database.engine, 'aurora-serverless-v2');
  });

  it('rejects unknown environments and targets', () => {
    assert.throws(() => resolveConfig('staging', undefined), /Unknown env "staging"/);
    assert.throws(() => resolveConfig('dev', 'lambda'), /Unknown target "lambda"/);
  });

  it('rejects invalid settings', () => {
    const base = resolveConfig('dev', 'apprunner');
    const bad = (patch: Partial<PortsideConfig>) => () => validateConfig({ ...base, ...patch });
    assert.throws(bad({ account: '123' }), /must be 12 digits/);
    assert.throws(bad({ events: { ...base.events, memberAccounts: [{ accountId: base.account }] } }), /is the portal account/);
    assert.throws(bad({ database: { ...base.database, backupRetentionDays: 0 } }), /automated backups/);
    assert.throws(bad({ portal: { ...base.portal, baseUrl: 'http://portal.example.com' } }), /must start with https/);
    assert.throws(bad({ portal: { ...base.portal, minInstances: 3, maxInstances: 2 } }), /minInstances/);
  });

  it('accepts an OIDC configuration with the client secret by ARN or by name', () => {
    const base = resolveConfig('dev', 'apprunner');
    const oidc = { issuer: 'https://login.example.com', clientId: 'portside' };
    const withOidc = (o: OidcConfig) => validateConfig({ ...base, portal: { ...base.portal, oidc: o } });
    assert.doesNotThrow(() => withOidc({ ...oidc, clientSecretName: 'portside-dev/oidc' }));
    assert.doesNotThrow(() =>
      withOidc({
        ...oidc,
        clientSecretArn: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:portside-dev/oidc-AbC123',
        clientSecretJsonKey: 'clientSecret',
        scopes: 'openid email',
        name: 'Okta',
        tokenUrl: 'https://login.example.com/token',
      }),
    );
    // No environment ships with OIDC placeholders: SSO is opt-in.
    for (const env of Object.values(ENVIRONMENTS)) assert.equal(env.portal.oidc, undefined);
  });

  it('rejects incomplete or unsafe OIDC settings with messages that name the field', () => {
    const base = resolveConfig('dev', 'apprunner');
    const ok: OidcConfig = { issuer: 'https://login.example.com', clientId: 'portside', clientSecretName: 'portside-dev/oidc' };
    const bad = (patch: Partial<OidcConfig>) => () => validateConfig({ ...base, portal: { ...base.portal, oidc: { ...ok, ...patch } } });
    assert.throws(bad({ issuer: 'http://login.example.com' }), /portal\.oidc\.issuer "http:\/\/login\.example\.com" must be an https:\/\/ URL/);
    assert.throws(bad({ issuer: 'login.example.com' }), /portal\.oidc\.issuer .* must be an https:\/\/ URL/);
    assert.throws(bad({ issuer: '' }), /portal\.oidc\.issuer is required/);
    assert.throws(bad({ clientId: '' }), /portal\.oidc\.clientId is required with portal\.oidc\.issuer/);
    assert.throws(
      bad({ clientSecretName: undefined }),
      /portal\.oidc\.clientSecretArn or portal\.oidc\.clientSecretName is required with portal\.oidc\.issuer/,
    );
    assert.throws(
      bad({ clientSecretArn: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:x-AbC123' }),
      /either clientSecretArn or clientSecretName, not both/,
    );
    // A partial ARN (no 6-character suffix) would not work on App Runner.
    assert.throws(
      bad({ clientSecretName: undefined, clientSecretArn: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:portside-dev/oidc' }),
      /portal\.oidc\.clientSecretArn .* is not a complete Secrets Manager secret ARN/,
    );
    assert.throws(bad({ clientSecretName: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:x-AbC123' }), /is an ARN: put it in portal\.oidc\.clientSecretArn/);
    assert.throws(bad({ clientSecretName: 'has spaces' }), /clientSecretName "has spaces" is not a valid secret name/);
    assert.throws(bad({ clientSecretJsonKey: 'a:b' }), /clientSecretJsonKey must be a non-empty JSON key/);
    assert.throws(bad({ tokenUrl: 'http://login.example.com/token' }), /portal\.oidc\.tokenUrl .* must be an https:\/\/ URL/);
    assert.throws(bad({ scopes: ' ' }), /portal\.oidc\.scopes must not be empty/);
    // Every problem is reported at once, under the environment's name.
    assert.throws(bad({ issuer: 'http://x', clientId: '' }), (e: Error) => {
      assert.match(e.message, /^Invalid Portside configuration for "dev":/);
      assert.match(e.message, /issuer/);
      assert.match(e.message, /clientId/);
      return true;
    });
  });

  it('every environment uses the same AZs as the cdk.json context (offline synth)', () => {
    for (const env of Object.values(ENVIRONMENTS)) {
      const key = `availability-zones:account=${env.account}:region=${env.region}`;
      const azs = CDK_CONTEXT[key] as string[];
      assert.ok(Array.isArray(azs), `${key} missing from cdk.json`);
      for (const az of env.network.availabilityZones) assert.ok(azs.includes(az), `${az} not in ${key}`);
    }
    assert.equal(CDK_CONTEXT['cli-telemetry'], false);
  });
});

describe('existing VPC by id', () => {
  it('uses the given subnets without creating a VPC or needing a lookup', () => {
    const base = resolveConfig('dev', 'apprunner');
    const config: PortsideConfig = {
      ...base,
      network: {
        ...base.network,
        existingVpc: {
          vpcId: 'vpc-0123456789abcdef0',
          vpcCidrBlock: '10.9.0.0/16',
          availabilityZones: ['us-east-1a', 'us-east-1b'],
          privateSubnetIds: ['subnet-0000000000000000a', 'subnet-0000000000000000b'],
          isolatedSubnetIds: ['subnet-0000000000000000c', 'subnet-0000000000000000d'],
        },
      },
    };
    const app = new App({ context: CDK_CONTEXT });
    const stack = new NetworkStack(app, 'Net', { env: { account: base.account, region: base.region }, config });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::EC2::VPC', 0);
    t.hasResourceProperties('AWS::EC2::SecurityGroup', { VpcId: 'vpc-0123456789abcdef0' });
    assert.deepEqual(stack.vpc.selectSubnets(stack.portalSubnets).subnetIds, ['subnet-0000000000000000a', 'subnet-0000000000000000b']);
    assert.deepEqual(stack.vpc.selectSubnets(stack.databaseSubnets).subnetIds, ['subnet-0000000000000000c', 'subnet-0000000000000000d']);
  });
});

describe('cdk-nag wiring', () => {
  it('an unacknowledged AwsSolutions finding fails synthesis', () => {
    const app = new App({ context: CDK_CONTEXT });
    const stack = new Stack(app, 'Bad', { env: { account: '111111111111', region: 'us-east-1' } });
    new sqs.Queue(stack, 'Queue'); // no DLQ, no TLS enforcement
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    let error: Error | undefined;
    try {
      app.synth();
    } catch (e) {
      error = withReport(e as Error);
    }
    assert.ok(error, 'synthesis should fail');
    assert.match(error.message, /AwsSolutions-SQS3/);
    assert.match(error.message, /AwsSolutions-SQS4/);
  });
});

describe('custom domain (App Runner)', () => {
  it('associates the domain, uses it as the base URL and passes cdk-nag', () => {
    const base = resolveConfig('dev', 'apprunner');
    const config: PortsideConfig = { ...base, portal: { ...base.portal, customDomain: { domainName: 'portal.example.com' } } };
    const s = synthesize(config, { imageDirectory: FIXTURE_IMAGE_DIR });
    assert.equal(s.synthError, undefined, s.synthError?.message);
    const portal = s.template(s.stacks.portal);
    const [association] = Object.values(portal.findResources('Custom::AWS')) as any[];
    assert.match(flat(association.Properties.Create), /associateCustomDomain/);
    assert.match(flat(association.Properties.Create), /portal\.example\.com/);
    assert.match(flat(association.Properties.Delete), /disassociateCustomDomain/);
    const service = Object.values(portal.findResources('AWS::AppRunner::Service'))[0] as any;
    const env = service.Properties.SourceConfiguration.ImageRepository.ImageConfiguration.RuntimeEnvironmentVariables;
    assert.deepEqual(env.find((e: any) => e.Name === 'PORTSIDE_BASE_URL'), { Name: 'PORTSIDE_BASE_URL', Value: 'https://portal.example.com' });
    const dest = Object.values(s.template(s.stacks.events).findResources('AWS::Events::ApiDestination'))[0] as any;
    assert.equal(dest.Properties.InvocationEndpoint, 'https://portal.example.com/api/events/aws');
  });
});
