import { randomUUID } from 'node:crypto';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import {
  type AttributeValue,
  DeleteTableCommand,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { idempotencyRecordsOn } from '../../functions/chat-config/idempotent-writes';
import {
  createDocumentClient,
  DynamoDbSessionStore,
  type DynamoDbSessionStoreOptions,
} from '../../functions/sessions/dynamodb-session-store';
import { ensureIdempotencyTable, ensureSessionsTable, localDynamoDbClient } from '../../local/dynamodb-local';

/** The DynamoDB Local the global setup started for this run. */
export const testEndpoint = (): string => {
  const endpoint = process.env.TEST_DYNAMODB_ENDPOINT;
  if (!endpoint)
    throw new Error('TEST_DYNAMODB_ENDPOINT is not set: run the tests through jest (global setup)');
  return endpoint;
};

/** A sessions table of the test file's own on DynamoDB Local, with helpers to arrange and inspect items. */
export interface TestTable {
  readonly tableName: string;
  readonly endpoint: string;
  /** A store on this table, built exactly as the Lambda builds its own. */
  readonly store: DynamoDbSessionStore;
  put(item: Record<string, unknown>): Promise<void>;
  get(sessionId: string): Promise<Record<string, unknown> | undefined>;
  /** Puts an item given in DynamoDB's typed attributes: values the DocumentClient cannot write as such. */
  putRaw(item: Record<string, AttributeValue>): Promise<void>;
  /** The item exactly as DynamoDB holds it (typed attributes, as JSON): what "byte for byte unchanged" compares. */
  getRaw(sessionId: string): Promise<string | undefined>;
  drop(): Promise<void>;
}

/**
 * A store on `tableName` at `endpoint`, built as the Lambda builds its own (the same client settings): for endpoints
 * other than a test table's, such as one that refuses connections or a proxy.
 */
export const storeAt = (
  endpoint: string,
  tableName: string,
  options: DynamoDbSessionStoreOptions = {},
): DynamoDbSessionStore => new DynamoDbSessionStore(createDocumentClient({ endpoint }), tableName, options);

/**
 * Creates the table, named `tableName` or else uniquely, on this run's DynamoDB Local, or on the DynamoDB Local at
 * `endpoint`.
 */
export const createTestTable = async (
  tableName = `sessions-${randomUUID()}`,
  endpoint = testEndpoint(),
): Promise<TestTable> => {
  const client = localDynamoDbClient(endpoint);
  await ensureSessionsTable(client, tableName);
  const documents = DynamoDBDocumentClient.from(client);
  const storeClient = createDocumentClient({ endpoint });
  return {
    tableName,
    endpoint,
    store: new DynamoDbSessionStore(storeClient, tableName),
    put: async (item) => {
      await documents.send(new PutCommand({ TableName: tableName, Item: item }));
    },
    get: async (sessionId) =>
      (
        await documents.send(
          new GetCommand({ TableName: tableName, Key: { sessionId }, ConsistentRead: true }),
        )
      ).Item,
    putRaw: async (item) => {
      await client.send(new PutItemCommand({ TableName: tableName, Item: item }));
    },
    getRaw: async (sessionId) =>
      JSON.stringify(
        (
          await client.send(
            new GetItemCommand({
              TableName: tableName,
              Key: { sessionId: { S: sessionId } },
              ConsistentRead: true,
            }),
          )
        ).Item,
      ),
    drop: async () => {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
      storeClient.destroy();
    },
  };
};

/** The idempotency records' table the global setup created for this run. */
const testIdempotencyTableName = (): string => {
  const tableName = process.env.TEST_IDEMPOTENCY_TABLE_NAME;
  if (!tableName) {
    throw new Error('TEST_IDEMPOTENCY_TABLE_NAME is not set: run the tests through jest (global setup)');
  }
  return tableName;
};

/**
 * Idempotency records built as the Lambda builds its own, on the run's table (made by the global setup), or on
 * `tableName` at `endpoint`. Files that send keys use a table of their own (`createIdempotencyTestTable`), so that no
 * other file's key can answer theirs.
 */
export const idempotencyRecordsAt = (
  endpoint = testEndpoint(),
  tableName = testIdempotencyTableName(),
): BasePersistenceLayer => idempotencyRecordsOn(tableName, { endpoint });

/** An idempotency records' table of the test file's own, with what it holds. */
export interface IdempotencyTestTable {
  readonly tableName: string;
  /** Records on this table, built as the Lambda builds its own. */
  readonly records: BasePersistenceLayer;
  /** Every record, as the persistence layer stored it. */
  items(): Promise<Record<string, unknown>[]>;
  drop(): Promise<void>;
}

/** Creates an idempotency records' table on this run's DynamoDB Local, as the stack and npm start create theirs. */
export const createIdempotencyTestTable = async (
  tableName = `idempotency-${randomUUID()}`,
): Promise<IdempotencyTestTable> => {
  const client = localDynamoDbClient(testEndpoint());
  await ensureIdempotencyTable(client, tableName);
  const documents = DynamoDBDocumentClient.from(client);
  return {
    tableName,
    records: idempotencyRecordsAt(testEndpoint(), tableName),
    items: async () =>
      (await documents.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }))).Items ?? [],
    drop: async () => {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    },
  };
};
