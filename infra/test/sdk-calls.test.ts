/**
 * Least privilege, held to the code: the actions each role is granted are
 * exactly the AWS SDK commands lib/ sends for that role's purpose, found by
 * scanning the source (`new XxxCommand(` and `paginateXxx(` of the
 * @aws-sdk/client-* packages). A grant nothing calls fails here, and so does
 * a new call that no role grants.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { REPO_ROOT } from '../lib/constructs/portal-image';
import { Synthesized, actionsOf, configFor, roleStatements, synthesize } from './helpers';

/** IAM service prefix of each SDK client package lib/ may use. */
const IAM_PREFIX: Record<string, string> = {
  'client-codepipeline': 'codepipeline',
  'client-cloudwatch': 'cloudwatch',
  'client-xray': 'xray',
  'client-sts': 'sts',
  'client-secrets-manager': 'secretsmanager',
};
/** Files whose calls are made as another role than the read role. */
const APPROVAL_FILE = 'lib/pipelines/collect/codepipeline-approval.ts';
const DATABASE_SECRET_FILE = 'lib/aws/secrets-manager.ts';
/** AssumeRole is not a command lib/ sends itself: fromTemporaryCredentials (lib/aws/clients.ts) calls it for member accounts. */
const CREDENTIAL_PROVIDER_ACTIONS = ['sts:AssumeRole'];
/** App Runner's own X-Ray tracing sends the portal's traces as the instance role (not lib/). */
const APP_RUNNER_TRACING_ACTIONS = ['xray:GetSamplingRules', 'xray:GetSamplingStatisticSummaries', 'xray:GetSamplingTargets', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
/** App Runner resolves the injected secrets as the instance role (on ECS the execution role does). */
const APP_RUNNER_SECRET_INJECTION_ACTIONS = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' || entry.name === 'testing' ? [] : sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.startsWith('fake-') ? [full] : [];
  });
}

/** `service:Operation` for every command or paginator a file uses, from the names it imports from each client package. */
export function sdkCallsIn(source: string): string[] {
  const calls = new Set<string>();
  for (const match of source.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*["']@aws-sdk\/(client-[\w-]+)["']/g)) {
    const prefix = IAM_PREFIX[match[2]!];
    if (!prefix) throw new Error(`no IAM prefix for @aws-sdk/${match[2]}: add it to IAM_PREFIX`);
    const names = match[1]!.split(',').map((n) => n.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]!).filter(Boolean);
    for (const name of names) {
      const command = /^(\w+)Command$/.exec(name);
      if (command && new RegExp(`new\\s+${name}\\(`).test(source)) calls.add(`${prefix}:${command[1]}`);
      const paginator = /^paginate(\w+)$/.exec(name);
      if (paginator && new RegExp(`${name}\\(`).test(source)) calls.add(`${prefix}:${paginator[1]}`);
    }
  }
  return [...calls];
}

const callsByFile = new Map(sourceFiles(path.join(REPO_ROOT, 'lib')).map((f) => [path.relative(REPO_ROOT, f), sdkCallsIn(fs.readFileSync(f, 'utf8'))]));
const union = (files: (f: string) => boolean) => new Set([...callsByFile].filter(([f]) => files(f)).flatMap(([, calls]) => calls));
const readCalls = union((f) => f !== APPROVAL_FILE && f !== DATABASE_SECRET_FILE);
const approvalCalls = union((f) => f === APPROVAL_FILE);
const secretCalls = union((f) => f === DATABASE_SECRET_FILE);
const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

let ecs: Synthesized;
let appRunner: Synthesized;

before(() => {
  ecs = synthesize(configFor('dev', 'ecs'));
  appRunner = synthesize(configFor('dev', 'apprunner'));
});

function granted(s: Synthesized, stack: 'portal' | 'member', roleName: string): string[] {
  const target = stack === 'portal' ? s.stacks.portal : s.stacks.members[0]!;
  const template = s.template(target);
  const [roleId] = Object.keys(template.findResources('AWS::IAM::Role', { Properties: { RoleName: roleName } }));
  assert.ok(roleId, `no role ${roleName}`);
  return sorted(roleStatements(template, roleId).filter((st) => st.Effect === 'Allow').flatMap(actionsOf));
}

describe('granted actions = SDK calls made', () => {
  it('finds the calls lib/ makes (the scan itself works)', () => {
    assert.ok(readCalls.has('codepipeline:ListPipelines'));
    assert.ok(readCalls.has('cloudwatch:DescribeAlarms'), 'paginateDescribeAlarms');
    assert.ok(approvalCalls.has('codepipeline:PutApprovalResult'));
    assert.deepEqual(sorted(secretCalls), ['secretsmanager:GetSecretValue']);
    assert.deepEqual(sdkCallsIn('import { FooCommand, paginateBar } from "@aws-sdk/client-xray";\nnew FooCommand({}); paginateBar({}, {});'), ['xray:Foo', 'xray:Bar']);
    assert.deepEqual(sdkCallsIn('import { FooCommand } from "@aws-sdk/client-xray";'), [], 'an import alone is no call');
  });

  it('member read role: exactly the collectors\' calls', () => {
    assert.deepEqual(granted(ecs, 'member', 'PortsideRead'), sorted(readCalls));
  });

  it('member approval role: exactly the approval\'s calls', () => {
    assert.deepEqual(granted(ecs, 'member', 'PortsideApprove'), sorted(approvalCalls));
  });

  it('portal role on ECS: every call lib/ makes, and AssumeRole into member accounts', () => {
    assert.deepEqual(granted(ecs, 'portal', 'portside-dev-portal'), sorted([...readCalls, ...approvalCalls, ...secretCalls, ...CREDENTIAL_PROVIDER_ACTIONS]));
  });

  it('portal role on App Runner: the same, plus what App Runner does as it (tracing, secret injection)', () => {
    assert.deepEqual(
      granted(appRunner, 'portal', 'portside-dev-portal'),
      sorted([...readCalls, ...approvalCalls, ...secretCalls, ...CREDENTIAL_PROVIDER_ACTIONS, ...APP_RUNNER_TRACING_ACTIONS, ...APP_RUNNER_SECRET_INJECTION_ACTIONS]),
    );
  });
});
