import { Annotations, CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { acknowledge, wildcardResourceFindings } from '../nag';
import { Construct } from 'constructs';
import { PortsideConfig, namePrefix, portalRoleName } from '../config';
import { AppRunnerPortal } from '../constructs/apprunner-portal';
import { EcsExpressPortal } from '../constructs/ecs-express-portal';
import { portalRuntimeStatements } from '../constructs/portal-permissions';
import { PortalImage } from '../constructs/portal-image';
import { PortalRuntimeSpec, SecretEnv } from '../constructs/portal-runtime';

export interface PortalStackProps extends StackProps {
  readonly config: PortsideConfig;
  readonly vpc: ec2.IVpc;
  readonly portalSubnets: ec2.SubnetSelection;
  readonly publicSubnets: ec2.SubnetSelection;
  readonly portalSecurityGroup: ec2.ISecurityGroup;
  readonly databaseSecret: secretsmanager.ISecret;
  readonly databaseHost: string;
  readonly databasePort: number;
  readonly databaseName: string;
  /** Directory with the Dockerfile (defaults to the repository root). */
  readonly imageDirectory?: string;
}

/**
 * The portal itself: container image, application secrets, the runtime role and
 * the service on the selected target (App Runner by default, ECS Express Mode
 * with `-c target=ecs`).
 */
export class PortalStack extends Stack {
  /** Public base URL without trailing slash (https://...). */
  public readonly portalUrl: string;
  public readonly runtimeRole: iam.Role;
  public readonly apiTokenSecret: secretsmanager.Secret;
  public readonly appSecret: secretsmanager.Secret;
  public readonly spec: PortalRuntimeSpec;

  constructor(scope: Construct, id: string, props: PortalStackProps) {
    super(scope, id, props);
    const { config } = props;
    const portal = config.portal;
    const prefix = namePrefix(config);

    // AUTH_SECRET is generated; the OIDC values are placeholders the operator replaces (README).
    this.appSecret = new secretsmanager.Secret(this, 'AppSecret', {
      secretName: `${prefix}/app`,
      description: 'Portside application secrets: AUTH_SECRET (generated) and the OIDC client settings',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({
          OIDC_ISSUER: 'https://change-me.invalid',
          OIDC_CLIENT_ID: 'change-me',
          OIDC_CLIENT_SECRET: 'change-me',
        }),
        generateStringKey: 'AUTH_SECRET',
        passwordLength: 64,
        excludePunctuation: true,
      },
    });
    // Token EventBridge sends as "Authorization: Bearer <token>" to /api/events/aws.
    this.apiTokenSecret = new secretsmanager.Secret(this, 'ApiTokenSecret', {
      secretName: `${prefix}/api-token`,
      description: 'Portside API token used by EventBridge to deliver AWS events to the portal',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({}),
        generateStringKey: 'token',
        passwordLength: 48,
        excludePunctuation: true,
      },
    });
    for (const s of [this.appSecret, this.apiTokenSecret]) {
      acknowledge(s, [
        {
          id: 'AwsSolutions-SMG4',
          reason:
            'Rotated by the operator (README "Rotating the API token"): the value must be changed together with the consumer (EventBridge connection, OIDC provider), which a rotation Lambda cannot do.',
        },
      ]);
    }

    // Fixed name: member accounts trust this role by ARN.
    this.runtimeRole = new iam.Role(this, 'RuntimeRole', {
      roleName: portalRoleName(config),
      assumedBy: new iam.ServicePrincipal(
        portal.target === 'apprunner' ? 'tasks.apprunner.amazonaws.com' : 'ecs-tasks.amazonaws.com',
      ),
      description: `Portside ${config.envName} portal runtime role (${portal.target})`,
    });
    const runtimeStatements = portalRuntimeStatements(this, config);
    const policy = new iam.Policy(this, 'RuntimePolicy', { statements: runtimeStatements });
    policy.attachToRole(this.runtimeRole);
    acknowledge(policy, [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'codepipeline:ListPipelines, the X-Ray read/trace actions and the CloudWatch read actions do not support resource-level permissions; pipeline reads/approvals are limited to this account, sts:AssumeRole to the member role name.',
        appliesTo: wildcardResourceFindings(this, runtimeStatements),
      },
    ]);

    const image = new PortalImage(this, 'Image', { directory: props.imageDirectory });

    const baseUrl = portal.baseUrl ?? (portal.customDomain ? `https://${portal.customDomain.domainName}` : undefined);
    const environment: Record<string, string> = {
      PORT: String(portal.port),
      HOSTNAME: '0.0.0.0',
      LOG_LEVEL: portal.logLevel,
      AWS_REGION: this.region,
      PORTSIDE_MEMBER_ROLE_NAME: portal.memberRoleName,
      PORTSIDE_MEMBER_EXTERNAL_ID: portal.memberExternalId,
      PGHOST: props.databaseHost,
      PGPORT: String(props.databasePort),
      PGDATABASE: props.databaseName,
      // TLS to RDS, verified against the RDS CA bundle baked into the image (NODE_EXTRA_CA_CERTS).
      PGSSLMODE: 'verify-full',
      OTEL_SERVICE_NAME: prefix,
    };
    if (baseUrl) {
      environment.PORTSIDE_BASE_URL = baseUrl;
    } else {
      Annotations.of(this).addWarning(
        'PORTSIDE_BASE_URL is not set: deploy once, copy the PortalUrl output into portal.baseUrl in bin/environments.ts and deploy again.',
      );
    }
    const fromDb = (jsonKey: string): SecretEnv => ({ secret: props.databaseSecret, jsonKey });
    const fromApp = (jsonKey: string): SecretEnv => ({ secret: this.appSecret, jsonKey });
    this.spec = {
      imageUri: image.imageUri,
      port: portal.port,
      cpu: portal.cpu,
      memoryMiB: portal.memoryMiB,
      healthCheckPath: portal.healthCheckPath,
      minInstances: portal.minInstances,
      maxInstances: portal.maxInstances,
      environment,
      secrets: {
        PGUSER: fromDb('username'),
        PGPASSWORD: fromDb('password'),
        AUTH_SECRET: fromApp('AUTH_SECRET'),
        OIDC_ISSUER: fromApp('OIDC_ISSUER'),
        OIDC_CLIENT_ID: fromApp('OIDC_CLIENT_ID'),
        OIDC_CLIENT_SECRET: fromApp('OIDC_CLIENT_SECRET'),
        PORTSIDE_API_TOKEN: { secret: this.apiTokenSecret, jsonKey: 'token' },
      },
      runtimeRole: this.runtimeRole,
    };

    let defaultUrl: string;
    let serviceId: string;
    if (portal.target === 'apprunner') {
      const svc = new AppRunnerPortal(this, 'AppRunner', {
        serviceName: prefix,
        spec: this.spec,
        imageAsset: image.asset,
        vpc: props.vpc,
        subnets: props.portalSubnets,
        securityGroup: props.portalSecurityGroup,
        maxConcurrency: portal.maxConcurrency,
        customDomainName: portal.customDomain?.domainName,
      });
      defaultUrl = svc.defaultUrl;
      serviceId = svc.service.attrServiceArn;
    } else {
      if (portal.customDomain) {
        Annotations.of(this).addWarning(
          'customDomain is not wired for the ECS target: add a certificate and host-header rule to the Express Mode load balancer by hand (README, ECS target).',
        );
      }
      const svc = new EcsExpressPortal(this, 'Ecs', {
        serviceName: prefix,
        spec: this.spec,
        imageAsset: image.asset,
        vpc: props.vpc,
        subnets: props.publicSubnets,
        securityGroup: props.portalSecurityGroup,
        cpuTargetPercent: portal.ecsCpuTargetPercent,
        logRetentionDays: portal.logRetentionDays,
      });
      defaultUrl = svc.defaultUrl;
      serviceId = svc.service.attrServiceArn;
    }
    this.portalUrl = baseUrl ?? defaultUrl;

    new CfnOutput(this, 'PortalUrl', { value: this.portalUrl, description: 'Public URL of the portal' });
    new CfnOutput(this, 'PortalDefaultUrl', { value: defaultUrl, description: 'URL on the platform default domain' });
    new CfnOutput(this, 'PortalServiceArn', { value: serviceId });
    new CfnOutput(this, 'PortalRoleArn', { value: this.runtimeRole.roleArn });
    new CfnOutput(this, 'ApiTokenSecretArn', { value: this.apiTokenSecret.secretArn });
    new CfnOutput(this, 'AppSecretArn', { value: this.appSecret.secretArn });
  }
}
