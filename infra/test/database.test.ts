/**
 * Database: RDS for PostgreSQL (dev) and Aurora PostgreSQL Serverless v2 (prod).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Synthesized, configFor, flat, synthesize } from './helpers';

let dev: Synthesized;
let prod: Synthesized;
let rds: Template;
let aurora: Template;

before(() => {
  dev = synthesize(configFor('dev', 'apprunner'));
  prod = synthesize(configFor('prod', 'apprunner'));
  rds = dev.template(dev.stacks.database);
  aurora = prod.template(prod.stacks.database);
});

function portalSgIngress(t: Template): any[] {
  return Object.values(t.findResources('AWS::EC2::SecurityGroupIngress')).map((r: any) => r.Properties);
}

describe('RDS for PostgreSQL (dev)', () => {
  it('is private, encrypted, deletion-protected and backed up', () => {
    rds.hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'postgres',
      PubliclyAccessible: false,
      StorageEncrypted: true,
      DeletionProtection: true,
      BackupRetentionPeriod: 7,
      EnableIAMDatabaseAuthentication: false,
    });
  });

  it('is never destroyed with its stack', () => {
    const [db] = Object.values(rds.findResources('AWS::RDS::DBInstance')) as any[];
    assert.ok(['Retain', 'Snapshot'].includes(db.DeletionPolicy), db.DeletionPolicy);
    assert.ok(['Retain', 'Snapshot'].includes(db.UpdateReplacePolicy), db.UpdateReplacePolicy);
    // The secret with the password and the subnet group outlive the stack too.
    for (const type of ['AWS::SecretsManager::Secret', 'AWS::RDS::DBSubnetGroup']) {
      for (const r of Object.values(rds.findResources(type)) as any[]) assert.equal(r.DeletionPolicy, 'Retain', type);
    }
  });

  it('lives in the isolated database subnets', () => {
    const [group] = Object.values(rds.findResources('AWS::RDS::DBSubnetGroup')) as any[];
    assert.match(flat(group.Properties.SubnetIds), /databaseSubnet1.*databaseSubnet2/);
  });

  it('keeps credentials in Secrets Manager with scheduled rotation', () => {
    rds.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'portside-dev/database',
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'password', SecretStringTemplate: '{"username":"portside"}' }),
    });
    rds.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
    rds.resourceCountIs('AWS::Serverless::Application', 1);
  });

  it('is reachable only from the portal security group (and its rotation function)', () => {
    const sg = Object.values(rds.findResources('AWS::EC2::SecurityGroup')).find((r: any) =>
      r.Properties.GroupDescription.includes('PostgreSQL'),
    ) as any;
    assert.equal(sg.Properties.SecurityGroupIngress, undefined, 'no inline (CIDR) ingress');
    const ingress = portalSgIngress(rds);
    assert.equal(ingress.length, 2);
    for (const rule of ingress) {
      assert.equal(rule.CidrIp, undefined);
      assert.equal(rule.CidrIpv6, undefined);
      assert.ok(rule.SourceSecurityGroupId, 'source must be a security group');
      assert.deepEqual(rule.FromPort, rule.ToPort, 'a single port');
      assert.match(flat(rule.FromPort), /^5432$|Endpoint\.Port/);
    }
    const fromPortal = ingress.filter((r) => /PortalSecurityGroup/.test(flat(r.SourceSecurityGroupId)));
    assert.equal(fromPortal.length, 1);
    assert.equal(fromPortal[0].FromPort, 5432);
    assert.ok(ingress.some((r) => /RotationSingleUser/.test(flat(r.SourceSecurityGroupId))));
  });
});

describe('Aurora PostgreSQL Serverless v2 (prod)', () => {
  it('synthesizes the prod app with no unacknowledged cdk-nag findings', () => {
    assert.equal(prod.synthError, undefined, prod.synthError?.message);
  });

  it('is an encrypted, deletion-protected, backed-up cluster that is retained', () => {
    aurora.resourceCountIs('AWS::RDS::DBInstance', 2);
    aurora.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      StorageEncrypted: true,
      DeletionProtection: true,
      BackupRetentionPeriod: 30,
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 8 },
    });
    const [cluster] = Object.values(aurora.findResources('AWS::RDS::DBCluster')) as any[];
    assert.equal(cluster.DeletionPolicy, 'Retain');
    assert.equal(cluster.UpdateReplacePolicy, 'Retain');
  });

  it('has no publicly accessible instance', () => {
    for (const i of Object.values(aurora.findResources('AWS::RDS::DBInstance')) as any[]) {
      assert.equal(i.Properties.PubliclyAccessible, false);
      assert.equal(i.Properties.DBInstanceClass, 'db.serverless');
    }
  });

  it('rotates its secret and admits only security groups', () => {
    aurora.resourceCountIs('AWS::SecretsManager::RotationSchedule', 1);
    for (const rule of portalSgIngress(aurora)) assert.ok(rule.SourceSecurityGroupId && !rule.CidrIp);
  });

  it('prod stacks have termination protection', () => {
    for (const stack of [prod.stacks.network, prod.stacks.database, prod.stacks.portal, prod.stacks.events]) {
      assert.equal(stack.terminationProtection, true, stack.stackName);
    }
  });
});
