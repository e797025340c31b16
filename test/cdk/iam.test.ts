/**
 * Who may do what: every permission of the Berth roles is pinned to this stack's table, cluster,
 * file system, load balancers and buckets, and iam:PassRole hands out the two session roles only.
 */
import { Capture, Match } from 'aws-cdk-lib/assertions';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { describe, expect, it } from 'vitest';
import { logicalId, resourcesOf, synthBerth } from './synth.ts';

const { stack, template } = synthBerth();

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resourcesOfStatement = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);
const ref = (construct: { node: { defaultChild?: unknown } }) => ({ Ref: logicalId(stack, construct) });
const arnOf = (construct: { node: { defaultChild?: unknown } }) => ({
  'Fn::GetAtt': [logicalId(stack, construct), 'Arn'],
});

const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).map((p) => ({
  roles: p.Properties.Roles as unknown[],
  statements: (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
}));
const allStatements = policies.flatMap((p) => p.statements);

/** Every statement of the inline policies attached to a role. */
function statementsOf(role: IRole): Statement[] {
  const roleRef = JSON.stringify({ Ref: logicalId(stack, role) });
  return policies
    .filter((p) => p.roles.some((r) => JSON.stringify(r) === roleRef))
    .flatMap((p) => p.statements);
}
const statementsWith = (role: IRole, action: string) =>
  statementsOf(role).filter((s) => actionsOf(s).includes(action));
const roleOf = (fn: NodejsFunction) => fn.role as IRole;

const cluster = arnOf(stack.compute.cluster);
const table = arnOf(stack.state.table);
const fileSystem = arnOf(stack.storage.fileSystem);
const controlPlane = {
  api: stack.api.handler,
  events: stack.sessionEvents.taskEvents,
  reaper: stack.sessionEvents.reaper,
};

it('conditions RunTask on the cluster the stack makes', () => {
  const clusterArn = new Capture();
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({ Action: 'ecs:RunTask', Condition: { ArnEquals: { 'ecs:cluster': clusterArn } } }),
      ]),
    },
  });
  expect(clusterArn.asObject()).toEqual(cluster);
});

describe.each(Object.entries(controlPlane))('the %s role', (_name, fn) => {
  const role = roleOf(fn);

  it('reads and writes only this table and its indexes', () => {
    const [dynamo, ...more] = statementsOf(role).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('dynamodb:')),
    );
    expect(more).toEqual([]);
    expect(dynamo?.Resource).toEqual([table, { 'Fn::Join': ['', [table, '/index/*']] }]);
  });

  it('runs, stops and lists tasks on this cluster only', () => {
    for (const action of ['ecs:RunTask', 'ecs:StopTask', 'ecs:DescribeTasks', 'ecs:ListTasks']) {
      const statements = statementsWith(role, action);
      expect(statements.length, action).toBeGreaterThan(0);
      for (const statement of statements) {
        expect(statement.Condition, action).toEqual({ ArnEquals: { 'ecs:cluster': cluster } });
      }
    }
    const [run] = statementsWith(role, 'ecs:RunTask');
    expect(JSON.stringify(run?.Resource)).toContain(':task-definition/berth-ws-*:*');
    const stop = JSON.stringify(statementsWith(role, 'ecs:StopTask')[0]?.Resource);
    expect(stop).toContain(':task/');
    expect(stop).toContain(JSON.stringify(ref(stack.compute.cluster)));
  });

  it('passes the two session roles, to ECS tasks only', () => {
    const [pass, ...more] = statementsWith(role, 'iam:PassRole');
    expect(more).toEqual([]);
    expect(pass?.Resource).toEqual(
      expect.arrayContaining([arnOf(stack.compute.taskRole), arnOf(stack.compute.executionRole)]),
    );
    expect(resourcesOfStatement(pass as Statement)).toHaveLength(2);
    expect(pass?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
  });

  it('tags ECS and ELB resources only while creating them', () => {
    for (const action of ['ecs:TagResource', 'elasticloadbalancing:AddTags']) {
      for (const statement of statementsWith(role, action)) {
        expect(Object.keys(statement.Condition?.StringEquals ?? {}), action).toEqual([
          action.startsWith('ecs') ? 'ecs:CreateAction' : 'elasticloadbalancing:CreateAction',
        ]);
      }
    }
  });

  it('changes only Berth-named, Berth-tagged target groups and only our listeners and rules', () => {
    const [create] = statementsWith(role, 'elasticloadbalancing:CreateTargetGroup');
    expect(create?.Condition).toEqual({ StringEquals: { 'aws:RequestTag/berth:managed': 'true' } });
    const [register] = statementsWith(role, 'elasticloadbalancing:RegisterTargets');
    expect(register?.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/berth:managed': 'true' } });
    expect(JSON.stringify(register?.Resource)).toMatch(
      /targetgroup\/berth-app-\*\/\*.*targetgroup\/berth-ssh-\*\/\*/,
    );

    const listeners = stack.ingress.sessionListeners.map((l) => stack.resolve(l.listenerArn));
    expect(
      resourcesOfStatement(statementsWith(role, 'elasticloadbalancing:CreateRule')[0] as Statement),
    ).toEqual(listeners);
    const nlbs = stack.ingress.nlbs.map((nlb) => ref(nlb));
    expect(
      resourcesOfStatement(statementsWith(role, 'elasticloadbalancing:CreateListener')[0] as Statement),
    ).toEqual(nlbs);
    const deleteRule = JSON.stringify(statementsWith(role, 'elasticloadbalancing:DeleteRule')[0]?.Resource);
    for (const alb of stack.ingress.albs) {
      expect(deleteRule).toContain(`"Fn::GetAtt":["${logicalId(stack, alb)}","LoadBalancerFullName"]`);
    }
  });

  it('uses "*" only where AWS offers no resource-level permission', () => {
    const unscoped = statementsOf(role)
      .filter((s) => resourcesOfStatement(s).includes('*'))
      .flatMap((s) => actionsOf(s).filter((a) => !(a === 'ecs:ListTasks' && s.Condition)));
    expect(unscoped.sort()).toEqual(
      ['ecs:DescribeTaskDefinition', 'ecs:RegisterTaskDefinition', 'elasticloadbalancing:Describe*'].sort(),
    );
  });
});

