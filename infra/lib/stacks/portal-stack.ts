import { Annotations, ArnFormat, CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { acknowledge, acknowledgeAwsCustomResourceProvider, wildcardResourceFindings } from '../nag';
import { Construct } from 'constructs';
import { OIDC_CALLBACK_PATH, OidcConfig, PortsideConfig, namePrefix, portalRoleName } from '../config';
import { AppRunnerPortal } from '../constructs/apprunner-portal';
import { EcsExpressPortal } from '../constructs/ecs-express-portal';
import { DORA_REFRESH_OLDEST_METRIC, JOB_QUEUE_OLDEST_METRIC, appMetric, portalAlarm } from '../constructs/portal-alarms';
import { DATABASE_SECRET_ACTIONS, portalRuntimeStatements } from '../constructs/portal-permissions';
import { PortalImage } from '../constructs/portal-image';
import { PortalRuntimeSpec, SecretEnv } from '../constructs/portal-runtime';

export interface PortalStackProps extends StackProps {
  readonly config: PortsideConfig;
  readonly vpc: ec2.IVpc;
  /** Private subnets with egress: App Runner's VPC connector, the ECS tasks. */
  readonly portalSubnets: ec2.SubnetSelection;
  /** Public subnets: the ECS Express Mode load balancer only. */
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
 * the service on the selected target (ECS Express Mode by default, App Runner
 * with `-c target=apprunner` for accounts that already use it), and the
 * portal's own alarms.
 */
export class PortalStack extends Stack {
  /** Public base URL without trailing slash (https://...). */
  public readonly portalUrl: string;
  public readonly runtimeRole: iam.Role;
  public readonly apiTokenSecret: secretsmanager.Secret;
  /** Generated PORTSIDE_AUTH_SECRET (key `secret`). */
  public readonly authSecret: secretsmanager.Secret;
  /** The operator's existing secret with the OIDC client secret, when SSO is configured. */
  public readonly oidcClientSecret?: secretsmanager.ISecret;
  public readonly spec: PortalRuntimeSpec;

  private readonly props: PortalStackProps;

  constructor(scope: Construct, id: string, props: PortalStackProps) {
    super(scope, id, props);
    this.props = props;
    const { config } = props;
    const portal = config.portal;
    const prefix = namePrefix(config);

    // Signs session cookies and encrypts stored OAuth tokens (PORTSIDE_AUTH_SECRET).
    this.authSecret = new secretsmanager.Secret(this, 'AuthSecret', {
      secretName: `${prefix}/auth`,
      description: 'Portside PORTSIDE_AUTH_SECRET: signs session cookies (generated; changing it signs everyone out)',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({}),
        generateStringKey: 'secret',
        passwordLength: 64,
        excludePunctuation: true,
        includeSpace: false,
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
    acknowledge(this.apiTokenSecret, [
      {
        id: 'AwsSolutions-SMG4',
        reason:
          'Rotated by the operator (docs/deployment.md, "Rotating secrets"): the value must be changed together with the EventBridge connection that sends it, which a rotation Lambda cannot do.',
      },
    ]);
    acknowledge(this.authSecret, [
      {
        id: 'AwsSolutions-SMG4',
        reason:
          'Rotated by the operator (docs/deployment.md, "Rotating secrets"): running instances keep the value they started with, so a new value needs a redeploy (and signs everyone out), which a rotation Lambda cannot do.',
      },
    ]);

    // Fixed name: member accounts trust this role by ARN.
    this.runtimeRole = new iam.Role(this, 'RuntimeRole', {
      roleName: portalRoleName(config),
      assumedBy: new iam.ServicePrincipal(
        portal.target === 'apprunner' ? 'tasks.apprunner.amazonaws.com' : 'ecs-tasks.amazonaws.com',
      ),
      description: `Portside ${config.envName} portal runtime role (${portal.target})`,
    });
    // The database password, read by the app when a connection logs in (rotation needs no redeploy).
    const runtimeStatements = [
      ...portalRuntimeStatements(this, config),
      new iam.PolicyStatement({ sid: 'DatabaseSecretRead', actions: DATABASE_SECRET_ACTIONS, resources: [props.databaseSecret.secretArn] }),
    ];
    const policy = new iam.Policy(this, 'RuntimePolicy', { statements: runtimeStatements });
    policy.attachToRole(this.runtimeRole);
    acknowledge(policy, [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'codepipeline:ListPipelines, the X-Ray read/trace actions and the CloudWatch read actions do not support resource-level permissions; pipeline reads/approvals are limited to this account, sts:AssumeRole to the member read and approval role names.',
        appliesTo: wildcardResourceFindings(this, runtimeStatements),
      },
    ]);

    const image = new PortalImage(this, 'Image', { directory: props.imageDirectory });

    const baseUrl = portal.baseUrl ?? (portal.customDomain ? `https://${portal.customDomain.domainName}` : undefined);
    const environment: Record<string, string> = {
      // The image's server (Next's standalone server.js) listens on HOSTNAME, on this port: every address of the
      // container, where the platform would otherwise give it the container's name (the Dockerfile sets the same).
      PORT: String(portal.port),
      HOSTNAME: '0.0.0.0',
      LOG_LEVEL: portal.logLevel,
      AWS_REGION: this.region,
      PORTSIDE_MEMBER_ROLE_NAME: portal.memberRoleName,
      PORTSIDE_MEMBER_APPROVAL_ROLE_NAME: portal.memberApprovalRoleName,
      PORTSIDE_MEMBER_EXTERNAL_ID: portal.memberExternalId,
      PGHOST: props.databaseHost,
      PGPORT: String(props.databasePort),
      PGDATABASE: props.databaseName,
      // TLS to RDS, verified against the RDS CA bundle baked into the image (NODE_EXTRA_CA_CERTS).
      PGSSLMODE: 'verify-full',
      // The password is not injected: the app reads it from this secret when a connection logs in, and again when
      // the database refuses it, so the 30-day rotation needs no redeploy (lib/db-connection.ts).
      PORTSIDE_DB_SECRET_ARN: props.databaseSecret.secretArn,
      // App Runner and ECS Express Mode both put one load balancer in front, which appends the client's address to
      // X-Forwarded-For: the bad-token limit counts that address, not what the client wrote (lib/http.ts clientIp).
      PORTSIDE_TRUSTED_PROXY_HOPS: '1',
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
    const secrets: Record<string, SecretEnv> = {
      PGUSER: fromDb('username'),
      PORTSIDE_AUTH_SECRET: { secret: this.authSecret, jsonKey: 'secret' },
      PORTSIDE_API_TOKEN: { secret: this.apiTokenSecret, jsonKey: 'token' },
    };
    if (portal.oidc) {
      Object.assign(environment, oidcEnvironment(portal.oidc));
      this.oidcClientSecret = this.importOidcClientSecret(portal.oidc);
      secrets.PORTSIDE_OIDC_CLIENT_SECRET = { secret: this.oidcClientSecret, jsonKey: portal.oidc.clientSecretJsonKey };
      if (!baseUrl) {
        Annotations.of(this).addWarning(
          'portal.oidc is set but the base URL is not known yet: set portal.baseUrl (or customDomain) so that PORTSIDE_BASE_URL and the OidcCallbackUrl output are right.',
        );
      }
    }
    this.spec = {
      imageUri: image.imageUri,
      port: portal.port,
      cpu: portal.cpu,
      memoryMiB: portal.memoryMiB,
      healthCheckPath: portal.healthCheckPath,
      minInstances: portal.minInstances,
      maxInstances: portal.maxInstances,
      environment,
      secrets,
      runtimeRole: this.runtimeRole,
    };

    let defaultUrl: string;
    let serviceId: string;
    let http: TPortalHttpMetrics;
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
      const appRunner = (metricName: string, statistic: string) =>
        new cloudwatch.Metric({
          namespace: 'AWS/AppRunner',
          metricName,
          statistic,
          period: Duration.minutes(5),
          dimensionsMap: { ServiceName: prefix, ServiceID: svc.service.attrServiceId },
        });
      http = {
        errors: appRunner('5xxStatusResponses', 'Sum'),
        requests: appRunner('Requests', 'Sum'),
        // App Runner reports milliseconds.
        latencySeconds: new cloudwatch.MathExpression({ expression: 'latency / 1000', usingMetrics: { latency: appRunner('RequestLatency', 'p90') }, period: Duration.minutes(5) }),
      };
    } else {
      if (portal.customDomain) {
        Annotations.of(this).addWarning(
          'customDomain is not wired for the ECS target: add a certificate and host-header rule to the Express Mode load balancer by hand (docs/deployment.md, "Targets").',
        );
      }
      const svc = new EcsExpressPortal(this, 'Ecs', {
        serviceName: prefix,
        spec: this.spec,
        imageAsset: image.asset,
        vpc: props.vpc,
        taskSubnets: props.portalSubnets,
        loadBalancerSubnets: props.publicSubnets,
        securityGroup: props.portalSecurityGroup,
        cpuTargetPercent: portal.ecsCpuTargetPercent,
        logRetentionDays: portal.logRetentionDays,
      });
      defaultUrl = svc.defaultUrl;
      serviceId = svc.service.attrServiceArn;
      const alb = (metricName: string, statistic: string) =>
        new cloudwatch.Metric({
          namespace: 'AWS/ApplicationELB',
          metricName,
          statistic,
          period: Duration.minutes(5),
          dimensionsMap: { LoadBalancer: svc.loadBalancerDimension },
        });
      http = {
        errors: alb('HTTPCode_Target_5XX_Count', 'Sum'),
        requests: alb('RequestCount', 'Sum'),
        latencySeconds: alb('TargetResponseTime', 'p90'),
      };
    }
    this.addAlarms(http);
    this.portalUrl = baseUrl ?? defaultUrl;

    new CfnOutput(this, 'PortalUrl', { value: this.portalUrl, description: 'Public URL of the portal' });
    new CfnOutput(this, 'PortalDefaultUrl', { value: defaultUrl, description: 'URL on the platform default domain' });
    new CfnOutput(this, 'PortalServiceArn', { value: serviceId });
    new CfnOutput(this, 'PortalRoleArn', { value: this.runtimeRole.roleArn });
    new CfnOutput(this, 'ApiTokenSecretArn', { value: this.apiTokenSecret.secretArn });
    new CfnOutput(this, 'AuthSecretArn', { value: this.authSecret.secretArn });
    if (baseUrl) {
      // Known at synth time only with portal.baseUrl / customDomain; the IdP needs it before SSO works.
      new CfnOutput(this, 'OidcCallbackUrl', {
        value: `${baseUrl}${OIDC_CALLBACK_PATH}`,
        description: 'Redirect (callback) URL to register at the OpenID provider',
      });
    }
  }

  /**
   * The portal's own alarms on its requests and its background work (the
   * database's are in the database stack, the event delivery's in the events
   * stack), mapped to the portal's own catalog entry.
   */
  private addAlarms(http: TPortalHttpMetrics): void {
    const { config } = this.props;
    const prefix = namePrefix(config);
    const serviceSlug = config.portal.serviceSlug;
    portalAlarm(this, 'Http5xxRateAlarm', {
      alarmName: `${prefix}-http-5xx-rate`,
      description: 'More than 5% of the portal\'s responses were server errors for 15 minutes',
      metric: new cloudwatch.MathExpression({
        expression: '100 * errors / MAX([requests, 1])',
        usingMetrics: { errors: http.errors, requests: http.requests },
        period: Duration.minutes(5),
        label: '5xx responses (%)',
      }),
      threshold: 5,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      severity: 'SEV2',
      serviceSlug,
    });
    portalAlarm(this, 'LatencyAlarm', {
      alarmName: `${prefix}-latency-p90`,
      description: 'The portal\'s p90 response time was above 2 seconds for 15 minutes',
      metric: http.latencySeconds,
      threshold: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      severity: 'SEV3',
      serviceSlug,
    });
    portalAlarm(this, 'JobQueueAgeAlarm', {
      alarmName: `${prefix}-job-queue-age`,
      description: 'A collector job has waited more than 15 minutes to run (the job queue is stuck or starved)',
      metric: appMetric(JOB_QUEUE_OLDEST_METRIC),
      threshold: 15 * 60,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      severity: 'SEV3',
      serviceSlug,
    });
    portalAlarm(this, 'DoraBacklogAlarm', {
      alarmName: `${prefix}-dora-refresh-backlog`,
      description: 'A deployment has waited more than 10 minutes for its DORA figures (the refresh backlog in /api/ready)',
      metric: appMetric(DORA_REFRESH_OLDEST_METRIC),
      threshold: 10 * 60,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      severity: 'SEV4',
      serviceSlug,
    });
  }

  /**
   * The OIDC client secret lives in a secret the operator created. An ARN is
   * used as is; a name is resolved to the complete ARN at deploy time (App
   * Runner needs the complete ARN), by a lookup that may only describe that
   * secret, never read its value.
   */
  private importOidcClientSecret(oidc: OidcConfig): secretsmanager.ISecret {
    if (oidc.clientSecretArn) {
      return secretsmanager.Secret.fromSecretCompleteArn(this, 'OidcClientSecret', oidc.clientSecretArn);
    }
    const name = oidc.clientSecretName!;
    const lookup = new cr.AwsCustomResource(this, 'OidcClientSecretLookup', {
      onUpdate: {
        service: 'SecretsManager',
        action: 'describeSecret',
        parameters: { SecretId: name },
        physicalResourceId: cr.PhysicalResourceId.fromResponse('ARN'),
        outputPaths: ['ARN'],
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['secretsmanager:DescribeSecret'],
          resources: [
            this.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${name}-??????`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
          ],
        }),
      ]),
      installLatestAwsSdk: false,
    });
    acknowledgeAwsCustomResourceProvider(lookup);
    return secretsmanager.Secret.fromSecretCompleteArn(this, 'OidcClientSecret', lookup.getResponseField('ARN'));
  }
}

/** Request metrics of whichever target serves the portal. */
interface TPortalHttpMetrics {
  readonly errors: cloudwatch.IMetric;
  readonly requests: cloudwatch.IMetric;
  readonly latencySeconds: cloudwatch.IMetric;
}

/** Plain PORTSIDE_OIDC_* variables (everything but the client secret); unset options are left to the portal's defaults. */
export function oidcEnvironment(oidc: OidcConfig): Record<string, string> {
  const env: Record<string, string | undefined> = {
    PORTSIDE_OIDC_ISSUER: oidc.issuer,
    PORTSIDE_OIDC_CLIENT_ID: oidc.clientId,
    PORTSIDE_OIDC_SCOPES: oidc.scopes,
    PORTSIDE_OIDC_NAME: oidc.name,
    PORTSIDE_OIDC_DISCOVERY_URL: oidc.discoveryUrl,
    PORTSIDE_OIDC_AUTHORIZATION_URL: oidc.authorizationUrl,
    PORTSIDE_OIDC_TOKEN_URL: oidc.tokenUrl,
    PORTSIDE_OIDC_USERINFO_URL: oidc.userInfoUrl,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
