/**
 * Sign-in: OIDC settings from config (plain variables + the operator's client
 * secret), on both targets, and the guard that keeps PORTSIDE_DEV_SIGN_IN out
 * of every deployed portal.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { PortsideConfig } from '../lib/config';
import { AppRunnerPortal } from '../lib/constructs/apprunner-portal';
import { EcsExpressPortal } from '../lib/constructs/ecs-express-portal';
import { PortalRuntimeSpec, assertNoForbiddenEnv } from '../lib/constructs/portal-runtime';
import {
  CDK_CONTEXT,
  FIXTURE_IMAGE_DIR,
  Synthesized,
  actionsOf,
  allStatements,
  appRunnerEnv,
  configFor,
  ecsEnv,
  flat,
  secretReaders,
  synthesize,
} from './helpers';

const CLIENT_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:portside-dev/oidc-AbC123';

/** dev on App Runner with a known base URL and every OIDC option, client secret by ARN and JSON key. */
function withArn(): PortsideConfig {
  const base = configFor('dev', 'apprunner');
  return {
    ...base,
    portal: {
      ...base.portal,
      baseUrl: 'https://portal.example.com',
      oidc: {
        issuer: 'https://login.example.com/oauth2/default',
        clientId: '0oa1b2c3d4',
        clientSecretArn: CLIENT_SECRET_ARN,
        clientSecretJsonKey: 'clientSecret',
        scopes: 'openid email profile groups',
        name: 'Okta',
        discoveryUrl: 'https://login.example.com/oauth2/default/.well-known/openid-configuration',
        authorizationUrl: 'https://login.example.com/oauth2/default/v1/authorize',
        tokenUrl: 'https://login.example.com/oauth2/default/v1/token',
        userInfoUrl: 'https://login.example.com/oauth2/default/v1/userinfo',
      },
    },
  };
}

/** prod on ECS, no base URL yet, only the required OIDC fields, client secret by name (whole value). */
function withName(): PortsideConfig {
  const base = configFor('prod', 'ecs');
  return {
    ...base,
    portal: {
      ...base.portal,
      oidc: { issuer: 'https://sso.example.org', clientId: 'portside', clientSecretName: 'portside-prod/oidc' },
    },
  };
}

let arn: Synthesized;
let arnPortal: Template;
let named: Synthesized;
let namedPortal: Template;

before(() => {
  arn = synthesize(withArn(), { imageDirectory: FIXTURE_IMAGE_DIR });
  named = synthesize(withName(), { imageDirectory: FIXTURE_IMAGE_DIR });
  arnPortal = arn.template(arn.stacks.portal);
  namedPortal = named.template(named.stacks.portal);
});

