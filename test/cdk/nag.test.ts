/**
 * cdk-nag's AwsSolutions pack over the whole stack: no finding — error or warning — may stand
 * unless it is acknowledged next to its cause with a specific reason.
 */
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { synthBerth } from './synth.ts';

// synthBerth already synthesized with the AwsSolutions plugin registered (it throws on findings)
// and CDK's own CloudFormation validation; the checks below make the result readable.
const { stack } = synthBerth();

function acknowledgments(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id,
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    const findings = report.violations.flatMap((v) =>
      v.violatingResources.map((r) => `${v.severity ?? 'error'} ${v.ruleName} @ ${r.constructPath ?? ''}`),
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('has a specific reason for every acknowledgment', () => {
    const all = acknowledgments(stack);
    expect(all.length).toBeGreaterThan(20);
    for (const { path, id, reason } of all) {
      expect(reason.length, `${id} @ ${path}`).toBeGreaterThanOrEqual(40);
    }
  });

  it('acknowledges no AwsSolutions rule for the whole stack at once', () => {
    const stackWide = acknowledgments(stack).filter((a) => a.path === stack.node.path);
    expect(stackWide.filter((a) => a.id.includes('AwsSolutions'))).toEqual([]);
  });
});
