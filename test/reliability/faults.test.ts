import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createDocumentClient,
  DynamoDbSessionStore,
  STORE_TIME_LIMITS,
} from '../../functions/sessions/dynamodb-session-store';
import {
  type DynamoDbLocal,
  ensureSessionsTable,
  freePort,
  localDynamoDbClient,
  startDynamoDbLocal,
} from '../../local/dynamodb-local';
import { createTestTable, type TestTable } from '../helpers/dynamodb';
import { createHttpApiEvent } from '../helpers/events';
import { REFUSING_ENDPOINT, startSilentDynamoDb, startThrottlingProxy } from '../helpers/fake-dynamodb';
import { printFigure } from '../helpers/figures';
import { createTestHandler, type TestResponse } from '../helpers/handler';
import { type CapturedLogs, captureLogs, SENTINEL } from '../helpers/logs';

// Faults: DynamoDB refusing connections, killed mid-run, frozen, throttling, and a Lambda deadline coming first.
// Whatever breaks, the client gets a 503 with Retry-After within 3 s, the session is never half-written, and the
// service answers 200 again once DynamoDB is back. The suite ends with one line of figures.

// A request must not be held much longer than the store's own deadline, whatever DynamoDB does.
const MAX_HOLD_MS = 3_000;

const storeAt = (endpoint: string, tableName = 'sessions') =>
  new DynamoDbSessionStore(createDocumentClient({ endpoint }), tableName);

let logs: CapturedLogs;
const logger = () => new Logger({ serviceName: 'chat-config', logLevel: 'DEBUG' });
const figures: string[] = [];
const worst503Ms: number[] = [];

beforeAll(() => {
  logs = captureLogs();
});
afterAll(() => {
  logs.restore();
  const text = logs.text();
  expect(text).not.toContain(SENTINEL);
  printFigure(
    `faults: ${figures.join('; ')}; every 503 within ${Math.ceil(Math.max(...worst503Ms))} ms, ${text.split('\n').length - 1} log lines without a config value`,
  );
});

const timed = async (request: Promise<TestResponse>) => {
  const started = performance.now();
  const response = await request;
  return { response, elapsedMs: performance.now() - started };
};

const expectUnavailable = ({ response, elapsedMs }: { response: TestResponse; elapsedMs: number }) => {
  expect(response.statusCode).toBe(503);
  expect(response.headers['retry-after']).toBe('1');
  expect(response.headers['content-type']).toBe('application/problem+json');
  expect(response.body).toMatchObject({ status: 503, error: 'Failed to update chat configuration' });
  expect(response.rawBody).not.toMatch(/Exception|ECONN|Timeout|127\.0\.0\.1|sessions|sentinel/);
  expect(elapsedMs).toBeLessThan(MAX_HOLD_MS);
  worst503Ms.push(elapsedMs);
};

/** A config whose fields all tell which write it was: a mix of two writes could not pass for either. */
const configOf = (write: number) => ({
  model: `model-${write}`,
  max_tokens: write,
  system_prompt: `${SENTINEL} ${write} `.repeat(200),
});

const ms = (values: number[]) => `${Math.round(Math.max(...values))} ms`;

/** Runs `use` with a DocumentClient on `endpoint`, then lets its connections go. */
const documentsAt = async <T>(endpoint: string, use: (documents: DynamoDBDocumentClient) => Promise<T>) => {
  const documents = DynamoDBDocumentClient.from(localDynamoDbClient(endpoint));
  try {
    return await use(documents);
  } finally {
    documents.destroy();
  }
};

/** `session-1` of the `sessions` table at `endpoint`, read consistently. */
const itemAt = (endpoint: string) =>
  documentsAt(endpoint, async (documents) => {
    const { Item } = await documents.send(
      new GetCommand({ TableName: 'sessions', Key: { sessionId: 'session-1' }, ConsistentRead: true }),
    );
    return Item as Record<string, unknown> & { configVersion: number };
  });

describe('DynamoDB refuses connections', () => {
  it('answers 503 with Retry-After within 3 s', async () => {
    const invoke = createTestHandler(storeAt(REFUSING_ENDPOINT), logger());

    const outcome = await timed(invoke(createHttpApiEvent({ body: { config: configOf(1) } })));

    expectUnavailable(outcome);
    figures.push(`refused → 503 in ${ms([outcome.elapsedMs])}`);
  });
});

