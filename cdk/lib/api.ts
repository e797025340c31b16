/**
 * The REST API: an HTTP API (v2) whose every route goes to one Lambda running the Hono app. Auth
 * (hashed API keys) and validation live in the app, identical on one host and on AWS.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { HttpApi, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ISecurityGroup } from 'aws-cdk-lib/aws-ec2';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ENV } from '../../lambdas/config/env.ts';
import { berthFunction, type FunctionContext } from './function.ts';

/** Per-account protection, not per-user quotas (those are the core's): a runaway script cannot starve everyone. */
export const API_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

export interface ApiProps {
  functions: FunctionContext;
  securityGroup: ISecurityGroup;
  adminKey: ISecret;
}

export class Api extends Construct {
  readonly handler: NodejsFunction;
  readonly httpApi: HttpApi;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.handler = berthFunction(this, 'Handler', props.functions, {
      handler: 'api',
      description: 'Berth REST API (Hono)',
      securityGroup: props.securityGroup,
      // API Gateway gives up at 30 s; answering at 29 s returns our error instead of its 503.
      timeout: Duration.seconds(29),
      // Session keypairs (RSA-2048 on request) are generated here; Lambda's CPU grows with memory.
      memorySize: 1024,
      environment: { [ENV.adminKeySecretArn]: props.adminKey.secretArn },
    });
    props.adminKey.grantRead(this.handler);

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Berth API',
      defaultIntegration: new HttpLambdaIntegration('Hono', this.handler),
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.functions.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: API_THROTTLE,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
    });
    Validations.of(this.httpApi).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Every route but /v1/health checks a Berth API key (Authorization: Bearer) inside the Hono app, ' +
        'the same code as the single-host server; a gateway authorizer would double the checks.',
    });
  }
}
