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
  /** Public subnets (the ECS Express Mode load balancer only: tasks never run there). */
  public readonly publicSubnets: ec2.SubnetSelection;
  /** Interface endpoints (when network.interfaceEndpoints), by service. */
  public readonly endpoints: Record<string, ec2.InterfaceVpcEndpoint> = {};

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
      // ECR keeps image layers in S3: pulls go through this free gateway endpoint, not the NAT gateway.
      vpc.addGatewayEndpoint('S3Endpoint', { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }] });
      if (net.interfaceEndpoints) this.addInterfaceEndpoints(vpc, net.vpcCidr);
      this.portalSubnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
      this.databaseSubnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
      this.publicSubnets = { subnetType: ec2.SubnetType.PUBLIC };
    }

    this.portalSecurityGroup = new ec2.SecurityGroup(this, 'PortalSecurityGroup', {
      vpc: this.vpc,
      description: `Portside ${config.envName} portal (App Runner VPC connector / ECS tasks, private subnets)`,
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

  /**
   * What a portal task reaches inside AWS, kept off the NAT gateway: the image
   * (ECR API and registry), its secrets, its logs, and STS for AssumeRole into
   * member accounts. Private DNS, so the SDKs need no endpoint setting.
   */
  private addInterfaceEndpoints(vpc: ec2.Vpc, cidr: string): void {
    const securityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc,
      description: 'HTTPS to the VPC interface endpoints from inside the VPC',
      allowAllOutbound: false,
    });
    securityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(443), 'HTTPS from the VPC');
    const services: Record<string, ec2.InterfaceVpcEndpointAwsService> = {
      EcrApi: ec2.InterfaceVpcEndpointAwsService.ECR,
      EcrDocker: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
      SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
      Sts: ec2.InterfaceVpcEndpointAwsService.STS,
    };
    for (const [name, service] of Object.entries(services)) {
      this.endpoints[name] = vpc.addInterfaceEndpoint(`${name}Endpoint`, {
        service,
        subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        securityGroups: [securityGroup],
        privateDnsEnabled: true,
        // The group above admits the VPC by its literal CIDR (open: true would add a rule by token).
        open: false,
      });
    }
  }
}
