/**
 * The one DynamoDB table, built from lambdas/store/table.ts so the keys and indexes the code
 * queries are exactly the ones that exist.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct, type IConstruct } from 'constructs';
import { INDEXES, KEYS, TTL_ATTRIBUTE } from '../../lambdas/store/table.ts';
import { wildcardResource } from './nag.ts';

export class State extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: KEYS.partition, type: AttributeType.STRING },
      sortKey: { name: KEYS.sort, type: AttributeType.STRING },
      // Load follows sessions being started and stopped: spiky, mostly idle.
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      // Users, API key hashes and session records outlive a stack: `cdk destroy` keeps them.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of Object.values(INDEXES)) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partition, type: AttributeType.STRING },
        sortKey: { name: index.sort, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
  }

  /** Items and the table's own indexes; nothing else in the account. */
  grantReadWrite(grantee: IGrantable & IConstruct): void {
    this.table.grantReadWriteData(grantee);
    Validations.of(grantee).acknowledge({
      id: wildcardResource(grantee, `${this.table.tableArn}/index/*`),
      reason: "Queries on this table's own GSIs (lambdas/store/table.ts INDEXES).",
    });
  }
}
