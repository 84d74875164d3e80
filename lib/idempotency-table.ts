import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import {
  IDEMPOTENCY_TABLE_KEY,
  IDEMPOTENCY_TABLE_OPERATIONS,
  IDEMPOTENCY_TTL_ATTRIBUTE,
} from '../functions/chat-config/idempotency-table';

/** The DynamoDB actions the function's idempotency records need, and nothing else. */
export const IDEMPOTENCY_TABLE_ACTIONS = IDEMPOTENCY_TABLE_OPERATIONS.map(
  (operation) => `dynamodb:${operation}`,
);

/**
 * Where the chat-config function keeps, for a day, the first response to each write sent with an `Idempotency-Key`,
 * so that a retry gets it again instead of writing twice. Records hold responses, config values included: the table
 * is kept, encrypted and recoverable as the sessions table is, and DynamoDB's time to live deletes each record after
 * it expires.
 */
export class IdempotencyTable extends TableV2 {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      partitionKey: { name: IDEMPOTENCY_TABLE_KEY, type: AttributeType.STRING },
      timeToLiveAttribute: IDEMPOTENCY_TTL_ATTRIBUTE,
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** Lets `grantee` read and write the records, exactly as the persistence layer does. */
  grantRecords(grantee: IGrantable) {
    return this.grant(grantee, ...IDEMPOTENCY_TABLE_ACTIONS);
  }
}