describe('OIDC, client secret by ARN (App Runner)', () => {
  it('synthesizes with no unacknowledged cdk-nag findings', () => {
    assert.equal(arn.synthError, undefined, arn.synthError?.message);
  });

  it('passes issuer, client id, scopes, name and endpoints as plain variables', () => {
    const { plain } = appRunnerEnv(arnPortal);
    const oidc = Object.fromEntries(Object.entries(plain).filter(([k]) => k.startsWith('PORTSIDE_OIDC_')));
    assert.deepEqual(oidc, {
      PORTSIDE_OIDC_ISSUER: 'https://login.example.com/oauth2/default',
      PORTSIDE_OIDC_CLIENT_ID: '0oa1b2c3d4',
      PORTSIDE_OIDC_SCOPES: 'openid email profile groups',
      PORTSIDE_OIDC_NAME: 'Okta',
      PORTSIDE_OIDC_DISCOVERY_URL: 'https://login.example.com/oauth2/default/.well-known/openid-configuration',
      PORTSIDE_OIDC_AUTHORIZATION_URL: 'https://login.example.com/oauth2/default/v1/authorize',
      PORTSIDE_OIDC_TOKEN_URL: 'https://login.example.com/oauth2/default/v1/token',
      PORTSIDE_OIDC_USERINFO_URL: 'https://login.example.com/oauth2/default/v1/userinfo',
    });
    assert.equal(plain.PORTSIDE_BASE_URL, 'https://portal.example.com');
  });

  it('injects the client secret from the given secret and key, never as a plain value', () => {
    const { plain, secrets } = appRunnerEnv(arnPortal);
    assert.equal(secrets.PORTSIDE_OIDC_CLIENT_SECRET, JSON.stringify(`${CLIENT_SECRET_ARN}:clientSecret::`));
    assert.ok(!('PORTSIDE_OIDC_CLIENT_SECRET' in plain));
    assert.match(secrets.PORTSIDE_AUTH_SECRET, /AuthSecret.*:secret::/);
    // The operator's secret is referenced, not created or looked up.
    arnPortal.resourceCountIs('Custom::AWS', 0);
    assert.doesNotMatch(flat(arnPortal.findResources('AWS::SecretsManager::Secret')), /oidc/i);
  });

  it('lets only the instance role read the client secret and the auth secret, by exact ARN', () => {
    assert.deepEqual(secretReaders(arnPortal, new RegExp(CLIENT_SECRET_ARN)), ['RuntimeRoleFD8790A4']);
    assert.deepEqual(secretReaders(arnPortal, /AuthSecret/), ['RuntimeRoleFD8790A4']);
    // Granted on the exact ARN (no wildcard), with read actions only.
    const grants = allStatements(arnPortal).filter(({ statement }) => flat(statement.Resource).includes('portside-dev/oidc'));
    assert.ok(grants.length > 0);
    for (const { statement } of grants) {
      const resources = [statement.Resource].flat().filter((r) => flat(r).includes('portside-dev/oidc'));
      assert.deepEqual(resources, [CLIENT_SECRET_ARN]);
      assert.deepEqual([...actionsOf(statement)].sort(), ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
    }
  });

  it('outputs the callback URL to register at the IdP', () => {
    assert.deepEqual(arnPortal.toJSON().Outputs.OidcCallbackUrl, {
      Description: 'Redirect (callback) URL to register at the OpenID provider',
      Value: 'https://portal.example.com/api/auth/callback/sso',
    });
  });

  it('never sets PORTSIDE_DEV_SIGN_IN', () => {
    const stacks = [arn.stacks.network, arn.stacks.database, arn.stacks.portal, arn.stacks.events, ...arn.stacks.members];
    for (const stack of stacks) assert.doesNotMatch(JSON.stringify(arn.template(stack).toJSON()), /DEV_SIGN_IN/, stack.stackName);
  });
});

describe('OIDC, client secret by name (ECS, prod)', () => {
  it('synthesizes with no unacknowledged cdk-nag findings', () => {
    assert.equal(named.synthError, undefined, named.synthError?.message);
  });

  it('passes only the given settings, leaving the defaults to the portal', () => {
    const { plain } = ecsEnv(namedPortal);
    const oidc = Object.fromEntries(Object.entries(plain).filter(([k]) => k.startsWith('PORTSIDE_OIDC_')));
    assert.deepEqual(oidc, { PORTSIDE_OIDC_ISSUER: 'https://sso.example.org', PORTSIDE_OIDC_CLIENT_ID: 'portside' });
  });

  it('resolves the name to the complete ARN at deploy time, with a lookup that can only describe that secret', () => {
    const lookups = Object.entries(namedPortal.findResources('Custom::AWS'));
    assert.equal(lookups.length, 1);
    const [lookupId, lookup] = lookups[0] as [string, any];
    const call = JSON.parse(lookup.Properties.Create);
    assert.equal(call.action, 'describeSecret');
    assert.deepEqual(call.parameters, { SecretId: 'portside-prod/oidc' });
    assert.deepEqual(call.outputPaths, ['ARN']);
    assert.deepEqual(JSON.parse(lookup.Properties.Update), call);
    const lookupGrants = allStatements(namedPortal).filter(({ logicalId }) => logicalId.startsWith('OidcClientSecretLookup'));
    assert.deepEqual(
      lookupGrants.map(({ statement }) => [statement.Action, statement.Resource]),
      [['secretsmanager:DescribeSecret', 'arn:aws:secretsmanager:us-east-1:222222222222:secret:portside-prod/oidc-??????']],
    );
    // The whole secret value is the client secret (no JSON key given).
    const { secrets } = ecsEnv(namedPortal);
    assert.equal(secrets.PORTSIDE_OIDC_CLIENT_SECRET, JSON.stringify({ 'Fn::GetAtt': [lookupId, 'ARN'] }));
  });

  it('lets only the execution role read the client secret and the auth secret', () => {
    const service = Object.values(namedPortal.findResources('AWS::ECS::ExpressGatewayService'))[0] as any;
    const execRoleId = service.Properties.ExecutionRoleArn['Fn::GetAtt'][0];
    assert.deepEqual(secretReaders(namedPortal, /OidcClientSecretLookup/), [execRoleId]);
    assert.deepEqual(secretReaders(namedPortal, /AuthSecret/), [execRoleId]);
  });

  it('has no callback output while the base URL is unknown, and says so', () => {
    assert.equal(namedPortal.toJSON().Outputs.OidcCallbackUrl, undefined);
    const warnings = named.stacks.portal.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data));
    assert.ok(warnings.some((w) => /portal\.oidc is set but the base URL is not known/.test(w)), warnings.join('\n'));
  });

  it('never sets PORTSIDE_DEV_SIGN_IN', () => {
    const stacks = [named.stacks.network, named.stacks.database, named.stacks.portal, named.stacks.events, ...named.stacks.members];
    for (const stack of stacks) assert.doesNotMatch(JSON.stringify(named.template(stack).toJSON()), /DEV_SIGN_IN/, stack.stackName);
  });
});

