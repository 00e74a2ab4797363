/**
 * `-c target=ecs`: the same portal on ECS Fargate (Express Mode), compared with
 * the App Runner service of the same environment.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Template } from 'aws-cdk-lib/assertions';
import { FIXTURE_IMAGE_DIR, Synthesized, actionsOf, allStatements, configFor, dockerImageAssets, ecsEnv, flat, roleStatements, secretReaders, synthesize } from './helpers';
import { ALLOWED_WRITES, PORTAL_ROLE_ACTIONS, READ_ACTION } from './policy-rules';

let ecs: Synthesized;
let appRunner: Synthesized;
let portal: Template;
let service: any;
let runner: any;

before(() => {
  // Same fixed build context for both, so the image hashes are comparable.
  ecs = synthesize(configFor('dev', 'ecs'), { imageDirectory: FIXTURE_IMAGE_DIR });
  appRunner = synthesize(configFor('dev', 'apprunner'), { imageDirectory: FIXTURE_IMAGE_DIR });
  portal = ecs.template(ecs.stacks.portal);
  service = Object.values(portal.findResources('AWS::ECS::ExpressGatewayService'))[0];
  runner = Object.values(appRunner.template(appRunner.stacks.portal).findResources('AWS::AppRunner::Service'))[0];
});

describe('ECS target', () => {
  it('synthesizes with no unacknowledged cdk-nag findings', () => {
    assert.equal(ecs.synthError, undefined, ecs.synthError?.message);
  });

  it('creates an Express Mode service and no App Runner resources', () => {
    portal.resourceCountIs('AWS::ECS::ExpressGatewayService', 1);
    for (const type of ['AWS::AppRunner::Service', 'AWS::AppRunner::VpcConnector', 'AWS::AppRunner::AutoScalingConfiguration']) {
      portal.resourceCountIs(type, 0);
    }
  });

  it('runs the same image (same Docker asset) as App Runner', () => {
    const [ecsImage] = dockerImageAssets(ecs, ecs.stacks.portal);
    const [arImage] = dockerImageAssets(appRunner, appRunner.stacks.portal);
    const tag = (img: any) => (Object.values(img.destinations)[0] as any).imageTag;
    assert.equal(tag(ecsImage), tag(arImage));
    assert.match(flat(service.Properties.PrimaryContainer.Image), new RegExp(`:${tag(ecsImage)}`));
    assert.equal(service.Properties.PrimaryContainer.ContainerPort, 3000);
  });

  it('checks the same health path', () => {
    assert.equal(service.Properties.HealthCheckPath, '/api/health');
    assert.equal(service.Properties.HealthCheckPath, runner.Properties.HealthCheckConfiguration.Path);
  });

  it('scales between the same bounds, with the same size', () => {
    const autoScaling = Object.values(appRunner.template(appRunner.stacks.portal).findResources('AWS::AppRunner::AutoScalingConfiguration'))[0] as any;
    const target = service.Properties.ScalingTarget;
    assert.equal(target.MinTaskCount, autoScaling.Properties.MinSize);
    assert.equal(target.MaxTaskCount, autoScaling.Properties.MaxSize);
    assert.equal(target.AutoScalingMetric, 'AVERAGE_CPU');
    assert.equal(target.AutoScalingTargetValue, 60);
    assert.equal(service.Properties.Cpu, runner.Properties.InstanceConfiguration.Cpu);
    assert.equal(service.Properties.Memory, runner.Properties.InstanceConfiguration.Memory);
  });

  it('gets the same environment and the same secrets, by the same references', () => {
    const cfg = runner.Properties.SourceConfiguration.ImageRepository.ImageConfiguration;
    const byName = (list: any[], key: string) => Object.fromEntries(list.map((e) => [e.Name, flat(e[key])]));
    assert.deepEqual(byName(service.Properties.PrimaryContainer.Environment, 'Value'), byName(cfg.RuntimeEnvironmentVariables, 'Value'));
    assert.deepEqual(byName(service.Properties.PrimaryContainer.Secrets, 'ValueFrom'), byName(cfg.RuntimeEnvironmentSecrets, 'Value'));
    assert.ok(service.Properties.PrimaryContainer.Secrets.some((x: any) => x.Name === 'PGUSER'));
  });

  it('runs tasks as the portal role and lets only the execution role read the secrets', () => {
    assert.deepEqual(service.Properties.TaskRoleArn, { 'Fn::GetAtt': ['RuntimeRoleFD8790A4', 'Arn'] });
    portal.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'portside-dev-portal',
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' } }] },
    });
    const taskStatements = roleStatements(portal, 'RuntimeRoleFD8790A4');
    for (const a of taskStatements.flatMap(actionsOf)) assert.ok(PORTAL_ROLE_ACTIONS.has(a), `unexpected task role action ${a}`);
    // On ECS the execution role injects secrets; the task role reads only the database secret (the rotating password).
    const secretReads = taskStatements.filter((st) => actionsOf(st).includes('secretsmanager:GetSecretValue'));
    assert.equal(secretReads.length, 1);
    assert.deepEqual(actionsOf(secretReads[0]!), ['secretsmanager:GetSecretValue']);
    assert.match(flat(secretReads[0]!.Resource), /Portside-dev-Database.*Secret/);
    const execRoleId = service.Properties.ExecutionRoleArn['Fn::GetAtt'][0];
    const execActions = roleStatements(portal, execRoleId).flatMap(actionsOf);
    assert.ok(execActions.includes('secretsmanager:GetSecretValue'));
    assert.ok(execActions.includes('ecr:BatchGetImage'));
  });

  it('injects the generated PORTSIDE_AUTH_SECRET, readable by the execution role only', () => {
    const { plain, secrets } = ecsEnv(portal);
    assert.match(secrets.PORTSIDE_AUTH_SECRET, /AuthSecret.*:secret::/);
    assert.ok(!('PORTSIDE_AUTH_SECRET' in plain));
    const execRoleId = service.Properties.ExecutionRoleArn['Fn::GetAtt'][0];
    assert.deepEqual(secretReaders(portal, /AuthSecret/), [execRoleId]);
  });

  it('without OIDC config: no PORTSIDE_OIDC_* variables and no client secret', () => {
    const { plain, secrets } = ecsEnv(portal);
    assert.deepEqual([...Object.keys(plain), ...Object.keys(secrets)].filter((n) => n.includes('OIDC')), []);
  });

  it('has the server listen on every address of the task, on the container port', () => {
    const { plain } = ecsEnv(portal);
    assert.equal(plain.HOSTNAME, '0.0.0.0');
    assert.equal(plain.PORT, '3000');
  });

  it('trusts exactly one proxy (its load balancer) for the client address, as App Runner does', () => {
    const { plain } = ecsEnv(portal);
    assert.equal(plain.PORTSIDE_TRUSTED_PROXY_HOPS, '1');
    const appRunnerPlain = Object.fromEntries(
      runner.Properties.SourceConfiguration.ImageRepository.ImageConfiguration.RuntimeEnvironmentVariables.map((e: any) => [e.Name, e.Value]),
    );
    assert.equal(appRunnerPlain.PORTSIDE_TRUSTED_PROXY_HOPS, '1');
  });

  it('never sets PORTSIDE_DEV_SIGN_IN, in any stack', () => {
    const { plain, secrets } = ecsEnv(portal);
    assert.ok(!('PORTSIDE_DEV_SIGN_IN' in plain) && !('PORTSIDE_DEV_SIGN_IN' in secrets));
    const stacks = [ecs.stacks.network, ecs.stacks.database, ecs.stacks.portal, ecs.stacks.events, ...ecs.stacks.members];
    for (const stack of stacks) assert.doesNotMatch(JSON.stringify(ecs.template(stack).toJSON()), /DEV_SIGN_IN/, stack.stackName);
  });

  it('runs tasks in the private subnets (no public IP), the load balancer alone in the public ones', () => {
    const network = ecs.template(ecs.stacks.network);
    const subnets = network.toJSON().Resources as Record<string, any>;
    const ofType = (type: string) =>
      Object.entries(subnets)
        .filter(([, r]) => r.Type === 'AWS::EC2::Subnet' && r.Properties.Tags.some((t: any) => t.Key === 'aws-cdk:subnet-type' && t.Value === type))
        .map(([id, r]) => ({ id, mapsPublicIp: r.Properties.MapPublicIpOnLaunch }));
    const given = flat(service.Properties.NetworkConfiguration.Subnets);
    const privates = ofType('Private');
    const publics = ofType('Public');
    assert.equal(privates.length, 2);
    for (const p of privates) {
      assert.match(given, new RegExp(p.id), `tasks need private subnet ${p.id}`);
      assert.equal(p.mapsPublicIp, false);
    }
    // Express Mode puts its load balancer in the public subnets of the list; tasks go to the private ones.
    for (const p of publics) assert.match(given, new RegExp(p.id));
    for (const p of ofType('Isolated')) assert.doesNotMatch(given, new RegExp(p.id), 'never the database subnets');
    assert.equal(service.Properties.NetworkConfiguration.AssignPublicIp, undefined);
  });

  it('private subnets reach ECR, Secrets Manager, CloudWatch Logs and STS through VPC endpoints (prod) and S3 through the gateway', () => {
    const prod = synthesize(configFor('prod', 'ecs'), { imageDirectory: FIXTURE_IMAGE_DIR });
    assert.equal(prod.synthError, undefined, prod.synthError?.message);
    const network = prod.template(prod.stacks.network);
    const endpoints = Object.values(network.findResources('AWS::EC2::VPCEndpoint')) as any[];
    const services = endpoints.map((e) => flat(e.Properties.ServiceName));
    for (const name of ['ecr.api', 'ecr.dkr', 'secretsmanager', 'logs', 'sts', 's3']) {
      assert.ok(endpoints.some((e) => flat(e.Properties.ServiceName).includes(`.${name}`)), `no ${name} endpoint in ${services.join(', ')}`);
    }
    for (const e of endpoints.filter((x) => x.Properties.VpcEndpointType === 'Interface')) assert.equal(e.Properties.PrivateDnsEnabled, true);
    // dev keeps the NAT gateway only (interface endpoints cost per hour): just the free S3 gateway.
    const devEndpoints = Object.values(ecs.template(ecs.stacks.network).findResources('AWS::EC2::VPCEndpoint')) as any[];
    assert.deepEqual(devEndpoints.map((e) => e.Properties.VpcEndpointType), ['Gateway']);
  });

  it('rotation wiring: the app gets the database secret\'s ARN, not its password, and may read that secret', () => {
    const { plain, secrets } = ecsEnv(portal);
    assert.ok(!('PGPASSWORD' in secrets) && !('PGPASSWORD' in plain));
    assert.match(plain.PORTSIDE_DB_SECRET_ARN, /Portside-dev-Database.*Secret/);
    assert.match(secrets.PGUSER, /:username::/);
    const database = ecs.template(ecs.stacks.database);
    assert.equal(Object.keys(database.findResources('AWS::SecretsManager::RotationSchedule')).length, 1);
    const reads = roleStatements(portal, 'RuntimeRoleFD8790A4').filter((st) => actionsOf(st).includes('secretsmanager:GetSecretValue'));
    const envArn = service.Properties.PrimaryContainer.Environment.find((e: any) => e.Name === 'PORTSIDE_DB_SECRET_ARN').Value;
    assert.equal(flat(reads[0]!.Resource), flat(envArn), 'the task role reads exactly the secret the app is told to read');
  });

  it('keeps tasks in the portal security group, which admits only the VPC on the app port', () => {
    assert.match(flat(service.Properties.NetworkConfiguration.SecurityGroups), /PortalSecurityGroup/);
    const network = ecs.template(ecs.stacks.network);
    const sg = Object.values(network.findResources('AWS::EC2::SecurityGroup'))[0] as any;
    assert.deepEqual(sg.Properties.SecurityGroupIngress, [
      { CidrIp: '10.40.0.0/16', Description: 'Portal port from the Express Mode load balancer in this VPC', FromPort: 3000, IpProtocol: 'tcp', ToPort: 3000 },
    ]);
  });

  it('IAM: no wildcard actions and no writes beyond the listed ones', () => {
    for (const stack of [ecs.stacks.portal, ecs.stacks.events]) {
      for (const { logicalId, statement } of allStatements(ecs.template(stack))) {
        if (statement.Effect !== 'Allow') continue;
        for (const action of actionsOf(statement)) {
          assert.ok(!action.includes('*'), `${logicalId}: ${action}`);
          assert.ok(READ_ACTION.test(action) || action in ALLOWED_WRITES, `${logicalId}: write ${action}`);
        }
      }
    }
  });

  it('the events API destination targets the Express Mode HTTPS endpoint', () => {
    const events = ecs.template(ecs.stacks.events);
    const dest = Object.values(events.findResources('AWS::Events::ApiDestination'))[0] as any;
    const endpoint = flat(dest.Properties.InvocationEndpoint);
    assert.match(endpoint, /"https:\/\/"/);
    assert.match(endpoint, /EcsService.*Endpoint/);
    assert.match(endpoint, /\/api\/events\/aws/);
  });
});
