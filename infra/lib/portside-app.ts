import { App, DefaultStackSynthesizer, Environment, Stage, Tags } from 'aws-cdk-lib';
import { PortsideConfig, portalEventBusName, portalRoleName } from './config';
import { DatabaseStack } from './stacks/database-stack';
import { EventsStack } from './stacks/events-stack';
import { MemberAccountStack } from './stacks/member-account-stack';
import { NetworkStack } from './stacks/network-stack';
import { PortalStack } from './stacks/portal-stack';

export interface PortsideStacks {
  readonly network: NetworkStack;
  readonly database: DatabaseStack;
  readonly portal: PortalStack;
  readonly events: EventsStack;
  readonly members: MemberAccountStack[];
}

export interface BuildOptions {
  /** Directory with the Dockerfile (tests may point elsewhere); defaults to the repository root. */
  readonly imageDirectory?: string;
}

/** Creates every Portside stack for one environment in `scope`. */
export function buildPortside(scope: App | Stage, config: PortsideConfig, options: BuildOptions = {}): PortsideStacks {
  const env: Environment = { account: config.account, region: config.region };
  const stackName = (part: string) => `Portside-${config.envName}-${part}`;
  const common = { env, terminationProtection: config.envName === 'prod' };

  const network = new NetworkStack(scope, stackName('Network'), {
    ...common,
    config,
    description: `Portside ${config.envName}: VPC and portal security group`,
  });
  const database = new DatabaseStack(scope, stackName('Database'), {
    ...common,
    config,
    vpc: network.vpc,
    databaseSubnets: network.databaseSubnets,
    rotationSubnets: network.portalSubnets,
    portalSecurityGroup: network.portalSecurityGroup,
    description: `Portside ${config.envName}: PostgreSQL (${config.database.engine})`,
  });
  const portal = new PortalStack(scope, stackName('Portal'), {
    ...common,
    config,
    vpc: network.vpc,
    portalSubnets: network.portalSubnets,
    publicSubnets: network.publicSubnets,
    portalSecurityGroup: network.portalSecurityGroup,
    databaseSecret: database.secret,
    databaseHost: database.endpointAddress,
    databasePort: database.port,
    databaseName: database.databaseName,
    imageDirectory: options.imageDirectory,
    description: `Portside ${config.envName}: portal on ${config.portal.target === 'apprunner' ? 'App Runner' : 'ECS Express Mode'}`,
  });
  const events = new EventsStack(scope, stackName('Events'), {
    ...common,
    config,
    portalUrl: portal.portalUrl,
    apiTokenSecret: portal.apiTokenSecret,
    description: `Portside ${config.envName}: EventBridge delivery to the portal`,
  });

  const members = config.events.memberAccounts.map(
    (m) =>
      new MemberAccountStack(scope, stackName(`Member-${m.accountId}`), {
        env: { account: m.accountId, region: m.region ?? config.region },
        // No bootstrap-version rule: the template can also be used as a StackSet as-is.
        synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
        portalAccount: config.account,
        portalRegion: config.region,
        portalRoleName: portalRoleName(config),
        memberRoleName: config.portal.memberRoleName,
        approvalRoleName: m.approvalRole === false ? undefined : config.portal.memberApprovalRoleName,
        externalId: config.portal.memberExternalId,
        portalEventBusName: portalEventBusName(config),
        envName: config.envName,
        description: `Portside ${config.envName}: member account roles and event forwarding`,
      }),
  );
  // The trust policies name the portal role, which must exist first.
  for (const m of members) m.addStackDependency(portal, 'member role trusts the portal runtime role');

  for (const [k, v] of Object.entries(config.tags)) Tags.of(scope).add(k, v);
  return { network, database, portal, events, members };
}
