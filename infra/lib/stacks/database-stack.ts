import { Duration, RemovalPolicy, Stack, StackProps, CfnOutput } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { acknowledge } from '../nag';
import { Construct } from 'constructs';
import { PortsideConfig, namePrefix } from '../config';
import { portalAlarm } from '../constructs/portal-alarms';

export interface DatabaseStackProps extends StackProps {
  readonly config: PortsideConfig;
  readonly vpc: ec2.IVpc;
  readonly databaseSubnets: ec2.SubnetSelection;
  /** Subnets with egress for the rotation Lambda (it must reach the Secrets Manager API). */
  readonly rotationSubnets: ec2.SubnetSelection;
  /** The only security group allowed to connect (besides the rotation Lambda). */
  readonly portalSecurityGroup: ec2.ISecurityGroup;
}

const POSTGRES_PORT = 5432;
/** The app's pools (DATABASE_POOL_SIZE's default in lib/env.ts; lib/jobs/boss.ts). */
const PORTAL_POOL_SIZE = 10;
const JOB_QUEUE_POOL_SIZE = 3;

/**
 * PostgreSQL for the portal: RDS for PostgreSQL or Aurora PostgreSQL Serverless v2.
 * Encrypted, backed up, deletion-protected, never destroyed with the stack,
 * credentials in Secrets Manager with rotation, reachable from the portal only.
 */
