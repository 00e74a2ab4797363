/**
 * dev environment, default target (App Runner): the whole app synthesized once.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as fs from 'fs';
import * as path from 'path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  Synthesized,
  actionsOf,
  acknowledgements,
  allStatements,
  appRunnerEnv,
  configFor,
  dockerImageAssets,
  flat,
  onlyLogicalId,
  roleStatements,
  secretReaders,
  synthesize,
} from './helpers';
import { ALLOWED_WRITES, PORTAL_ROLE_ACTIONS, READ_ACTION } from './policy-rules';

let s: Synthesized;
let portal: Template;
let network: Template;

before(() => {
  s = synthesize(configFor('dev', 'apprunner'));
  portal = s.template(s.stacks.portal);
  network = s.template(s.stacks.network);
});

describe('cdk-nag (AwsSolutions)', () => {
  it('synthesizes with no unacknowledged findings', () => {
    assert.equal(s.synthError, undefined, s.synthError?.message);
  });

  it('every acknowledgement names a rule and gives a specific reason', () => {
    // CDK itself acknowledges some of its built-in CloudFormation-Validate rules; ours are cdk-nag's.
    const acks = acknowledgements(s.app).filter((a) => !a.id.startsWith('CloudFormation-Validate::'));
    assert.ok(acks.length > 0, 'expected some acknowledgements');
    for (const a of acks) {
      assert.match(a.id, /^AwsSolutions::AwsSolutions-[A-Z0-9]+(\[.+\])?$/, `${a.path}: ${a.id}`);
      assert.ok(a.reason.length >= 40, `${a.path} ${a.id}: reason too short: "${a.reason}"`);
    }
    // Wildcard acknowledgements are always narrowed to specific findings.
    assert.ok(!acks.some((a) => a.id === 'AwsSolutions::AwsSolutions-IAM5'), 'IAM5 must be acknowledged per finding');
  });
});

describe('App Runner service', () => {
  it('runs the image built from the repository Dockerfile', () => {
    const images = dockerImageAssets(s, s.stacks.portal);
    assert.equal(images.length, 1);
    const [image] = images;
    assert.equal(image.source.dockerFile ?? 'Dockerfile', 'Dockerfile');
    assert.equal(image.source.platform, 'linux/amd64');
    // Staged copy of the repository root: has the Dockerfile and the app, not infra/.
    const staged = path.join(s.app.synth().directory, image.source.directory);
    assert.ok(fs.existsSync(path.join(staged, 'Dockerfile')));
    assert.ok(!fs.existsSync(path.join(staged, 'infra')), 'infra/ must not be in the build context');
    assert.ok(!fs.existsSync(path.join(staged, 'node_modules')), 'node_modules must not be in the build context');
    const tag = Object.values(image.destinations as Record<string, any>)[0].imageTag;
    const service = Object.values(portal.findResources('AWS::AppRunner::Service'))[0] as any;
    const repo = service.Properties.SourceConfiguration.ImageRepository;
    assert.equal(repo.ImageRepositoryType, 'ECR');
    assert.match(flat(repo.ImageIdentifier), new RegExp(`container-assets-111111111111-us-east-1:${tag}`));
    assert.equal(service.Properties.SourceConfiguration.AutoDeploymentsEnabled, false);
    assert.equal(repo.ImageConfiguration.Port, '3000');
  });

  it('the image asset is the repository root without infra/', () => {
    const { IMAGE_EXCLUDES, REPO_ROOT } = require('../lib/constructs/portal-image');
    assert.equal(path.resolve(REPO_ROOT), path.resolve(__dirname, '..', '..'));
    assert.ok(IMAGE_EXCLUDES.includes('infra'));
    assert.ok(IMAGE_EXCLUDES.includes('node_modules'));
  });

  it('egresses through a VPC connector in the private subnets with the portal security group', () => {
    const connectorId = onlyLogicalId(portal, 'AWS::AppRunner::VpcConnector');
    const connector = portal.toJSON().Resources[connectorId].Properties;
    assert.equal(connector.Subnets.length, 2);
    assert.match(flat(connector.Subnets), /privateSubnet/);
    assert.doesNotMatch(flat(connector.Subnets), /publicSubnet|databaseSubnet/);
    assert.match(flat(connector.SecurityGroups), /PortalSecurityGroup/);
    portal.hasResourceProperties('AWS::AppRunner::Service', {
      NetworkConfiguration: {
        EgressConfiguration: { EgressType: 'VPC', VpcConnectorArn: { 'Fn::GetAtt': [connectorId, 'VpcConnectorArn'] } },
      },
    });
  });

  it('checks /api/health over HTTP', () => {
    portal.hasResourceProperties('AWS::AppRunner::Service', {
      HealthCheckConfiguration: Match.objectLike({ Protocol: 'HTTP', Path: '/api/health' }),
    });
  });

  it('scales with its own auto scaling configuration', () => {
    const id = onlyLogicalId(portal, 'AWS::AppRunner::AutoScalingConfiguration');
    portal.hasResourceProperties('AWS::AppRunner::AutoScalingConfiguration', {
      MinSize: s.config.portal.minInstances,
      MaxSize: s.config.portal.maxInstances,
      MaxConcurrency: s.config.portal.maxConcurrency,
    });
    portal.hasResourceProperties('AWS::AppRunner::Service', {
      AutoScalingConfigurationArn: { 'Fn::GetAtt': [id, 'AutoScalingConfigurationArn'] },
      InstanceConfiguration: Match.objectLike({ Cpu: '1024', Memory: '2048' }),
    });
  });

  it('traces with X-Ray through an observability configuration', () => {
    const id = onlyLogicalId(portal, 'AWS::AppRunner::ObservabilityConfiguration');
    portal.hasResourceProperties('AWS::AppRunner::ObservabilityConfiguration', { TraceConfiguration: { Vendor: 'AWSXRAY' } });
    portal.hasResourceProperties('AWS::AppRunner::Service', {
      ObservabilityConfiguration: { ObservabilityEnabled: true, ObservabilityConfigurationArn: { 'Fn::GetAtt': [id, 'ObservabilityConfigurationArn'] } },
    });
  });

  it('injects database and application secrets from Secrets Manager, never as plain values', () => {
    const service = Object.values(portal.findResources('AWS::AppRunner::Service'))[0] as any;
    const cfg = service.Properties.SourceConfiguration.ImageRepository.ImageConfiguration;
    const secrets = Object.fromEntries(cfg.RuntimeEnvironmentSecrets.map((e: any) => [e.Name, flat(e.Value)]));
    // No OIDC in the dev config: no client secret and no PORTSIDE_OIDC_* at all.
    // No PGPASSWORD: the app reads the rotating password itself (PORTSIDE_DB_SECRET_ARN).
    assert.deepEqual(Object.keys(secrets).sort(), ['PGUSER', 'PORTSIDE_API_TOKEN', 'PORTSIDE_AUTH_SECRET']);
    assert.match(secrets.PGUSER, /Portside-dev-Database.*:username::/);
    assert.match(secrets.PORTSIDE_AUTH_SECRET, /AuthSecret.*:secret::/);
    assert.match(secrets.PORTSIDE_API_TOKEN, /ApiTokenSecret.*:token::/);
    const plain = Object.fromEntries(cfg.RuntimeEnvironmentVariables.map((e: any) => [e.Name, e.Value]));
    // A secret's ARN names it and is no secret; anything else secret-like must not be plain.
    for (const name of Object.keys(plain).filter((n) => !n.endsWith('_SECRET_ARN'))) assert.doesNotMatch(name, /PASSWORD|SECRET|TOKEN|DATABASE_URL|OIDC/);
    assert.match(flat(plain.PORTSIDE_DB_SECRET_ARN), /Portside-dev-Database/);
    assert.equal(plain.PGDATABASE, 'portside');
    assert.equal(plain.PGPORT, '5432');
    assert.match(flat(plain.PGHOST), /Portside-dev-Database/);
    assert.equal(plain.PORTSIDE_MEMBER_ROLE_NAME, 'PortsideRead');
    assert.equal(plain.PORTSIDE_MEMBER_APPROVAL_ROLE_NAME, 'PortsideApprove');
    assert.equal(plain.PORT, '3000');
    // Next's standalone server.js listens on HOSTNAME: every address, so that the load balancer and the health check reach it.
    assert.equal(plain.HOSTNAME, '0.0.0.0');
    assert.equal(plain.PGSSLMODE, 'verify-full');
  });

  it('the instance role may read exactly the injected secrets', () => {
    const roleId = 'RuntimeRoleFD8790A4';
    const reads = roleStatements(portal, roleId).filter((st) => actionsOf(st).includes('secretsmanager:GetSecretValue'));
    const resources = flat(reads.map((r) => r.Resource));
    assert.match(resources, /AuthSecret/);
    assert.match(resources, /ApiTokenSecret/);
    assert.match(resources, /Portside-dev-Database/);
    assert.doesNotMatch(resources, /AppSecret/);
  });

  it('generates PORTSIDE_AUTH_SECRET and lets only the instance role read it', () => {
    portal.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'portside-dev/auth',
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'secret', SecretStringTemplate: '{}', ExcludePunctuation: true, IncludeSpace: false }),
    });
    const [auth] = Object.values(portal.findResources('AWS::SecretsManager::Secret', { Properties: { Name: 'portside-dev/auth' } })) as any[];
    assert.ok(auth.Properties.GenerateSecretString.PasswordLength >= 48);
    assert.equal(auth.Properties.SecretString, undefined, 'never a literal value in the template');
    assert.deepEqual(secretReaders(portal, /AuthSecret/), ['RuntimeRoleFD8790A4']);
    // Rotation is the operator's (README), acknowledged with its own reason.
    const ack = acknowledgements(s.stacks.portal).find((a) => a.path.endsWith('/AuthSecret') && a.id.includes('SMG4'));
    assert.match(ack?.reason ?? '', /signs everyone out/);
  });

  it('has no OIDC callback output without a base URL, and no OIDC lookup', () => {
    assert.equal(portal.toJSON().Outputs.OidcCallbackUrl, undefined);
    assert.ok(portal.toJSON().Outputs.AuthSecretArn);
    portal.resourceCountIs('Custom::AWS', 0);
  });

  it('never sets PORTSIDE_DEV_SIGN_IN, in any stack', () => {
    const { plain, secrets } = appRunnerEnv(portal);
    assert.ok(!('PORTSIDE_DEV_SIGN_IN' in plain) && !('PORTSIDE_DEV_SIGN_IN' in secrets));
    const stacks = [s.stacks.network, s.stacks.database, s.stacks.portal, s.stacks.events, ...s.stacks.members];
    for (const stack of stacks) assert.doesNotMatch(JSON.stringify(s.template(stack).toJSON()), /DEV_SIGN_IN/, stack.stackName);
  });
});

describe('portal runtime role (least privilege)', () => {
  it('is assumed by App Runner tasks only, with the fixed name member accounts trust', () => {
    portal.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'portside-dev-portal',
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'tasks.apprunner.amazonaws.com' } }],
      },
    });
  });

  it('has only the listed actions: no wildcards, no CloudFormation, no other writes', () => {
    const statements = roleStatements(portal, 'RuntimeRoleFD8790A4');
    const actions = statements.flatMap(actionsOf);
    for (const a of actions) {
      assert.ok(!a.includes('*'), `wildcard action ${a}`);
      assert.ok(PORTAL_ROLE_ACTIONS.has(a), `unexpected action ${a}`);
      assert.ok(!a.startsWith('cloudformation:'), 'CloudFormation only through assumed roles');
    }
    assert.ok(actions.includes('codepipeline:PutApprovalResult'));
    assert.ok(actions.includes('sts:AssumeRole'));
  });

  it('assumes only the member read and approval role names, in the member accounts', () => {
    const assume = roleStatements(portal, 'RuntimeRoleFD8790A4').filter((st) => actionsOf(st).includes('sts:AssumeRole'));
    assert.equal(assume.length, 1);
    assert.deepEqual(actionsOf(assume[0]), ['sts:AssumeRole']);
    assert.deepEqual([assume[0].Resource].flat().sort(), ['arn:aws:iam::333333333333:role/PortsideApprove', 'arn:aws:iam::333333333333:role/PortsideRead']);
  });

  it('approves pipelines only in its own account', () => {
    const approve = roleStatements(portal, 'RuntimeRoleFD8790A4').filter((st) => actionsOf(st).includes('codepipeline:PutApprovalResult'));
    assert.equal(approve.length, 1);
    assert.deepEqual(actionsOf(approve[0]), ['codepipeline:PutApprovalResult']);
    assert.equal(approve[0].Resource, 'arn:aws:codepipeline:*:111111111111:*/*/*');
  });
});

describe('IAM across all stacks', () => {
  it('no Allow statement grants a wildcard action or a write beyond the listed ones', () => {
    const stacks = [s.stacks.network, s.stacks.database, s.stacks.portal, s.stacks.events, ...s.stacks.members];
    let checked = 0;
    for (const stack of stacks) {
      for (const { logicalId, statement } of allStatements(s.template(stack))) {
        if (statement.Effect !== 'Allow') continue;
        for (const action of actionsOf(statement)) {
          checked++;
          assert.ok(!action.includes('*'), `${stack.stackName}/${logicalId}: wildcard action ${action}`);
          assert.ok(READ_ACTION.test(action) || action in ALLOWED_WRITES, `${stack.stackName}/${logicalId}: write ${action} not allowed`);
        }
      }
    }
    assert.ok(checked > 40, `only ${checked} actions checked`);
  });
});

describe('network', () => {
  it('has private subnets with egress, isolated database subnets and flow logs', () => {
    const subnets = Object.values(network.findResources('AWS::EC2::Subnet')) as any[];
    const kinds = subnets.map((x) => x.Properties.Tags.find((t: any) => t.Key === 'aws-cdk:subnet-type').Value);
    assert.equal(kinds.filter((k) => k === 'Private').length, 2);
    assert.equal(kinds.filter((k) => k === 'Isolated').length, 2);
    network.resourceCountIs('AWS::EC2::FlowLog', 1);
    network.resourceCountIs('AWS::EC2::NatGateway', 1);
  });

  it('App Runner target opens no inbound port on the portal security group', () => {
    const sgs = network.findResources('AWS::EC2::SecurityGroup');
    for (const sg of Object.values(sgs) as any[]) assert.equal(sg.Properties.SecurityGroupIngress, undefined);
  });
});
