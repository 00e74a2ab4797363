import { Stack, StackProps, CfnOutput } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PortsideConfig, namePrefix } from '../config';

export interface NetworkStackProps extends StackProps {
  readonly config: PortsideConfig;
}

/**
 * The VPC (new, or an existing one by id) and the portal's security group.
 *
 * The portal security group lives here (not in the portal stack) so that the
 * database stack can allow exactly this group without a cross-stack cycle.
 */
export class NetworkStack extends Stack {
  public readonly vpc: ec2.IVpc;
  /** Attached to the App Runner VPC connector / the ECS tasks. The only group the database admits. */
  public readonly portalSecurityGroup: ec2.SecurityGroup;
  /** Subnets for the portal's egress (App Runner connector, ECS is told explicitly). */
  public readonly portalSubnets: ec2.SubnetSelection;
  /** Subnets without internet access for the database. */
  public readonly databaseSubnets: ec2.SubnetSelection;
  /** Public subnets (ECS Express load balancer). */
  public readonly publicSubnets: ec2.SubnetSelection;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    const { config } = props;
    const net = config.network;

    if (net.existingVpc) {
      const e = net.existingVpc;
      this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
        vpcId: e.vpcId,
        vpcCidrBlock: e.vpcCidrBlock,
        availabilityZones: e.availabilityZones,
        privateSubnetIds: e.privateSubnetIds,
        isolatedSubnetIds: e.isolatedSubnetIds,
        publicSubnetIds: e.publicSubnetIds,
      });
      this.portalSubnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
      this.databaseSubnets = e.isolatedSubnetIds?.length
        ? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }
        : { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
      this.publicSubnets = { subnetType: ec2.SubnetType.PUBLIC };
    } else {
      const vpc = new ec2.Vpc(this, 'Vpc', {
        vpcName: `${namePrefix(config)}-vpc`,
        ipAddresses: ec2.IpAddresses.cidr(net.vpcCidr),
        availabilityZones: net.availabilityZones,
        natGateways: net.natGateways,
        restrictDefaultSecurityGroup: false,
        subnetConfiguration: [
          { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
          { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
          { name: 'database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
        ],
      });
      const flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
        retention: net.flowLogRetentionDays as logs.RetentionDays,
      });
      vpc.addFlowLog('FlowLog', {
        destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup),
        trafficType: ec2.FlowLogTrafficType.ALL,
      });
      this.vpc = vpc;
      this.portalSubnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
      this.databaseSubnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
      this.publicSubnets = { subnetType: ec2.SubnetType.PUBLIC };
    }

    this.portalSecurityGroup = new ec2.SecurityGroup(this, 'PortalSecurityGroup', {
      vpc: this.vpc,
      description: `Portside ${config.envName} portal (App Runner VPC connector / ECS tasks)`,
      // The portal calls AWS APIs (STS, CodePipeline, X-Ray, CloudWatch), the OIDC issuer and the database.
      allowAllOutbound: true,
    });

    if (config.portal.target === 'ecs') {
      // ECS Express Mode's load balancer (inside this VPC) forwards to the tasks on the app port.
      this.portalSecurityGroup.addIngressRule(
        ec2.Peer.ipv4(net.existingVpc?.vpcCidrBlock ?? net.vpcCidr),
        ec2.Port.tcp(config.portal.port),
        'Portal port from the Express Mode load balancer in this VPC',
      );
    }

    new CfnOutput(this, 'VpcId', { value: this.vpc.vpcId });
    new CfnOutput(this, 'PortalSecurityGroupId', { value: this.portalSecurityGroup.securityGroupId });
  }
}
