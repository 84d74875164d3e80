import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { IDEMPOTENT_REPLAYED_HEADER } from '../../../functions/http/idempotency-key';
import { STORE_TIME_LIMITS } from '../../../functions/sessions/dynamodb-session-store';
import {
  createIdempotencyTestTable,
  createTestTable,
  type IdempotencyTestTable,
  idempotencyRecordsAt,
  storeAt,
  type TestTable,
} from '../../helpers/dynamodb';
import { createHttpApiEvent } from '../../helpers/events';
import { REFUSING_ENDPOINT, startDynamoDbProxy, startSilentEndpoint } from '../../helpers/fake-dynamodb';
import { createTestHandler, expectProblem, holdingWrites, storedSession } from '../../helpers/handler';

// Writes sent with an Idempotency-Key while the first is still running, and while the records' table fails.

const ITEM = storedSession();

let sessions: TestTable;
let records: IdempotencyTestTable;

beforeAll(async () => {
  [sessions, records] = await Promise.all([createTestTable(), createIdempotencyTestTable()]);
});
beforeEach(async () => sessions.put(ITEM));
afterAll(async () => Promise.all([sessions.drop(), records.drop()]));

const put = (key: string) =>
  createHttpApiEvent({
    method: 'PUT',
    body: { config: { model: 'gpt-4o' } },
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
  });

/** Asserts a 503 that says to retry, and nothing of what failed: no table, endpoint, SDK or library name. */
const expectUnavailableWithoutInternals = (
  response: Awaited<ReturnType<ReturnType<typeof createTestHandler>>>,
) => {
  expectProblem(response, 503);
  expect(response.headers['retry-after']).toBe('1');
  expect(response.body.type).toBe('urn:chat-config:problem:temporarily-unavailable');
  expect(response.rawBody).not.toMatch(
    /idempotency-|127\.0\.0\.1|ECONN|Exception|Powertools|DynamoDB|persistence/i,
  );
};

describe('a retry while the first request is still running', () => {
  it('is answered 409 idempotency-key-in-use with Retry-After; once the first has answered, a retry gets its response', async () => {
    // GIVEN the first request holding in the store, its key claimed
    const { store, arrived, release } = holdingWrites(sessions.store);
    const invoke = createTestHandler(store, { idempotencyRecords: records.records });
    const key = `"${randomUUID()}"`;
    const first = invoke(put(key));
    await arrived;

    // WHEN
    const concurrent = await invoke(put(key));
    release();
    const answered = await first;
    const later = await invoke(put(key));

    // THEN
    expectProblem(concurrent, 409, /still in progress/);
    expect(concurrent.body.type).toBe('urn:chat-config:problem:idempotency-key-in-use');
    expect(concurrent.headers['retry-after']).toBe('1');
    expect(answered.statusCode).toBe(200);
    expect(later.rawBody).toBe(answered.rawBody);
    expect(later.headers[IDEMPOTENT_REPLAYED_HEADER]).toBe('true');
    expect(await sessions.get(ITEM.sessionId)).toMatchObject({ configVersion: 5 });
  });
});

describe('a retry after a 503 whose write landed', () => {
  it('is answered 200 with the state that write left: the version rises once', async () => {
    // GIVEN a DynamoDB that applies each attempt of the first write but answers none before the store's deadline
    const proxy = await startDynamoDbProxy(sessions.endpoint, {
      answersLate: {
        picks: ({ operation, nth }) => operation === 'UpdateItem' && nth <= STORE_TIME_LIMITS.maxAttempts,
        byMs: STORE_TIME_LIMITS.deadlineMs + 500,
      },
    });
    try {
      const invoke = createTestHandler(storeAt(proxy.endpoint, sessions.tableName), {
        idempotencyRecords: records.records,
      });
      const key = `"${randomUUID()}"`;
      const first = await invoke(put(key));

      // WHEN the client retries it with its key
      const retry = await invoke(put(key));

      // THEN
      expect(first.statusCode).toBe(503);
      expect([retry.statusCode, retry.headers.etag]).toEqual([200, `"${ITEM.configVersion + 1}"`]);
      expect(retry.body).toMatchObject({ config: { model: 'gpt-4o' }, version: ITEM.configVersion + 1 });
      expect(await sessions.get(ITEM.sessionId)).toMatchObject({
        config: { model: 'gpt-4o' },
        configVersion: ITEM.configVersion + 1,
      });
    } finally {
      await proxy.close();
    }
  });
});

describe('a failing records table', () => {
  it('is a 503 with Retry-After when unreachable, saying nothing of it, and the session is left alone', async () => {
    // GIVEN
    const invoke = createTestHandler(sessions.store, {
      idempotencyRecords: idempotencyRecordsAt(REFUSING_ENDPOINT, records.tableName),
    });

    // WHEN
    const response = await invoke(put(`"${randomUUID()}"`));

    // THEN
    expectUnavailableWithoutInternals(response);
    expect(await sessions.get(ITEM.sessionId)).toEqual(ITEM);
  });

  it('is a 503 after one attempt when it throttles the claim: the SDK never sends the claim twice', async () => {
    // GIVEN a records table whose first request is throttled
    const proxy = await startDynamoDbProxy(sessions.endpoint, { throttles: (request) => request === 1 });
    try {
      const invoke = createTestHandler(sessions.store, {
        idempotencyRecords: idempotencyRecordsAt(proxy.endpoint, records.tableName),
      });

      // WHEN
      const response = await invoke(put(`"${randomUUID()}"`));

      // THEN
      expectUnavailableWithoutInternals(response);
      expect(proxy.requests()).toBe(1);
      expect(await sessions.get(ITEM.sessionId)).toEqual(ITEM);
    } finally {
      await proxy.close();
    }
  });

  it("is a 503 within one attempt's time limit when it does not answer", async () => {
    // GIVEN
    const silent = await startSilentEndpoint();
    try {
      const invoke = createTestHandler(sessions.store, {
        idempotencyRecords: idempotencyRecordsAt(silent.endpoint, records.tableName),
      });
      const startedAt = performance.now();

      // WHEN
      const response = await invoke(put(`"${randomUUID()}"`));

      // THEN
      expectUnavailableWithoutInternals(response);
      expect(performance.now() - startedAt).toBeLessThan(
        STORE_TIME_LIMITS.connectionTimeoutMs + STORE_TIME_LIMITS.requestTimeoutMs + 500,
      );
      expect(await sessions.get(ITEM.sessionId)).toEqual(ITEM);
    } finally {
      silent.close();
    }
  });

  it('is an unexpected 500, with the fixed sentence, when it does not exist: a misconfiguration', async () => {
    // GIVEN
    const invoke = createTestHandler(sessions.store, {
      idempotencyRecords: idempotencyRecordsAt(sessions.endpoint, 'no-such-records-table'),
    });

    // WHEN
    const response = await invoke(put(`"${randomUUID()}"`));

    // THEN
    expectProblem(response, 500, 'An unexpected error occurred');
    expect(response.rawBody).not.toContain('no-such-records-table');
    expect(await sessions.get(ITEM.sessionId)).toEqual(ITEM);
  });
});
