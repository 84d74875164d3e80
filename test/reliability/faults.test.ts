import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { STORE_TIME_LIMITS } from '../../functions/sessions/dynamodb-session-store';
import { type DynamoDbLocal, freePort, startDynamoDbLocal } from '../../local/dynamodb-local';
import { createTestTable, storeAt, type TestTable } from '../helpers/dynamodb';
import { recordTableWrites } from '../helpers/dynamodb-streams';
import { createHttpApiEvent } from '../helpers/events';
import { type DynamoDbProxy, REFUSING_ENDPOINT, startDynamoDbProxy } from '../helpers/fake-dynamodb';
import { printFigure } from '../helpers/figures';
import { createTestHandler, type TestResponse, testRequestLog } from '../helpers/handler';
import { SENTINEL, useSentinelLogs } from '../helpers/logs';
import {
  auditFigures,
  auditWriter,
  freezeInCycles,
  fulfilled,
  requestConfig,
  settled,
  type WriterAudit,
  writeWhile,
} from './freeze-thaw';

// Faults: DynamoDB refusing connections, killed mid-run, frozen (once, or in cycles while clients write), answering
// after the attempt time-out, throttling, and a Lambda deadline coming first. Whatever breaks, the client gets a 503
// with Retry-After within 3 s, the session is never half-written, a request is applied at most once and answered as it
// was applied, and the service answers 200 again once DynamoDB is back. The suite ends with one line of figures.

// A request must not be held much longer than the store's own deadline, whatever DynamoDB does.
const MAX_HOLD_MS = 3_000;

const { expectNoConfigValueLogged } = useSentinelLogs();
const figures: string[] = [];
const every503Ms: number[] = [];

const handlerOn = (endpoint: string, tableName: string) =>
  createTestHandler(storeAt(endpoint, tableName), { log: testRequestLog({ quiet: false }) });

const timed = async (request: Promise<TestResponse>) => {
  const started = performance.now();
  const response = await request;
  return { response, elapsedMs: performance.now() - started };
};

const expectUnavailable = ({ response, elapsedMs }: { response: TestResponse; elapsedMs: number }) => {
  every503Ms.push(elapsedMs);
  expect(response.statusCode).toBe(503);
  expect(response.headers['retry-after']).toBe('1');
  expect(response.headers['content-type']).toBe('application/problem+json');
  expect(response.body).toMatchObject({ status: 503, error: 'Failed to update chat configuration' });
  expect(response.rawBody).not.toMatch(/Exception|ECONN|Timeout|127\.0\.0\.1|sessions|sentinel/);
  expect(elapsedMs).toBeLessThan(MAX_HOLD_MS);
};

/** A config whose fields all tell which write it was: a mix of two writes could not pass for either. */
const configOf = (write: number) => ({
  model: `model-${write}`,
  max_tokens: write,
  system_prompt: `${SENTINEL} ${write} `.repeat(200),
});

const ms = (values: number[]) => `${Math.round(Math.max(...values))} ms`;

describe('DynamoDB refuses connections', () => {
  it('answers 503 with Retry-After within 3 s', async () => {
    const invoke = handlerOn(REFUSING_ENDPOINT, 'sessions');

    const outcome = await timed(invoke(createHttpApiEvent({ body: { config: configOf(1) } })));

    expectUnavailable(outcome);
    figures.push(`refused → 503 in ${ms([outcome.elapsedMs])}`);
  });
});

