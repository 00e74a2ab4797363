import { Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { acknowledge } from '../nag';
import { Construct } from 'constructs';
import { PortalRuntimeSpec, assertNoForbiddenEnv, referencedSecrets, secretKeyReference } from './portal-runtime';

export interface EcsExpressPortalProps {
  readonly serviceName: string;
  readonly spec: PortalRuntimeSpec;
  readonly imageAsset: ecrAssets.DockerImageAsset;
  readonly vpc: ec2.IVpc;
  /** Private subnets (egress through NAT) where the tasks run, without public IPs. */
  readonly taskSubnets: ec2.SubnetSelection;
  /**
   * Public subnets for the internet-facing load balancer. Express Mode takes one
   * list of subnets and places its Application Load Balancer in the public ones
   * and the tasks in the private ones (public IPs only for tasks in public
   * subnets, which get none here).
   */
  readonly loadBalancerSubnets: ec2.SubnetSelection;
  readonly securityGroup: ec2.ISecurityGroup;
  /** Target average CPU (percent) for scaling. */
  readonly cpuTargetPercent: number;
  readonly logRetentionDays: number;
}

/**
 * The same portal on ECS Fargate with Express Mode (`AWS::ECS::ExpressGatewayService`):
 * ECS provisions the HTTPS load balancer, target group, certificate for the
 * default `*.on.aws` domain, canary deployments with rollback alarms and the
 * scaling policy. Same image, port, health check path, instance bounds,
 * environment and secrets as the App Runner service.
 */
export class EcsExpressPortal extends Construct {
  public readonly service: ecs.CfnExpressGatewayService;
  public readonly cluster: ecs.Cluster;
  public readonly executionRole: iam.Role;
  public readonly infrastructureRole: iam.Role;
  /** LoadBalancer dimension of the load balancer Express Mode made (for the portal's alarms). */
  public readonly loadBalancerDimension: string;
  /** `https://<endpoint>` assigned by Express Mode. */
  public readonly defaultUrl: string;

  constructor(scope: Construct, id: string, props: EcsExpressPortalProps) {
    super(scope, id);
    const { spec } = props;
    assertNoForbiddenEnv(spec);

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      clusterName: props.serviceName,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
      enableFargateCapacityProviders: true,
    });

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Starts tasks: pulls the image, writes logs, resolves the secrets.
    this.executionRole = new iam.Role(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'Portside ECS task execution role',
    });
    props.imageAsset.repository.grantPull(this.executionRole);
    logGroup.grantWrite(this.executionRole);
    for (const secret of referencedSecrets(spec)) secret.grantRead(this.executionRole);
    acknowledge(
      this.executionRole,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason: 'ecr:GetAuthorizationToken does not support resource-level permissions; pulls are limited to the asset repository.',
          appliesTo: ['Resource::*'],
        },
      ],
    );

    // Lets Express Mode create and manage the load balancer, target groups, scaling and alarms.
    this.infrastructureRole = new iam.Role(this, 'InfrastructureRole', {
      assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com'),
      description: 'Portside ECS Express Mode infrastructure role',
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonECSInfrastructureRoleforExpressGatewayServices'),
      ],
    });
    acknowledge(this.infrastructureRole, [
      {
        id: 'AwsSolutions-IAM4',
        reason:
          'AWS-maintained policy that ECS Express Mode requires to manage the load balancer, target groups, certificates and scaling it provisions; it is tracked by AWS as the service evolves.',
        appliesTo: [
          'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonECSInfrastructureRoleforExpressGatewayServices',
        ],
      },
    ]);

    this.service = new ecs.CfnExpressGatewayService(this, 'Service', {
      serviceName: props.serviceName,
      cluster: this.cluster.clusterName,
      cpu: String(spec.cpu),
      memory: String(spec.memoryMiB),
      executionRoleArn: this.executionRole.roleArn,
      infrastructureRoleArn: this.infrastructureRole.roleArn,
      taskRoleArn: spec.runtimeRole.roleArn,
      healthCheckPath: spec.healthCheckPath,
      networkConfiguration: {
        subnets: [...props.vpc.selectSubnets(props.taskSubnets).subnetIds, ...props.vpc.selectSubnets(props.loadBalancerSubnets).subnetIds],
        securityGroups: [props.securityGroup.securityGroupId],
      },
      primaryContainer: {
        image: spec.imageUri,
        containerPort: spec.port,
        environment: Object.entries(spec.environment).map(([name, value]) => ({ name, value })),
        secrets: Object.entries(spec.secrets).map(([name, s]) => ({ name, valueFrom: secretKeyReference(s) })),
        awsLogsConfiguration: { logGroup: logGroup.logGroupName, logStreamPrefix: 'portal' },
      },
      scalingTarget: {
        minTaskCount: spec.minInstances,
        maxTaskCount: spec.maxInstances,
        autoScalingMetric: 'AVERAGE_CPU',
        autoScalingTargetValue: props.cpuTargetPercent,
      },
    });
    // Roles and their policies must exist before ECS starts tasks.
    this.service.node.addDependency(this.executionRole, this.infrastructureRole, spec.runtimeRole, this.cluster);

    // "app/<name>/<id>", the LoadBalancer dimension of the AWS/ApplicationELB metrics.
    this.loadBalancerDimension = Fn.select(1, Fn.split('loadbalancer/', this.service.attrEcsManagedResourceArnsIngressPathLoadBalancerArn));

    // The endpoint is a host name; strip a scheme defensively before adding ours.
    this.defaultUrl = `https://${Fn.join('', Fn.split('https://', this.service.attrEndpoint))}`;
  }
}