describe('the API role', () => {
  const role = roleOf(stack.api.handler);

  it('makes access points on this file system only, and tags them only while making them', () => {
    const [create] = statementsWith(role, 'elasticfilesystem:CreateAccessPoint');
    expect(create?.Resource).toEqual(fileSystem);
    const [tag] = statementsWith(role, 'elasticfilesystem:TagResource');
    expect(tag?.Condition).toEqual({
      StringEquals: { 'elasticfilesystem:CreateAction': 'CreateAccessPoint' },
    });
  });

  it('reads the admin key secret and presigns uploads under uploads/ only', () => {
    const [secret] = statementsWith(role, 'secretsmanager:GetSecretValue');
    expect(secret?.Resource).toEqual(ref(stack.node.findChild('Secrets').node.findChild('AdminKey')));
    const [put] = statementsWith(role, 's3:PutObject');
    expect(put?.Resource).toEqual({ 'Fn::Join': ['', [arnOf(stack.transfer.bucket), '/uploads/*']] });
  });

  it('is the only role allowed those', () => {
    for (const fn of [stack.sessionEvents.taskEvents, stack.sessionEvents.reaper]) {
      for (const action of [
        'elasticfilesystem:CreateAccessPoint',
        'secretsmanager:GetSecretValue',
        's3:PutObject',
      ]) {
        expect(statementsWith(roleOf(fn), action)).toEqual([]);
      }
    }
  });
});

describe('the ingest role', () => {
  const role = roleOf(stack.transfer.ingest);

  it('reads and deletes uploads, mounts through its access point, and nothing more', () => {
    const actions = statementsOf(role).flatMap(actionsOf).sort();
    expect(actions).toEqual(
      [
        'elasticfilesystem:ClientMount',
        'elasticfilesystem:ClientWrite',
        's3:DeleteObject',
        's3:GetObject',
      ].sort(),
    );
    const [mount] = statementsWith(role, 'elasticfilesystem:ClientMount');
    const accessPoint = stack.transfer.node.findChild('IngestAccessPoint');
    expect(JSON.stringify(mount?.Condition?.StringEquals?.['elasticfilesystem:AccessPointArn'])).toContain(
      JSON.stringify(ref(accessPoint)),
    );
  });
});

describe('the session task roles', () => {
  it('let a task mount and write this file system through an access point, and nothing else', () => {
    expect(statementsOf(stack.compute.taskRole)).toEqual([
      {
        Effect: 'Allow',
        Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
        Resource: fileSystem,
        Condition: { ArnLike: { 'elasticfilesystem:AccessPointArn': expect.anything() } },
      },
    ]);
    const accessPoint = JSON.stringify(statementsOf(stack.compute.taskRole)[0]?.Condition);
    expect(accessPoint).toContain(':access-point/*');
  });

  it('grant root on the file system to nobody', () => {
    expect(allStatements.flatMap(actionsOf)).not.toContain('elasticfilesystem:ClientRootAccess');
    const efs = Object.values(resourcesOf(template, 'AWS::EFS::FileSystem'))[0];
    const policy = efs?.Properties?.FileSystemPolicy as { Statement: Statement[] };
    expect(policy.Statement.filter((s) => s.Effect === 'Allow')).toEqual([]);
  });

  it('trust only ECS tasks of this account', () => {
    const taskRole = resourcesOf(template, 'AWS::IAM::Role')[logicalId(stack, stack.compute.taskRole)];
    expect(taskRole?.Properties?.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'ecs-tasks.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            ArnLike: { 'aws:SourceArn': expect.anything() },
          },
        },
      ],
    });
  });

  it('let the execution role pull the image and write the session log group only', () => {
    const actions = statementsOf(stack.compute.executionRole).flatMap(actionsOf).sort();
    expect(actions).toEqual(
      [
        'ecr:BatchCheckLayerAvailability',
        'ecr:BatchGetImage',
        'ecr:GetAuthorizationToken',
        'ecr:GetDownloadUrlForLayer',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
      ].sort(),
    );
    const logs = statementsWith(stack.compute.executionRole, 'logs:PutLogEvents')[0];
    expect(logs?.Resource).toEqual(arnOf(stack.compute.logGroup));
  });
});

it('lets no policy anywhere in the stack pass a role other than the two session roles', () => {
  const passRole = allStatements.filter((s) =>
    actionsOf(s).some((a) => a === 'iam:PassRole' || a === 'iam:*' || a === '*'),
  );
  expect(passRole.length).toBe(3);
  const allowed = [arnOf(stack.compute.taskRole), arnOf(stack.compute.executionRole)].map((a) =>
    JSON.stringify(a),
  );
  for (const statement of passRole) {
    for (const resource of resourcesOfStatement(statement))
      expect(allowed).toContain(JSON.stringify(resource));
  }
});
