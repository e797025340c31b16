/**
 * What moves sessions without a user asking: ECS task state changes (a task came up, died, was
 * stopped) and a once-a-minute reaper that stops idle sessions and reconciles drift.
 */
import { Duration } from 'aws-cdk-lib';
import type { ISecurityGroup } from 'aws-cdk-lib/aws-ec2';
import type { ICluster } from 'aws-cdk-lib/aws-ecs';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { berthFunction, type FunctionContext } from './function.ts';
import { REAPER_INTERVAL_SECONDS } from './lambda-environment.ts';

export interface SessionEventsProps {
  functions: FunctionContext;
  securityGroup: ISecurityGroup;
  cluster: ICluster;
}

export class SessionEvents extends Construct {
  readonly taskEvents: NodejsFunction;
  readonly reaper: NodejsFunction;
  readonly taskStateRule: Rule;
  readonly reaperSchedule: Rule;

  constructor(scope: Construct, id: string, props: SessionEventsProps) {
    super(scope, id);

    this.taskEvents = berthFunction(this, 'TaskEvents', props.functions, {
      handler: 'events',
      description: 'Berth: ECS task state changes -> session state, ingress',
      securityGroup: props.securityGroup,
      timeout: Duration.seconds(60),
      memorySize: 512,
    });
    this.taskStateRule = new Rule(this, 'TaskStateChange', {
      description: 'Berth: task state changes of the session cluster',
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: { clusterArn: [props.cluster.clusterArn] },
      },
      // Transitions are conditional writes, so a retried event is harmless; one lost would leave
      // a session waiting for the reconciler.
      targets: [new LambdaFunction(this.taskEvents, { retryAttempts: 8, maxEventAge: Duration.hours(1) })],
    });

    this.reaper = berthFunction(this, 'Reaper', props.functions, {
      handler: 'reaper',
      description: 'Berth: stop idle sessions, reconcile drift',
      securityGroup: props.securityGroup,
      // A tick ends before the next one starts, so ticks do not pile up. (No reserved concurrency:
      // new accounts have a concurrency quota of 10, and any reservation would fail the deploy.
      // Overlapping ticks are harmless anyway: every transition is a conditional write.)
      timeout: Duration.seconds(REAPER_INTERVAL_SECONDS - 5),
      memorySize: 512,
    });
    this.reaperSchedule = new Rule(this, 'ReaperSchedule', {
      description: 'Berth: reaper tick',
      schedule: Schedule.rate(Duration.seconds(REAPER_INTERVAL_SECONDS)),
      // The next tick does the same work; retrying a missed one would only pile up.
      targets: [new LambdaFunction(this.reaper, { retryAttempts: 0 })],
    });
  }
}