describe('DynamoDB Local killed mid-run, then restarted on its data', () => {
  const original = { sessionId: 'session-1', ownerId: 'alice', config: configOf(0), configVersion: 10 };
  let dataDir: string;
  let port: number;
  let dynamodb: DynamoDbLocal;

  const start = async () => {
    dynamodb = await startDynamoDbLocal({ port, dbPath: dataDir });
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'dynamodb-data-'));
    port = await freePort();
    await start();
    const client = localDynamoDbClient(dynamodb.endpoint);
    await ensureSessionsTable(client, 'sessions');
    client.destroy();
  });
  afterAll(async () => {
    await dynamodb?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 within 3 s while it is down; the item is then whole, and writes succeed again', async () => {
    // GIVEN a writer sending configs one after another
    await documentsAt(dynamodb.endpoint, (documents) =>
      documents.send(new PutCommand({ TableName: 'sessions', Item: original })),
    );
    const invoke = createTestHandler(storeAt(dynamodb.endpoint), logger());
    const outcomes: { write: number; status: number; elapsedMs: number }[] = [];
    let writing = true;
    const writer = (async () => {
      for (let write = 1; writing; write++) {
        const { response, elapsedMs } = await timed(
          invoke(createHttpApiEvent({ body: { config: configOf(write) } })),
        );
        outcomes.push({ write, status: response.statusCode, elapsedMs });
        if (response.statusCode === 503) expectUnavailable({ response, elapsedMs });
      }
    })();

    // WHEN DynamoDB Local is killed while writes run (a few have been answered), stays down 2 s, and comes back on
    // the same data
    while (outcomes.length < 5) await sleep(10);
    await dynamodb.stop();
    await sleep(2_000);
    writing = false;
    await writer;
    await start();

    // THEN every write before the kill answered 200, every one after it 503
    const acknowledged = outcomes.filter((o) => o.status === 200);
    const refused = outcomes.filter((o) => o.status === 503);
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    expect(acknowledged.length + refused.length).toBe(outcomes.length);
    const lastAcknowledged = Math.max(...acknowledged.map((o) => o.write));
    expect(acknowledged.map((o) => o.write)).toEqual(
      Array.from({ length: lastAcknowledged }, (_, i) => i + 1),
    );
    // ... and the item is whole: the last acknowledged write, or the one in flight at the kill, never a mix
    const after = await itemAt(dynamodb.endpoint);
    const landed = after.configVersion - original.configVersion;
    expect([lastAcknowledged, lastAcknowledged + 1]).toContain(landed);
    expect(after).toEqual({
      ...original,
      config: configOf(landed),
      configVersion: original.configVersion + landed,
      updatedAt: expect.any(String),
    });

    // ... and the same function, its client and connections untouched, writes again
    const recovered = await timed(invoke(createHttpApiEvent({ body: { config: configOf(1_000) } })));
    expect(recovered.response.statusCode).toBe(200);
    expect(recovered.response.body.version).toBe(after.configVersion + 1);
    figures.push(
      `killed mid-run → ${acknowledged.length} writes 200 before, ${refused.length} 503 while down (slowest ${ms(refused.map((o) => o.elapsedMs))}), item whole, the first write after the restart 200 in ${Math.round(recovered.elapsedMs)} ms`,
    );
  }, 60_000);
});

