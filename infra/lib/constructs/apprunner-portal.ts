import { Annotations, Tags } from 'aws-cdk-lib';
import * as apprunner from 'aws-cdk-lib/aws-apprunner';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as cr from 'aws-cdk-lib/custom-resources';
import { acknowledge, acknowledgeAwsCustomResourceProvider } from '../nag';
import { Construct } from 'constructs';
import { PortalRuntimeSpec, assertNoForbiddenEnv, referencedSecrets, secretKeyReference } from './portal-runtime';

export interface AppRunnerPortalProps {
  readonly serviceName: string;
  readonly spec: PortalRuntimeSpec;
  readonly imageAsset: ecrAssets.DockerImageAsset;
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly securityGroup: ec2.ISecurityGroup;
  /** App Runner: concurrent requests per instance before another instance starts. */
  readonly maxConcurrency: number;
  readonly customDomainName?: string;
}

/**
 * The portal on AWS App Runner: image from ECR, egress through a VPC connector
 * (so the database is reachable), auto scaling configuration, X-Ray tracing
 * through an observability configuration, HTTP health check, secrets from
 * Secrets Manager and an optional custom domain.
 *
 * New versions only receive traffic once an instance passes the health check,
 * which happens after the container has applied the database migrations.
 */
export class AppRunnerPortal extends Construct {
  public readonly service: apprunner.CfnService;
  /** `https://<default domain>` of the service. */
  public readonly defaultUrl: string;

  constructor(scope: Construct, id: string, props: AppRunnerPortalProps) {
    super(scope, id);
    const { spec } = props;
    assertNoForbiddenEnv(spec);

    // Role App Runner uses to pull the image (not the application's role).
    const accessRole = new iam.Role(this, 'AccessRole', {
      assumedBy: new iam.ServicePrincipal('build.apprunner.amazonaws.com'),
      description: 'App Runner pulls the Portside image from ECR',
    });
    props.imageAsset.repository.grantPull(accessRole);
    props.imageAsset.repository.grant(accessRole, 'ecr:DescribeImages');
    acknowledge(
      accessRole,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason: 'ecr:GetAuthorizationToken does not support resource-level permissions; image pulls are limited to the asset repository.',
          appliesTo: ['Resource::*'],
        },
      ],
    );

    // App Runner fetches RuntimeEnvironmentSecrets with the instance role.
    for (const secret of referencedSecrets(spec)) secret.grantRead(spec.runtimeRole);

    const vpcConnector = new apprunner.CfnVpcConnector(this, 'VpcConnector', {
      subnets: props.vpc.selectSubnets(props.subnets).subnetIds,
      securityGroups: [props.securityGroup.securityGroupId],
    });

    const autoScaling = new apprunner.CfnAutoScalingConfiguration(this, 'AutoScaling', {
      minSize: spec.minInstances,
      maxSize: spec.maxInstances,
      maxConcurrency: props.maxConcurrency,
    });

    const observability = new apprunner.CfnObservabilityConfiguration(this, 'Observability', {
      traceConfiguration: { vendor: 'AWSXRAY' },
    });

    this.service = new apprunner.CfnService(this, 'Service', {
      serviceName: props.serviceName,
      sourceConfiguration: {
        authenticationConfiguration: { accessRoleArn: accessRole.roleArn },
        // Deployments happen through CloudFormation (a new image tag per build).
        autoDeploymentsEnabled: false,
        imageRepository: {
          imageRepositoryType: 'ECR',
          imageIdentifier: spec.imageUri,
          imageConfiguration: {
            port: String(spec.port),
            runtimeEnvironmentVariables: Object.entries(spec.environment).map(([name, value]) => ({ name, value })),
            runtimeEnvironmentSecrets: Object.entries(spec.secrets).map(([name, s]) => ({
              name,
              value: secretKeyReference(s),
            })),
          },
        },
      },
      instanceConfiguration: {
        cpu: String(spec.cpu),
        memory: String(spec.memoryMiB),
        instanceRoleArn: spec.runtimeRole.roleArn,
      },
      networkConfiguration: {
        egressConfiguration: { egressType: 'VPC', vpcConnectorArn: vpcConnector.attrVpcConnectorArn },
        ingressConfiguration: { isPubliclyAccessible: true },
        ipAddressType: 'IPV4',
      },
      healthCheckConfiguration: {
        protocol: 'HTTP',
        path: spec.healthCheckPath,
        interval: 10,
        timeout: 5,
        healthyThreshold: 1,
        unhealthyThreshold: 5,
      },
      autoScalingConfigurationArn: autoScaling.attrAutoScalingConfigurationArn,
      observabilityConfiguration: {
        observabilityEnabled: true,
        observabilityConfigurationArn: observability.attrObservabilityConfigurationArn,
      },
    });
    // The role's policy must exist before App Runner starts instances that read secrets.
    this.service.node.addDependency(spec.runtimeRole);
    this.service.node.addDependency(accessRole);

    this.defaultUrl = `https://${this.service.attrServiceUrl}`;

    if (props.customDomainName) {
      this.associateCustomDomain(props.customDomainName);
    }
  }

  /**
   * CloudFormation has no App Runner custom-domain resource, so the association
   * is made with the App Runner API. The certificate validation records and the
   * DNS target must then be added to DNS (see docs/deployment.md, "First deploy on a new account", step 7).
   */
  private associateCustomDomain(domainName: string): void {
    const serviceArn = this.service.attrServiceArn;
    const association = new cr.AwsCustomResource(this, 'CustomDomain', {
      onCreate: {
        service: 'AppRunner',
        action: 'associateCustomDomain',
        parameters: { ServiceArn: serviceArn, DomainName: domainName, EnableWWWSubdomain: false },
        physicalResourceId: cr.PhysicalResourceId.of(`${domainName}`),
      },
      onDelete: {
        service: 'AppRunner',
        action: 'disassociateCustomDomain',
        parameters: { ServiceArn: serviceArn, DomainName: domainName },
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['apprunner:AssociateCustomDomain', 'apprunner:DisassociateCustomDomain'],
          resources: [serviceArn],
        }),
      ]),
      installLatestAwsSdk: false,
    });
    Annotations.of(this).addInfo(
      `Custom domain ${domainName}: run "aws apprunner describe-custom-domains --service-arn <arn>" after deploy and add the listed DNS records.`,
    );
    // The provider function is a stack-level singleton created by AwsCustomResource.
    acknowledgeAwsCustomResourceProvider(association);
    Tags.of(association).add('Component', 'custom-domain');
  }
}
