import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import * as fs from 'fs';
import * as path from 'path';
import { resolveConfig } from '../bin/environments';
import { PortsideConfig } from '../lib/config';
import { BuildOptions, PortsideStacks, buildPortside } from '../lib/portside-app';

/** The context of cdk.json (feature flags, AZs) so tests synthesize like the CLI does. */
export const CDK_CONTEXT: Record<string, unknown> = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8'),
).context;

export interface Synthesized {
  readonly app: App;
  readonly config: PortsideConfig;
  readonly stacks: PortsideStacks;
  /** Error thrown by synthesis (cdk-nag findings end up here), if any. */
  readonly synthError?: Error;
  template(stack: Stack): Template;
}

/** Builds and synthesizes one configuration once, with cdk-nag AwsSolutions registered. */
export function synthesize(config: PortsideConfig, options: BuildOptions = {}): Synthesized {
  const app = new App({ context: CDK_CONTEXT });
  const stacks = buildPortside(app, config, options);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  let synthError: Error | undefined;
  try {
    app.synth();
  } catch (e) {
    synthError = withReport(e as Error);
  }
  const cache = new Map<Stack, Template>();
  return {
    app,
    config,
    stacks,
    synthError,
    template(stack: Stack) {
      if (synthError) throw synthError;
      let t = cache.get(stack);
      if (!t) {
        t = Template.fromStack(stack);
        cache.set(stack, t);
      }
      return t;
    },
  };
}

export function configFor(env: 'dev' | 'prod', target: 'apprunner' | 'ecs'): PortsideConfig {
  return resolveConfig(env, target);
}

export interface IamStatement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
  Sid?: string;
}

export interface StatementWithOwner {
  readonly logicalId: string;
  readonly type: string;
  readonly statement: IamStatement;
}

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Every permission statement in a template (policies, inline role policies, resource policies). */
export function allStatements(template: Template): StatementWithOwner[] {
  const out: StatementWithOwner[] = [];
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties?: any }>;
  for (const [logicalId, r] of Object.entries(resources)) {
    const docs: any[] = [];
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') docs.push(r.Properties?.PolicyDocument);
    if (r.Type === 'AWS::IAM::Role') for (const p of asArray(r.Properties?.Policies)) docs.push((p as any).PolicyDocument);
    if (r.Type === 'AWS::SQS::QueuePolicy' || r.Type === 'AWS::SecretsManager::ResourcePolicy') {
      docs.push(r.Properties?.PolicyDocument ?? r.Properties?.ResourcePolicy);
    }
    for (const doc of docs) {
      for (const statement of asArray(doc?.Statement)) out.push({ logicalId, type: r.Type, statement: statement as IamStatement });
    }
  }
  return out;
}

export function actionsOf(s: IamStatement): string[] {
  return asArray(s.Action);
}

/** Statements of the inline/attached policies of one role (by logical id). */
export function roleStatements(template: Template, roleLogicalId: string): IamStatement[] {
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties?: any }>;
  const out: IamStatement[] = [];
  for (const r of Object.values(resources)) {
    if (r.Type !== 'AWS::IAM::Policy') continue;
    const roles = asArray(r.Properties?.Roles) as any[];
    if (roles.some((x) => x?.Ref === roleLogicalId)) out.push(...(asArray(r.Properties.PolicyDocument.Statement) as IamStatement[]));
  }
  return out;
}

/**
 * Roles (logical ids) whose policies allow secretsmanager:GetSecretValue on a
 * resource matching `resource` (tested against the flattened CloudFormation
 * value), plus `resource-policy:<id>` for any secret resource policy that does.
 */
export function secretReaders(template: Template, resource: RegExp): string[] {
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties?: any }>;
  const readers = new Set<string>();
  const matches = (s: IamStatement) =>
    s.Effect === 'Allow' &&
    actionsOf(s).some((a) => a === 'secretsmanager:GetSecretValue' || a === 'secretsmanager:*' || a === '*') &&
    asArray(s.Resource as unknown).some((r) => resource.test(flat(r)) || r === '*');
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') {
      if (!asArray(r.Properties?.PolicyDocument?.Statement).some((st) => matches(st as IamStatement))) continue;
      for (const role of asArray(r.Properties?.Roles) as any[]) readers.add(role?.Ref ?? flat(role));
    }
    if (r.Type === 'AWS::IAM::Role') {
      for (const p of asArray(r.Properties?.Policies) as any[]) {
        if (asArray(p.PolicyDocument?.Statement).some((st) => matches(st as IamStatement))) readers.add(id);
      }
    }
    if (r.Type === 'AWS::SecretsManager::ResourcePolicy') readers.add(`resource-policy:${id}`);
  }
  return [...readers].sort();
}