describe('DynamoDB Local killed mid-run, then restarted on its data', () => {
  const original = { sessionId: 'session-1', ownerId: 'alice', config: configOf(0), configVersion: 10 };
  const dataDir = mkdtempSync(join(tmpdir(), 'dynamodb-data-'));
  let port: number;
  let dynamodb: DynamoDbLocal | undefined;
  let table: TestTable;

  // On the same port and data each time: the clients already made reconnect to it.
  const start = async () => {
    dynamodb = await startDynamoDbLocal({ port, dbPath: dataDir });
    return dynamodb;
  };

  beforeAll(async () => {
    port = await freePort();
    table = await createTestTable('sessions', (await start()).endpoint);
  });
  afterAll(async () => {
    await table?.drop();
    await dynamodb?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 within 3 s while it is down; the item is then whole, and writes succeed again', async () => {
    // GIVEN a writer sending configs one after another
    await table.put(original);
    const invoke = handlerOn(table.endpoint, 'sessions');
    const outcomes: { write: number; status: number; elapsedMs: number }[] = [];
    let writing = true;
    const writer = (async () => {
      for (let write = 1; writing; write++) {
        const outcome = await timed(invoke(createHttpApiEvent({ body: { config: configOf(write) } })));
        outcomes.push({ write, status: outcome.response.statusCode, elapsedMs: outcome.elapsedMs });
        if (outcome.response.statusCode === 503) expectUnavailable(outcome);
      }
    })();

    // WHEN DynamoDB Local is killed while writes run (a few have been answered), stays down 2 s, and comes back on
    // the same data
    const answered = (async () => {
      while (outcomes.length < 5) await sleep(10);
    })();
    await Promise.race([answered, writer]);
    await dynamodb?.stop();
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
    const after = (await table.get('session-1')) as Record<string, unknown> & { configVersion: number };
    const landed = after.configVersion - original.configVersion;
    expect([lastAcknowledged, lastAcknowledged + 1]).toContain(landed);
    expect(after).toEqual({
      ...original,
      config: configOf(landed),
      configVersion: original.configVersion + landed,
      updatedAt: expect.any(String),
      configWriteId: expect.any(String),
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
  const frozen = {} as { dynamodb: DynamoDbLocal; table: TestTable };

  beforeAll(async () => {
    frozen.dynamodb = await startDynamoDbLocal();
    frozen.table = await createTestTable('sessions', frozen.dynamodb.endpoint);
  });
  afterAll(async () => {
    await frozen.table?.drop();
    await frozen.dynamodb?.stop();
  });

  /** Runs `action` while DynamoDB Local is stopped, and lets it run again after. */
  const whileFrozen = async <T>(action: () => Promise<T>): Promise<T> => {
    process.kill(frozen.dynamodb.pid, 'SIGSTOP');
    try {
      return await action();
    } finally {
      process.kill(frozen.dynamodb.pid, 'SIGCONT');
    }
  };

  it('gives up within 3 s; the item is then intact or fully written, and writes succeed again', async () => {
    // GIVEN
    await frozen.table.put(original);
    const invoke = handlerOn(frozen.dynamodb.endpoint, 'sessions');

    // WHEN
    const outcome = await whileFrozen(() =>
      timed(invoke(createHttpApiEvent({ body: { config: configOf(1) } }))),
    );

    // THEN
    expectUnavailable(outcome);
    // Attempts the store gave up on may still land once DynamoDB resumes: each one whole, never a mix, and the request
    // once at most. Read once the item stops changing, so that no late attempt lands after the count.
    const after = (await settled(() => frozen.table.get('session-1'))) as Record<string, unknown> & {
      configVersion: number;
    };
    const landed = after.configVersion - original.configVersion;
    expect(after).toEqual(
      landed === 0
        ? original
        : {
            ...original,
            config: configOf(1),
            configVersion: after.configVersion,
            updatedAt: expect.any(String),
            configWriteId: expect.any(String),
          },
    );
    // Each attempt the SDK gave up on is carried out once DynamoDB resumes, but a request lands at most once: its
    // later attempts find it written.
    expect(landed).toBeLessThanOrEqual(1);
    const recovered = await invoke(createHttpApiEvent({ body: { config: configOf(2) } }));
    expect(recovered.statusCode).toBe(200);
    figures.push(
      `frozen → 503 in ${ms([outcome.elapsedMs])}, ${landed} late attempt(s) landed whole, then 200`,
    );
  });

  it('answers 503 before a Lambda deadline that comes first, and stops the store call, retries included', async () => {
    // GIVEN a Lambda with 1 s left (the 503 goes out 0.5 s before the end), its attempts counted on the way
    const counter = await startDynamoDbProxy(frozen.dynamodb.endpoint);
    try {
      const invoke = handlerOn(counter.endpoint, 'sessions');

      // WHEN
      const outcome = await whileFrozen(async () => {
        const answered = await timed(invoke(createHttpApiEvent({ body: { config: configOf(3) } }), 1_000));
        // Still frozen: without the abort, the attempt's 1 s time-out would be followed by a retry.
        await sleep(STORE_TIME_LIMITS.requestTimeoutMs + 500);
        return answered;
      });

      // THEN the first attempt was the last: without the abort, a retry would follow its 1 s time-out
      expectUnavailable(outcome);
      expect(outcome.elapsedMs).toBeLessThan(1_000);
      expect(counter.requests()).toBe(1);
      figures.push(`frozen with 1 s of Lambda left → 503 in ${ms([outcome.elapsedMs])}, no attempt after it`);
    } finally {
      await counter.close();
    }
  });
});

describe('DynamoDB slower than the attempt time-out (the proxy holds its first write answer: the write lands unanswered)', () => {
  const original = { sessionId: 'session-1', ownerId: 'alice', config: configOf(0), configVersion: 7 };
  const patch = { model: 'model-patched', system_prompt: `${SENTINEL} patched` };
  let table: TestTable;
  let slow: DynamoDbProxy;
  let invoke: ReturnType<typeof handlerOn>;

  beforeAll(async () => {
    table = await createTestTable();
  });
  afterAll(async () => table.drop());
  beforeEach(async () => {
    await table.put(original);
    // Answered well after the attempt is cut: the SDK gives up on it and sends it again.
    slow = await startDynamoDbProxy(table.endpoint, {
      answersLate: {
        picks: ({ operation, nth }) => operation === 'UpdateItem' && nth === 1,
        byMs: STORE_TIME_LIMITS.requestTimeoutMs + 300,
      },
    });
    invoke = handlerOn(slow.endpoint, table.tableName);
  });
  afterEach(async () => slow.close());

  const sendPut = (headers: Record<string, string> = {}) =>
    invoke(
      createHttpApiEvent({
        method: 'PUT',
        body: { config: configOf(1) },
        headers: { 'content-type': 'application/json', ...headers },
      }),
    );
  const sendPatch = (headers: Record<string, string> = {}) =>
    invoke(
      createHttpApiEvent({
        method: 'PATCH',
        body: patch,
        headers: { 'content-type': 'application/merge-patch+json', ...headers },
      }),
    );
  const currentVersion = { 'if-match': `"${original.configVersion}"` };
  const next = original.configVersion + 1;

  it('answers 200 with the next version to a PUT with the current If-Match, not 412 to its own retry', async () => {
    // GIVEN a DynamoDB that applies the first attempt but answers it too late

    // WHEN
    const response = await sendPut(currentVersion);

    // THEN the SDK retried, and the client is told its write was applied, once
    expect(slow.requests('UpdateItem')).toBe(2);
    expect(response.statusCode).toBe(200);
    expect(response.headers.etag).toBe(`"${next}"`);
    expect(response.body).toMatchObject({ config: configOf(1), version: next });
    expect(await table.get('session-1')).toMatchObject({ config: configOf(1), configVersion: next });
  });

  it('raises the version by one for a PUT without If-Match, though the write was sent twice', async () => {
    // GIVEN a DynamoDB that applies the first attempt but answers it too late

    // WHEN
    const response = await sendPut();

    // THEN
    expect(slow.requests('UpdateItem')).toBe(2);
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ config: configOf(1), version: next });
    expect(await table.get('session-1')).toMatchObject({ config: configOf(1), configVersion: next });
  });

  it('answers 200 with the patched config to a PATCH with the current If-Match, not 412 to its own retry', async () => {
    // GIVEN a DynamoDB that applies the first attempt but answers it too late

    // WHEN
    const response = await sendPatch(currentVersion);

    // THEN
    expect(slow.requests('UpdateItem')).toBe(2);
    expect(response.statusCode).toBe(200);
    expect(response.headers.etag).toBe(`"${next}"`);
    expect(response.body).toMatchObject({ config: { ...configOf(0), ...patch }, version: next });
    expect(await table.get('session-1')).toMatchObject({
      config: { ...configOf(0), ...patch },
      configVersion: next,
    });
  });

  it('raises the version by one for a PATCH without If-Match, though the write was sent twice', async () => {
    // GIVEN a DynamoDB that applies the first attempt but answers it too late

    // WHEN
    const response = await sendPatch();

    // THEN
    expect(slow.requests('UpdateItem')).toBe(2);
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ config: { ...configOf(0), ...patch }, version: next });
    expect(await table.get('session-1')).toMatchObject({
      config: { ...configOf(0), ...patch },
      configVersion: next,
    });
  });
});