describe('DynamoDB Local frozen (SIGSTOP: connections accepted, nothing answered)', () => {
  const original = { sessionId: 'session-1', ownerId: 'alice', config: configOf(0), configVersion: 1 };
  let frozen: DynamoDbLocal;
  let invoke: ReturnType<typeof createTestHandler>;

  beforeAll(async () => {
    frozen = await startDynamoDbLocal();
    const client = localDynamoDbClient(frozen.endpoint);
    await ensureSessionsTable(client, 'sessions');
    client.destroy();
    invoke = createTestHandler(storeAt(frozen.endpoint), logger());
  });
  afterAll(async () => {
    process.kill(frozen.pid, 'SIGCONT');
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

  it('gives up within 3 s; the item is then intact or fully written, and writes succeed again', async () => {
    // GIVEN
    await documentsAt(frozen.endpoint, (documents) =>
      documents.send(new PutCommand({ TableName: 'sessions', Item: original })),
    );

    // WHEN
    const outcome = await whileFrozen(() => invoke(createHttpApiEvent({ body: { config: configOf(1) } })));

    // THEN
    expectUnavailable(outcome);
    // Attempts the store gave up on may still land once DynamoDB resumes: each one whole, never a mix.
    await sleep(500);
    const after = await itemAt(frozen.endpoint);
    const landed = after.configVersion - original.configVersion;
    expect(after).toEqual(
      landed === 0
        ? original
        : {
            ...original,
            config: configOf(1),
            configVersion: after.configVersion,
            updatedAt: expect.any(String),
          },
    );
    expect(landed).toBeLessThanOrEqual(STORE_TIME_LIMITS.maxAttempts);
    const recovered = await invoke(createHttpApiEvent({ body: { config: configOf(2) } }));
    expect(recovered.statusCode).toBe(200);
    figures.push(
      `frozen → 503 in ${ms([outcome.elapsedMs])}, ${landed} late attempt(s) landed whole, then 200`,
    );
  });

  it('answers 503 before a Lambda deadline that comes first', async () => {
    const outcome = await whileFrozen(() =>
      invoke(createHttpApiEvent({ body: { config: configOf(3) } }), 1_000),
    );

    expectUnavailable(outcome);
    expect(outcome.elapsedMs).toBeLessThan(1_000);
    figures.push(`frozen with 1 s of Lambda left → 503 in ${ms([outcome.elapsedMs])}`);
  });
});

describe('DynamoDB throttling (injected on the transport: DynamoDB Local never throttles)', () => {
  const original = { sessionId: 'session-1', ownerId: 'alice', config: configOf(0), configVersion: 5 };
  let table: TestTable;

  beforeAll(async () => {
    table = await createTestTable();
  });
  afterAll(async () => table.drop());

  it('retries a throttled write, which then lands once', async () => {
    await table.put(original);
    const proxy = await startThrottlingProxy(table.endpoint, (request) => request === 1);
    try {
      const invoke = createTestHandler(storeAt(proxy.endpoint, table.tableName), logger());

      const { response, elapsedMs } = await timed(
        invoke(createHttpApiEvent({ body: { config: configOf(1) } })),
      );

      expect(response.statusCode).toBe(200);
      expect(proxy.requests()).toBe(2);
      expect(await table.get('session-1')).toEqual({
        ...original,
        config: configOf(1),
        configVersion: 6,
        updatedAt: response.body.updatedAt,
      });
      figures.push(`throttled once → retried → 200 in ${Math.round(elapsedMs)} ms, written once`);
    } finally {
      await proxy.close();
    }
  });

  it('retries within its attempt budget, then answers 503 with Retry-After, and changes nothing', async () => {
    await table.put(original);
    const proxy = await startThrottlingProxy(table.endpoint, () => true);
    try {
      const invoke = createTestHandler(storeAt(proxy.endpoint, table.tableName), logger());

      const outcome = await timed(invoke(createHttpApiEvent({ body: { config: configOf(1) } })));

      expectUnavailable(outcome);
      // Retried, but never past the attempt budget; the SDK's random throttling back-off (up to 1 s, then 2 s) may
      // reach the store's deadline before the last attempt.
      expect(proxy.requests()).toBeGreaterThanOrEqual(2);
      expect(proxy.requests()).toBeLessThanOrEqual(STORE_TIME_LIMITS.maxAttempts);
      expect(await table.get('session-1')).toEqual(original);
      figures.push(`always throttled → ${proxy.requests()} attempts → 503 in ${ms([outcome.elapsedMs])}`);
    } finally {
      await proxy.close();
    }
  });
});

describe('a Lambda deadline before DynamoDB answers', () => {
  it('stops the store call, retries included, once the 503 is sent', async () => {
    // GIVEN a DynamoDB that never answers, and a Lambda with 1 s left (the 503 goes out 0.5 s before the end)
    const silent = await startSilentDynamoDb();
    try {
      const invoke = createTestHandler(storeAt(silent.endpoint), logger());

      // WHEN
      const outcome = await timed(invoke(createHttpApiEvent({ body: { config: configOf(1) } }), 1_000));
      await sleep(STORE_TIME_LIMITS.requestTimeoutMs + 500);

      // THEN the first attempt was the last: without the abort, a retry would follow its 1 s time-out
      expectUnavailable(outcome);
      expect(silent.requests()).toBe(1);
      figures.push(`deadline 1 s away → 503 in ${ms([outcome.elapsedMs])}, no attempt after it`);
    } finally {
      await silent.close();
    }
  });
});
