/**
 * The VPC: an existing one named by ids (no lookups, so `cdk synth` needs no AWS access), or a new
 * one with two zones, public subnets for the load balancers and private subnets with one NAT for
 * everything else.
 */

import { Validations } from 'aws-cdk-lib';
import {
  FlowLogDestination,
  GatewayVpcEndpointAwsService,
  type IVpc,
  type SubnetSelection,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { ExistingVpc } from './config.ts';

export interface NetworkProps {
  existing?: ExistingVpc;
  /** where a new VPC's flow logs go */
  logBucket: IBucket;
}

export class Network extends Construct {
  readonly vpc: IVpc;
  /** Lambdas, session tasks, EFS mount targets */
  readonly privateSubnets: SubnetSelection;
  /** internet-facing ALBs and NLBs */
  readonly publicSubnets: SubnetSelection;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    if (props.existing) {
      this.vpc = Vpc.fromVpcAttributes(this, 'Vpc', {
        vpcId: props.existing.vpcId,
        availabilityZones: props.existing.availabilityZones,
        publicSubnetIds: props.existing.publicSubnetIds,
        privateSubnetIds: props.existing.privateSubnetIds,
      });
      Validations.of(this).acknowledge({
        id: 'Annotation::@aws-cdk/aws-ec2:noSubnetRouteTableId',
        reason:
          "An existing VPC's routing is its owner's: this stack adds no routes or gateway endpoints to it.",
      });
    } else {
      const vpc = new Vpc(this, 'Vpc', {
        maxAzs: 2,
        // One NAT: a zone outage cuts egress for the other zone's sessions, but a second NAT
        // doubles the largest idle cost of the deployment (docs/deploy.md).
        natGateways: 1,
        subnetConfiguration: [
          { name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 },
          { name: 'private', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        ],
        // Free gateway endpoints keep ECR image layers (served from S3) and table traffic off the
        // metered NAT.
        gatewayEndpoints: {
          s3: { service: GatewayVpcEndpointAwsService.S3 },
          dynamodb: { service: GatewayVpcEndpointAwsService.DYNAMODB },
        },
      });
      vpc.addFlowLog('FlowLog', { destination: FlowLogDestination.toS3(props.logBucket, 'vpc-flow-logs/') });
      this.vpc = vpc;
    }
    this.privateSubnets = { subnetType: SubnetType.PRIVATE_WITH_EGRESS };
    this.publicSubnets = { subnetType: SubnetType.PUBLIC };
  }
}