describe('DynamoDB Local frozen and thawed in cycles while clients write (SIGSTOP, SIGCONT)', () => {
  // Long enough for several freezes, each holding a write of every client, and short enough for the suite.
  const RUN_MS = 16_000;
  const INITIAL_VERSION = 1;
  // Each client (a Lambda of its own) writes its own session.
  const CLIENTS = {
    'with If-Match': { sessionId: 'session-if-match', writer: 'if-match', conditional: true },
    'without If-Match': { sessionId: 'session-no-if-match', writer: 'no-if-match', conditional: false },
  } as const;
  type Client = keyof typeof CLIENTS;
  const clientNames = Object.keys(CLIENTS) as Client[];
  const run = {} as {
    dynamodb: DynamoDbLocal;
    table: TestTable;
    audits: Record<Client, WriterAudit>;
    writeAttempts: number;
  };

  beforeAll(async () => {
    // GIVEN a DynamoDB Local of the run's own, recording every write it applies, and a session for each client
    run.dynamodb = await startDynamoDbLocal();
    run.table = await createTestTable('sessions', run.dynamodb.endpoint);
    for (const { sessionId, writer } of Object.values(CLIENTS)) {
      await run.table.put({
        sessionId,
        ownerId: 'alice',
        config: requestConfig(writer, 0),
        configVersion: INITIAL_VERSION,
      });
    }
    const stream = await recordTableWrites(run.dynamodb.endpoint, run.table.tableName);

    // WHEN it is frozen for 1 to 1.5 s, then thawed for as long, again and again, while the clients write (their
    // attempts counted on the way)
    const counter = await startDynamoDbProxy(run.dynamodb.endpoint);
    let running = true;
    const writing = (client: Client) =>
      writeWhile(handlerOn(counter.endpoint, run.table.tableName), {
        ...CLIENTS[client],
        running: () => running,
      });
    const [freezing, conditional, unconditional] = await Promise.allSettled([
      freezeInCycles(run.dynamodb.pid, {
        forMs: RUN_MS,
        frozenMs: [1_000, 1_500],
        thawedMs: [1_000, 1_500],
      }).finally(() => {
        running = false;
      }),
      writing('with If-Match'),
      writing('without If-Match'),
    ]);
    run.writeAttempts = counter.requests('UpdateItem');
    await counter.close();
    const answers = { 'with If-Match': fulfilled(conditional), 'without If-Match': fulfilled(unconditional) };
    // ... and, DynamoDB thawed, every attempt it was sent has been carried out
    const finals = await settled(async () => ({
      'with If-Match': await run.table.get(CLIENTS['with If-Match'].sessionId),
      'without If-Match': await run.table.get(CLIENTS['without If-Match'].sessionId),
    }));
    const images = await stream.images();
    const audit = (client: Client) =>
      auditWriter(answers[client], images, finals[client], {
        ...CLIENTS[client],
        initialVersion: INITIAL_VERSION,
      });
    run.audits = { 'with If-Match': audit('with If-Match'), 'without If-Match': audit('without If-Match') };
    figures.push(
      `frozen ${fulfilled(freezing)} times in ${RUN_MS / 1_000} s → ${clientNames.map((client) => `${client}: ${auditFigures(run.audits[client])}`).join('; ')}`,
    );
  }, 90_000);
  afterAll(async () => {
    await run.table?.drop();
    await run.dynamodb?.stop();
  });

  it('made the SDK send writes again: more write attempts than writes', () => {
    // THEN the run reached what it is about: attempts cut by the time-out and sent again
    const sent = clientNames.reduce((sum, client) => sum + run.audits[client].sent, 0);

    expect(run.writeAttempts).toBeGreaterThan(sent);
  });

  it('answers 412 to no write with If-Match that was applied', () => {
    // THEN
    const audit = run.audits['with If-Match'];

    expect(audit.appliedThough412).toEqual([]);
  });

  it.each(clientNames)('answers 200 to no write %s but one applied, at the version it names', (client) => {
    // THEN
    const audit = run.audits[client];

    expect(audit.answered200NotApplied).toEqual([]);
    expect(audit.statuses[200]).toBeGreaterThan(0);
  });

  it.each([
    ['with If-Match', ['200', '412', '503']],
    ['without If-Match', ['200', '503']],
  ] as const)('answers every write %s with one of %j', (client, allowed) => {
    // THEN
    const { statuses } = run.audits[client];

    expect(
      Object.keys(statuses).filter((status) => !(allowed as readonly string[]).includes(status)),
    ).toEqual([]);
  });

  it.each(clientNames)(
    'applies each write %s at most once: the version rose by the number of writes applied',
    (client) => {
      // THEN
      const audit = run.audits[client];

      expect(audit.appliedTwice).toEqual([]);
      expect(audit.versionRise).toBe(audit.applied);
      // Every version from the first write to the last went to exactly one write: the stream was read whole.
      expect(audit.versions).toEqual(
        Array.from({ length: audit.versionRise }, (_, i) => INITIAL_VERSION + 1 + i),
      );
    },
  );

  it.each(clientNames)(
    "leaves the session written %s whole: each write applied is one request's config, the last one kept",
    (client) => {
      // THEN
      const audit = run.audits[client];

      expect(audit.mixed).toEqual([]);
      expect(audit.finalConfig).toEqual(audit.lastConfig);
    },
  );
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
    const proxy = await startDynamoDbProxy(table.endpoint, { throttles: (request) => request === 1 });
    try {
      const invoke = handlerOn(proxy.endpoint, table.tableName);

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
        configWriteId: expect.any(String),
      });
      figures.push(`throttled once → retried → 200 in ${Math.round(elapsedMs)} ms, written once`);
    } finally {
      await proxy.close();
    }
  });

  it('retries within its attempt budget, then answers 503 with Retry-After, and changes nothing', async () => {
    await table.put(original);
    const proxy = await startDynamoDbProxy(table.endpoint, { throttles: () => true });
    try {
      const invoke = handlerOn(proxy.endpoint, table.tableName);

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

describe('logs', () => {
  it('hold no config value, whatever failed', () => {
    const lines = expectNoConfigValueLogged();

    printFigure(
      `faults: ${figures.join('; ')}; every 503 within ${ms(every503Ms)}, ${lines} log lines without a config value`,
    );
  });
});
