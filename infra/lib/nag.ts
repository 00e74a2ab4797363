import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { IConstruct } from 'constructs';

/** One cdk-nag rule acknowledged on a construct (and everything below it). */
export interface NagAcknowledgement {
  /** Rule id, e.g. `AwsSolutions-IAM5`. */
  readonly id: string;
  /** Why the finding is acceptable here. Required and specific: reviewers read these. */
  readonly reason: string;
  /** Restrict to these findings (e.g. `Resource::*`) instead of the whole rule. */
  readonly appliesTo?: string[];
}

/**
 * Acknowledge cdk-nag findings with CDK's validation API (cdk-nag v3 has no
 * NagSuppressions). Each finding keeps its own reason; `appliesTo` narrows an
 * acknowledgement to `RuleId[FindingId]`.
 */
export function acknowledge(scope: IConstruct, rules: NagAcknowledgement[]): void {
  for (const rule of rules) {
    if (rule.reason.trim().length < 30) {
      throw new Error(`cdk-nag acknowledgement ${rule.id} on ${scope.node.path} needs a specific reason`);
    }
    const ids = rule.appliesTo?.length ? rule.appliesTo.map((f) => `${rule.id}[${f}]`) : [rule.id];
    // Namespaced like the validation report prints it: `AwsSolutions::AwsSolutions-IAM5[...]`
    // (an id without a namespace would be taken for an annotation id).
    for (const id of ids) Validations.of(scope).acknowledge({ id: `${packOf(rule.id)}::${id}`, reason: rule.reason });
  }
}

const acknowledgedProviders = new WeakSet<IConstruct>();

/**
 * The Lambda behind every `AwsCustomResource` of a stack is one singleton that
 * aws-cdk-lib creates and configures; acknowledge its findings once per stack
 * (call after creating an `AwsCustomResource`, which is the fallback scope).
 */
export function acknowledgeAwsCustomResourceProvider(customResource: cr.AwsCustomResource): void {
  const stack = Stack.of(customResource);
  const provider = stack.node.tryFindChild(`AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
  const scope = provider ?? customResource;
  if (acknowledgedProviders.has(scope)) return;
  acknowledgedProviders.add(scope);
  acknowledge(scope, [
    {
      id: 'AwsSolutions-IAM4',
      reason: 'CDK AwsCustomResource provider uses AWSLambdaBasicExecutionRole for its own CloudWatch Logs only.',
      appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
    },
    {
      id: 'AwsSolutions-L1',
      reason: 'Runtime of the CDK-managed AwsCustomResource provider function is chosen by aws-cdk-lib.',
    },
  ]);
}

/**
 * `Resource::<arn>` findings cdk-nag reports for the wildcard resources of these
 * statements (stacks here always have a concrete account/region, so ARNs are literals).
 */
export function wildcardResourceFindings(stack: Stack, statements: iam.PolicyStatement[]): string[] {
  const findings = new Set<string>();
  for (const statement of statements) {
    for (const resource of statement.resources) {
      const resolved = stack.resolve(resource);
      if (typeof resolved === 'string' && resolved.includes('*')) findings.add(`Resource::${resolved}`);
    }
  }
  return [...findings];
}

/** `AwsSolutions-IAM5` -> `AwsSolutions` (the cdk-nag pack, i.e. the validation plugin namespace). */
function packOf(ruleId: string): string {
  const pack = ruleId.split('-')[0];
  if (!pack) throw new Error(`not a cdk-nag rule id: ${ruleId}`);
  return pack;
}