describe('PORTSIDE_DEV_SIGN_IN guard', () => {
  function spec(scope: Construct, environment: Record<string, string>): PortalRuntimeSpec {
    return {
      imageUri: 'example.invalid/portside:latest',
      port: 3000,
      cpu: 1024,
      memoryMiB: 2048,
      healthCheckPath: '/api/health',
      minInstances: 1,
      maxInstances: 1,
      environment,
      secrets: {},
      runtimeRole: new iam.Role(scope, 'Role', { assumedBy: new iam.ServicePrincipal('tasks.apprunner.amazonaws.com') }),
    };
  }

  it('rejects it as a plain variable or a secret, in any case', () => {
    const stack = new Stack(new App({ context: CDK_CONTEXT }), 'Guard');
    const ok = spec(stack, { PORTSIDE_OIDC_ISSUER: 'https://sso.example.org' });
    assert.doesNotThrow(() => assertNoForbiddenEnv(ok));
    assert.throws(() => assertNoForbiddenEnv({ ...ok, environment: { PORTSIDE_DEV_SIGN_IN: '0' } }), /PORTSIDE_DEV_SIGN_IN must never be set/);
    assert.throws(() => assertNoForbiddenEnv({ ...ok, environment: { portside_dev_sign_in: 'true' } }), /must never be set/);
    assert.throws(
      () => assertNoForbiddenEnv({ ...ok, secrets: { PORTSIDE_DEV_SIGN_IN: { secret: undefined as never, jsonKey: 'x' } } }),
      /must never be set/,
    );
  });

  it('both service constructs refuse a spec that sets it', () => {
    const app = new App({ context: CDK_CONTEXT });
    const stack = new Stack(app, 'Guarded', { env: { account: '111111111111', region: 'us-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const securityGroup = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    const imageAsset = new ecrAssets.DockerImageAsset(stack, 'Image', { directory: FIXTURE_IMAGE_DIR });
    const bad = spec(stack, { PORTSIDE_DEV_SIGN_IN: '1' });
    const common = { serviceName: 'guard', spec: bad, imageAsset, vpc, securityGroup };
    assert.throws(
      () => new AppRunnerPortal(stack, 'AppRunner', { ...common, subnets: { subnetType: ec2.SubnetType.PUBLIC }, maxConcurrency: 10 }),
      /PORTSIDE_DEV_SIGN_IN must never be set/,
    );
    assert.throws(
      () => new EcsExpressPortal(stack, 'Ecs', { ...common, taskSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, loadBalancerSubnets: { subnetType: ec2.SubnetType.PUBLIC }, cpuTargetPercent: 60, logRetentionDays: 30 }),
      /PORTSIDE_DEV_SIGN_IN must never be set/,
    );
  });
});