/** Name -> flattened value of the App Runner service's plain variables and secrets. */
export function appRunnerEnv(template: Template): { plain: Record<string, string>; secrets: Record<string, string> } {
  const service = Object.values(template.findResources('AWS::AppRunner::Service'))[0] as any;
  const cfg = service.Properties.SourceConfiguration.ImageRepository.ImageConfiguration;
  return {
    plain: Object.fromEntries(asArray(cfg.RuntimeEnvironmentVariables as any[]).map((e: any) => [e.Name, typeof e.Value === 'string' ? e.Value : flat(e.Value)])),
    secrets: Object.fromEntries(asArray(cfg.RuntimeEnvironmentSecrets as any[]).map((e: any) => [e.Name, flat(e.Value)])),
  };
}

/** The same for the ECS Express Mode service's container. */
export function ecsEnv(template: Template): { plain: Record<string, string>; secrets: Record<string, string> } {
  const service = Object.values(template.findResources('AWS::ECS::ExpressGatewayService'))[0] as any;
  const c = service.Properties.PrimaryContainer;
  return {
    plain: Object.fromEntries(asArray(c.Environment as any[]).map((e: any) => [e.Name, typeof e.Value === 'string' ? e.Value : flat(e.Value)])),
    secrets: Object.fromEntries(asArray(c.Secrets as any[]).map((e: any) => [e.Name, flat(e.ValueFrom)])),
  };
}

/** Logical id of the single resource of `type` in the template. */
export function onlyLogicalId(template: Template, type: string): string {
  const ids = Object.keys(template.findResources(type));
  if (ids.length !== 1) throw new Error(`expected one ${type}, found ${ids.length}`);
  return ids[0];
}

/** Every acknowledgement (cdk-nag suppression) recorded in the construct tree. */
export function acknowledgements(root: IConstruct): Array<{ path: string; id: string; reason: string }> {
  const out: Array<{ path: string; id: string; reason: string }> = [];
  for (const c of root.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) out.push({ path: c.node.path, id, reason });
    }
  }
  return out;
}

/** Resolved string form of a CloudFormation value for loose matching in assertions. */
export function flat(value: unknown): string {
  return JSON.stringify(value);
}

/** Docker image assets of a stack, from its asset manifest. */
export function dockerImageAssets(s: Synthesized, stack: Stack): any[] {
  const assembly = s.app.synth();
  const manifest = assembly.artifacts.find((a) => a.id === `${stack.artifactId}.assets`) as any;
  if (!manifest) throw new Error(`no asset manifest for ${stack.stackName}`);
  const contents = JSON.parse(fs.readFileSync(manifest.file, 'utf8'));
  return Object.values(contents.dockerImages ?? {});
}

/** A fixed build context, so image hashes do not change while the app is being edited. */
export const FIXTURE_IMAGE_DIR = path.join(__dirname, 'fixtures', 'image');

/** The validation error names its report file; put the report's findings into the message. */
export function withReport(error: Error): Error {
  const file = /report can be found in: (\S+\.json)/.exec(error.message)?.[1];
  if (file && fs.existsSync(file)) {
    const report = JSON.parse(fs.readFileSync(file, 'utf8'));
    const findings: string[] = [];
    for (const plugin of report.pluginReports ?? []) {
      for (const v of plugin.violations ?? []) {
        if (v.severity === 'error' || v.severity === 'fatal' || v.severity === undefined) {
          findings.push(`${v.ruleName}: ${(v.violatingConstructs ?? v.violatingResources ?? []).map((r: any) => r.constructPath ?? r.resourceLogicalId).join(', ')}`);
        }
      }
    }
    error.message += `\n${findings.join('\n')}`;
  }
  return error;
}
