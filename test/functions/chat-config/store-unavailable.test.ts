import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createDocumentClient,
  DynamoDbSessionStore,
  STORE_TIME_LIMITS,
} from '../../../functions/sessions/dynamodb-session-store';
import {
  type DynamoDbLocal,
  ensureSessionsTable,
  localDynamoDbClient,
  startDynamoDbLocal,
} from '../../../local/dynamodb-local';
import { createHttpApiEvent } from '../../helpers/events';
import { REFUSING_ENDPOINT, startSilentDynamoDb, startThrottlingDynamoDb } from '../../helpers/fake-dynamodb';
import { createTestHandler, type TestResponse } from '../../helpers/handler';

// A request must not be held much longer than the store's own deadline, whatever DynamoDB does.
const MAX_HOLD_MS = 3_000;

const storeAt = (endpoint: string, tableName = 'sessions') =>
  new DynamoDbSessionStore(createDocumentClient({ endpoint }), tableName);

const timed = async (request: Promise<TestResponse>) => {
  const started = performance.now();
  const response = await request;
  return { response, elapsedMs: performance.now() - started };
};

const expectUnavailable = (response: TestResponse) => {
  expect(response.statusCode).toBe(503);
  expect(response.headers['retry-after']).toBe('1');
  expect(response.headers['content-type']).toBe('application/problem+json');
  expect(response.body).toMatchObject({ status: 503, error: 'Failed to update chat configuration' });
  expect(response.rawBody).not.toMatch(/Exception|ECONNREFUSED|Timeout|127\.0\.0\.1|sessions/);
};

describe('503 when DynamoDB is unreachable', () => {
  it('answers 503 with Retry-After when connections are refused', async () => {
    const invoke = createTestHandler(storeAt(REFUSING_ENDPOINT));

    const { response, elapsedMs } = await timed(invoke(createHttpApiEvent({ body: { config: {} } })));

    expectUnavailable(response);
    expect(elapsedMs).toBeLessThan(MAX_HOLD_MS);
  });
});

describe('503 when DynamoDB throttles', () => {
  it('retries within its attempt budget, then answers 503 with Retry-After', async () => {
    const throttling = await startThrottlingDynamoDb();
    try {
      const invoke = createTestHandler(storeAt(throttling.endpoint));

      const { response, elapsedMs } = await timed(invoke(createHttpApiEvent({ body: { config: {} } })));

      expectUnavailable(response);
      // Retried, but never past the attempt budget; the SDK's random throttling back-off (up to 1 s, then 2 s) may
      // reach the store's deadline before the last attempt.
      expect(throttling.requests()).toBeGreaterThanOrEqual(2);
      expect(throttling.requests()).toBeLessThanOrEqual(STORE_TIME_LIMITS.maxAttempts);
      expect(elapsedMs).toBeLessThan(MAX_HOLD_MS);
    } finally {
      await throttling.close();
    }
  });
});

describe('503 ahead of the Lambda deadline', () => {
  it('stops the store call, retries included, once the 503 is sent', async () => {
    // GIVEN a DynamoDB that never answers, and a Lambda with 1 s left (the 503 goes out 0.5 s before the end)
    const silent = await startSilentDynamoDb();
    try {
      const invoke = createTestHandler(storeAt(silent.endpoint));

      // WHEN
      const { response } = await timed(invoke(createHttpApiEvent({ body: { config: {} } }), 1_000));
      await sleep(STORE_TIME_LIMITS.requestTimeoutMs + 500);

      // THEN the first attempt was the last: without the abort, a retry would follow its 1 s time-out
      expectUnavailable(response);
      expect(silent.requests()).toBe(1);
    } finally {
      await silent.close();
    }
  });
});

describe('503 when DynamoDB does not answer (DynamoDB Local frozen with SIGSTOP)', () => {
  const original = {
    sessionId: 'session-1',
    ownerId: 'alice',
    config: { model: 'gpt-3.5-turbo' },
    configVersion: 1,
  };
  const update = { model: 'gpt-4', temperature: 1 };
  let frozen: DynamoDbLocal;
  let documents: DynamoDBDocumentClient;
  let invoke: ReturnType<typeof createTestHandler>;

  beforeAll(async () => {
    frozen = await startDynamoDbLocal();
    const client = localDynamoDbClient(frozen.endpoint);
    await ensureSessionsTable(client, 'sessions');
    documents = DynamoDBDocumentClient.from(client);
    invoke = createTestHandler(storeAt(frozen.endpoint));
  });
  afterAll(async () => {
    process.kill(frozen.pid, 'SIGCONT');
    documents.destroy();
    await frozen.stop();
  });

  /** Sends the request while DynamoDB Local is stopped, and lets it run again once the answer is in. */
  const whileFrozen = async (request: () => Promise<TestResponse>) => {
    process.kill(frozen.pid, 'SIGSTOP');
    try {
      return await timed(request());
    } finally {
      process.kill(frozen.pid, 'SIGCONT');
    }
  };

  it('gives up within the deadline; the item is then intact or fully written, and writes succeed again', async () => {
    // GIVEN
    await documents.send(new PutCommand({ TableName: 'sessions', Item: original }));

    // WHEN
    const { response, elapsedMs } = await whileFrozen(() =>
      invoke(createHttpApiEvent({ body: { config: update } })),
    );

    // THEN
    expectUnavailable(response);
    expect(elapsedMs).toBeLessThan(MAX_HOLD_MS);
    const after = (
      await documents.send(new GetCommand({ TableName: 'sessions', Key: { sessionId: 'session-1' } }))
    ).Item;
    if (after?.configVersion === original.configVersion) {
      expect(after).toEqual(original);
    } else {
      // Attempts the store gave up on may still land once DynamoDB resumes: each one whole, never a mix.
      expect(after).toEqual({
        ...original,
        config: update,
        configVersion: expect.any(Number),
        updatedAt: expect.any(String),
      });
    }
    expect((await invoke(createHttpApiEvent({ body: { config: update } }))).statusCode).toBe(200);
  });

  it('answers 503 before a Lambda deadline that comes first', async () => {
    const { response, elapsedMs } = await whileFrozen(() =>
      invoke(createHttpApiEvent({ body: { config: {} } }), 1_000),
    );

    expectUnavailable(response);
    expect(elapsedMs).toBeLessThan(1_000);
  });
});