export class DatabaseStack extends Stack {
  public readonly secret: secretsmanager.ISecret;
  public readonly endpointAddress: string;
  public readonly port: number = POSTGRES_PORT;
  public readonly databaseName: string;
  public readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: DatabaseStackProps) {
    super(scope, id, props);
    const { config } = props;
    const db = config.database;
    const removalPolicy = db.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.SNAPSHOT;

    this.securityGroup = new ec2.SecurityGroup(this, 'DatabaseSecurityGroup', {
      vpc: props.vpc,
      description: `Portside ${config.envName} PostgreSQL: portal security group only`,
      allowAllOutbound: false,
    });
    this.securityGroup.addIngressRule(
      props.portalSecurityGroup,
      ec2.Port.tcp(POSTGRES_PORT),
      'PostgreSQL from the Portside portal',
    );
    // Kept with the database so that deleting the stack never fails on an in-use group.
    this.securityGroup.applyRemovalPolicy(RemovalPolicy.RETAIN);

    const subnetGroup = new rds.SubnetGroup(this, 'SubnetGroup', {
      vpc: props.vpc,
      vpcSubnets: props.databaseSubnets,
      description: `Portside ${config.envName} database subnets`,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const credentials = rds.Credentials.fromGeneratedSecret(db.username, {
      secretName: `${namePrefix(config)}/database`,
      // Characters that break URLs / shells; the app also gets them as PG* variables.
      excludeCharacters: ' %+~`#$&*()|[]{}:;<>?!\'/@"\\',
    });

    const common = {
      vpc: props.vpc,
      securityGroups: [this.securityGroup],
      subnetGroup,
      credentials,
      storageEncrypted: true,
      deletionProtection: true,
      removalPolicy,
      port: POSTGRES_PORT,
      iamAuthentication: false,
      copyTagsToSnapshot: true,
    };

    let secret: secretsmanager.ISecret;
    let rotationTarget: rds.DatabaseInstance | rds.DatabaseCluster;
    if (db.engine === 'aurora-serverless-v2') {
      const cluster = new rds.DatabaseCluster(this, 'Cluster', {
        ...common,
        engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_17_7 }),
        defaultDatabaseName: db.databaseName,
        serverlessV2MinCapacity: db.minCapacityAcu,
        serverlessV2MaxCapacity: db.maxCapacityAcu,
        writer: rds.ClusterInstance.serverlessV2('writer', { publiclyAccessible: false }),
        readers: db.multiAz
          ? [rds.ClusterInstance.serverlessV2('reader', { publiclyAccessible: false, scaleWithWriter: true })]
          : [],
        backup: { retention: Duration.days(db.backupRetentionDays), preferredWindow: '03:00-04:00' },
        preferredMaintenanceWindow: 'Sun:04:30-Sun:05:30',
        cloudwatchLogsExports: ['postgresql'],
      });
      secret = cluster.secret!;
      this.endpointAddress = cluster.clusterEndpoint.hostname;
      rotationTarget = cluster;
      acknowledge(cluster, [
        {
          id: 'AwsSolutions-RDS6',
          reason:
            'The portal authenticates with the rotated Secrets Manager password, which it reads when a connection logs in and again when a login is refused (lib/db-connection.ts), so a rotation needs no redeploy; the secret is readable by the portal roles only.',
        },
        {
          id: 'AwsSolutions-RDS11',
          reason: 'Standard PostgreSQL port; access is limited to the portal security group, a non-standard port adds no protection.',
        },
      ]);
    } else {
      const instance = new rds.DatabaseInstance(this, 'Instance', {
        ...common,
        engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 }),
        instanceType: new ec2.InstanceType(db.instanceType),
        databaseName: db.databaseName,
        publiclyAccessible: false,
        multiAz: db.multiAz,
        allocatedStorage: db.allocatedStorageGiB,
        maxAllocatedStorage: db.maxAllocatedStorageGiB,
        storageType: rds.StorageType.GP3,
        backupRetention: Duration.days(db.backupRetentionDays),
        preferredBackupWindow: '03:00-04:00',
        preferredMaintenanceWindow: 'Sun:04:30-Sun:05:30',
        autoMinorVersionUpgrade: true,
        cloudwatchLogsExports: ['postgresql', 'upgrade'],
      });
      secret = instance.secret!;
      this.endpointAddress = instance.dbInstanceEndpointAddress;
      rotationTarget = instance;
      const suppressions = [
        {
          id: 'AwsSolutions-RDS6',
          reason:
            'The portal authenticates with the rotated Secrets Manager password, which it reads when a connection logs in and again when a login is refused (lib/db-connection.ts), so a rotation needs no redeploy; the secret is readable by the portal roles only.',
        },
        {
          id: 'AwsSolutions-RDS11',
          reason: 'Standard PostgreSQL port; access is limited to the portal security group, a non-standard port adds no protection.',
        },
      ];
      if (!db.multiAz) {
        suppressions.push({
          id: 'AwsSolutions-RDS3',
          reason: `Single-AZ is a deliberate cost choice for the ${config.envName} environment (multiAz is set per environment in bin/environments.ts).`,
        });
      }
      acknowledge(instance, suppressions);
    }

    // The generated secret holds the only copy of the password: keep it with the database.
    for (const child of rotationTarget.node.findAll()) {
      if (child instanceof rds.DatabaseSecret) child.applyRemovalPolicy(RemovalPolicy.RETAIN);
    }
    rotationTarget.addRotationSingleUser({
      automaticallyAfter: Duration.days(db.rotationDays),
      vpcSubnets: props.rotationSubnets,
      excludeCharacters: ' %+~`#$&*()|[]{}:;<>?!\'/@"\\',
    });

    this.secret = secret;
    this.databaseName = db.databaseName;
    this.addAlarms(config, rotationTarget);

    new CfnOutput(this, 'DatabaseEndpoint', { value: this.endpointAddress });
    new CfnOutput(this, 'DatabaseSecretArn', { value: secret.secretArn });
  }

  /**
   * The database side of the portal's own alarms (tagged to the portal's
   * catalog entry, see constructs/portal-alarms.ts). The connection ceiling is
   * what the portal should ever open: per instance its pool, the job queue's
   * pool and a migration, with room for a deploy's overlap (twice).
   */
  private addAlarms(config: PortsideConfig, target: rds.DatabaseInstance | rds.DatabaseCluster): void {
    const prefix = namePrefix(config);
    const serviceSlug = config.portal.serviceSlug;
    const period = Duration.minutes(5);
    portalAlarm(this, 'CpuAlarm', {
      alarmName: `${prefix}-database-cpu`,
      description: 'The portal database used more than 80% CPU for 15 minutes',
      metric: target.metricCPUUtilization({ period }),
      threshold: 80,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      severity: 'SEV3',
      serviceSlug,
    });
    const connectionsCeiling = 2 * config.portal.maxInstances * (PORTAL_POOL_SIZE + JOB_QUEUE_POOL_SIZE + 2);
    portalAlarm(this, 'ConnectionsAlarm', {
      alarmName: `${prefix}-database-connections`,
      description: `The portal database had more than ${connectionsCeiling} connections (more than the portal ever opens: a leak, or someone else)`,
      metric: target.metricDatabaseConnections({ period, statistic: 'Maximum' }),
      threshold: connectionsCeiling,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      severity: 'SEV3',
      serviceSlug,
    });
    const storage =
      target instanceof rds.DatabaseInstance
        ? {
            // Storage autoscaling grows the volume up to maxAllocatedStorageGiB; alarm when less than 10% of that is left.
            metric: target.metricFreeStorageSpace({ period, statistic: 'Minimum' }),
            threshold: config.database.maxAllocatedStorageGiB * 0.1 * 1024 ** 3,
            description: 'The portal database has less than 10% of its maximum storage free',
          }
        : {
            // Aurora's cluster volume grows by itself; its instances' local storage (temporary tables, sorts) does not.
            metric: target.metric('FreeLocalStorage', { period, statistic: 'Minimum' }),
            threshold: 2 * 1024 ** 3,
            description: 'The portal database has less than 2 GiB of local storage free (temporary tables, sorts)',
          };
    portalAlarm(this, 'StorageAlarm', {
      alarmName: `${prefix}-database-storage`,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      severity: 'SEV2',
      serviceSlug,
      ...storage,
    });
  }
}
