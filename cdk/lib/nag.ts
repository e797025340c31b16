/**
 * Helpers for acknowledging cdk-nag findings next to the code that causes them. cdk-nag names an
 * IAM wildcard finding by the flattened CloudFormation value of the resource (`<LogicalId.Attr>`
 * for references), which changes with logical ids and the pinned region; deriving the id from the
 * same value the policy uses keeps each acknowledgment attached to exactly one statement.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The same flattening cdk-nag applies (cdk-nag/lib/utils/flatten-cfn-reference). */
function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const record = node as Record<string, unknown>;
    const join = record['Fn::Join'];
    if (Array.isArray(join)) {
      const [delimiter, items] = join as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if (record['Fn::Sub'] !== undefined) return flatten(record['Fn::Sub']);
    const getAtt = record['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${flatten(getAtt[0])}.${flatten(getAtt[1])}>`;
    if (record['Fn::ImportValue'] !== undefined) return flatten(record['Fn::ImportValue']);
    if (record.Ref !== undefined) return `<${flatten(record.Ref)}>`;
  }
  return JSON.stringify(node);
}

/** The AwsSolutions-IAM5 finding id for a wildcard resource ARN (a token or a literal). */
export function wildcardResource(scope: IConstruct, arn: string): string {
  return `AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(arn))}]`;
}

/** The AwsSolutions-IAM5 finding id for a wildcard action. */
export const wildcardAction = (action: string) => `AwsSolutions-IAM5[Action::${action}]`;

/** The AwsSolutions-IAM4 finding id for an AWS managed policy (service-role/… etc.). */
export const managedPolicy = (name: string) =>
  `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`;

/**
 * CDK adds some helpers as stack-level singletons (BucketDeployment's and S3 notifications'
 * Lambdas), with ids derived from a fixed UUID; they are found by that prefix.
 */
export function acknowledgeSingleton(
  scope: IConstruct,
  idPrefix: string,
  ...acknowledgments: { id: string; reason: string }[]
): void {
  const stack = Stack.of(scope);
  const singletons = stack.node.children.filter((child) => child.node.id.startsWith(idPrefix));
  if (singletons.length === 0) throw new Error(`no stack-level construct named ${idPrefix}*`);
  for (const singleton of singletons) Validations.of(singleton).acknowledge(...acknowledgments);
}
