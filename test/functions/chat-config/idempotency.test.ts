import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { IDEMPOTENT_REPLAYED_HEADER } from '../../../functions/http/idempotency-key';
import {
  createIdempotencyTestTable,
  createTestTable,
  type IdempotencyTestTable,
  storeAt,
  type TestTable,
} from '../../helpers/dynamodb';
import { createHttpApiEvent } from '../../helpers/events';
import { startDynamoDbProxy } from '../../helpers/fake-dynamodb';
import { createTestHandler, expectProblem, storedSession } from '../../helpers/handler';

// Writes sent with an Idempotency-Key, on DynamoDB Local: the sessions, and a records' table of this file's own.

const ITEM = storedSession();
const REPLAYED = IDEMPOTENT_REPLAYED_HEADER;

let sessions: TestTable;
let records: IdempotencyTestTable;
let invoke: ReturnType<typeof createTestHandler>;

beforeAll(async () => {
  [sessions, records] = await Promise.all([createTestTable(), createIdempotencyTestTable()]);
  invoke = createTestHandler(sessions.store, { idempotencyRecords: records.records });
});
beforeEach(async () => sessions.put(ITEM));
afterAll(async () => Promise.all([sessions.drop(), records.drop()]));

/** A key no other test sends. */
const newKey = () => `"${randomUUID()}"`;

interface Write {
  readonly method?: string;
  readonly key?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly sessionId?: string;
  readonly caller?: string;
}

const CONTENT_TYPES: Record<string, string> = {
  POST: 'application/json',
  PUT: 'application/json',
  PATCH: 'application/merge-patch+json',
};
const BODIES: Record<string, unknown> = {
  POST: { config: { model: 'gpt-4o', temperature: 0.2 } },
  PUT: { config: { model: 'gpt-4o', temperature: 0.2 } },
  PATCH: { temperature: 0.2 },
};

/** A write of `method` (PUT unless said), with `key` as its Idempotency-Key when given. */
const write = ({ method = 'PUT', key, body = BODIES[method], headers = {}, ...request }: Write = {}) =>
  createHttpApiEvent({
    method,
    body,
    headers: {
      'content-type': CONTENT_TYPES[method] ?? 'application/json',
      ...(key === undefined ? {} : { 'idempotency-key': key }),
      ...headers,
    },
    ...request,
  });

describe('a retried write (same caller, session, key and request)', () => {
  it.each(['PUT', 'POST', 'PATCH'])(
    '%s answers the first response again: the same status, body and ETag, marked Idempotent-Replayed',
    async (method) => {
      // GIVEN
      const key = newKey();
      const first = await invoke(write({ method, key }));

      // WHEN
      const retry = await invoke(write({ method, key }));

      // THEN
      expect(first.statusCode).toBe(200);
      expect(first.headers).not.toHaveProperty(REPLAYED);
      expect(retry.statusCode).toBe(first.statusCode);
      expect(retry.rawBody).toBe(first.rawBody);
      expect(retry.headers).toEqual({ ...first.headers, [REPLAYED]: 'true' });
    },
  );

  it('writes once: the retries reach no store write, and the session stays at the version and time of the first', async () => {
    // GIVEN the store's calls counted on their way to DynamoDB Local
    const counter = await startDynamoDbProxy(sessions.endpoint);
    try {
      const invokeCounted = createTestHandler(storeAt(counter.endpoint, sessions.tableName), {
        idempotencyRecords: records.records,
      });
      const key = newKey();
      const first = await invokeCounted(write({ key }));

      // WHEN
      await invokeCounted(write({ key }));
      await invokeCounted(write({ key }));

      // THEN
      expect(counter.requests('UpdateItem')).toBe(1);
      expect(first.headers.etag).toBe('"5"');
      expect(await sessions.get(ITEM.sessionId)).toMatchObject({
        configVersion: 5,
        updatedAt: first.body.updatedAt,
      });
    } finally {
      await counter.close();
    }
  });

  it('takes a key sent quoted and unquoted as one key', async () => {
    // GIVEN
    const bare = `k-${randomUUID()}`;
    await invoke(write({ key: `"${bare}"` }));

    // WHEN
    const retry = await invoke(write({ key: bare }));

    // THEN
    expect(retry.headers[REPLAYED]).toBe('true');
  });

  it('takes the same body with its members in another order and other white space as the same request', async () => {
    // GIVEN
    const key = newKey();
    await invoke(write({ key, body: '{"config": {"model": "gpt-4o", "temperature": 0.2}}' }));

    // WHEN
    const retry = await invoke(write({ key, body: '{ "config":{"temperature":0.2,\n"model":"gpt-4o"} }' }));

    // THEN
    expect(retry.statusCode).toBe(200);
    expect(retry.headers[REPLAYED]).toBe('true');
  });
});

describe('the same key with another request', () => {
  it.each<[string, Write]>([
    ['another body', { body: { config: { model: 'gpt-4o-mini' } } }],
    ['another method', { method: 'POST' }],
    ['an If-Match the first did not send', { headers: { 'if-match': '"5"' } }],
  ])('is refused with 422 idempotency-key-reused for %s, and writes nothing', async (_, other) => {
    // GIVEN
    const key = newKey();
    await invoke(write({ key }));

    // WHEN
    const response = await invoke(write({ ...other, key }));

    // THEN
    expectProblem(response, 422, /already used for another request/);
    expect(response.body.type).toBe('urn:chat-config:problem:idempotency-key-reused');
    expect(await sessions.get(ITEM.sessionId)).toMatchObject({ configVersion: 5 });
  });
});

describe('the scope of a key', () => {
  it('never gives another user the first response: the same key from them is their own request (here a 404, as the session is not theirs)', async () => {
    // GIVEN
    const key = newKey();
    await invoke(write({ key }));

    // WHEN
    const response = await invoke(write({ key, caller: 'mallory' }));
    const own = await invoke(write({ key }));

    // THEN the key still answers its own user alone
    expectProblem(response, 404);
    expect(response.headers).not.toHaveProperty(REPLAYED);
    expect(own.headers[REPLAYED]).toBe('true');
  });

  it('keeps a key of one session apart from the same key on another session of the caller', async () => {
    // GIVEN
    await sessions.put(storedSession({ sessionId: 'session-2' }));
    const key = newKey();
    await invoke(write({ key }));

    // WHEN
    const response = await invoke(write({ key, sessionId: 'session-2' }));
    const retry = await invoke(write({ key, sessionId: 'session-2' }));

    // THEN written there, and replayed there
    expect(response.statusCode).toBe(200);
    expect(response.headers).not.toHaveProperty(REPLAYED);
    expect(retry.headers[REPLAYED]).toBe('true');
    expect(await sessions.get('session-2')).toMatchObject({ configVersion: 5 });
  });

  it('keeps apart callers and sessions whose names run together alike', async () => {
    // GIVEN alice's session "session-1" written with a key
    const key = newKey();
    await invoke(write({ key }));

    // WHEN "alicesession-" writes to its session "1" with the same key
    const runTogether = await invoke(write({ key, caller: 'alicesession-', sessionId: '1' }));

    // THEN the first response is theirs alone: the other is a request of its own (a 404, no such session of theirs)
    expectProblem(runTogether, 404);
    expect(runTogether.headers).not.toHaveProperty(REPLAYED);
  });
});

describe('what is not remembered', () => {
  it.each([
    ['empty', ''],
    ['256 characters', `"${'k'.repeat(256)}"`],
    ['a character beyond ASCII', '"clé"'],
    ['a space, unquoted', 'a b'],
  ])('a malformed key (%s): 400 bad-request, before anything is written or remembered', async (_, key) => {
    // GIVEN
    const before = (await records.items()).length;

    // WHEN
    const response = await invoke(write({ key }));

    // THEN
    expectProblem(response, 400, /Idempotency-Key must be a string of 1 to 255 printable ASCII characters/);
    expect(response.body.type).toBe('urn:chat-config:problem:bad-request');
    expect(await sessions.get(ITEM.sessionId)).toEqual(ITEM);
    expect(await records.items()).toHaveLength(before);
  });

  it('a body that breaks the schema (422): the same key then serves a valid request, and replays it', async () => {
    // GIVEN
    const key = newKey();
    const invalid = await invoke(write({ key, body: { config: { temperature: 9 } } }));

    // WHEN
    const valid = await invoke(write({ key }));
    const retry = await invoke(write({ key }));

    // THEN
    expectProblem(invalid, 422);
    expect(invalid.body.type).toBe('urn:chat-config:problem:validation-failed');
    expect(valid.statusCode).toBe(200);
    expect(valid.headers).not.toHaveProperty(REPLAYED);
    expect(retry.headers[REPLAYED]).toBe('true');
  });

  it('a refusal (404): the same request with the same key runs again once the session exists', async () => {
    // GIVEN
    const key = newKey();
    const missing = await invoke(write({ key, sessionId: 'later' }));
    await sessions.put(storedSession({ sessionId: 'later' }));

    // WHEN
    const retry = await invoke(write({ key, sessionId: 'later' }));
    const again = await invoke(write({ key, sessionId: 'later' }));

    // THEN the 200 is what the key keeps
    expectProblem(missing, 404);
    expect(retry.statusCode).toBe(200);
    expect(retry.headers).not.toHaveProperty(REPLAYED);
    expect(again.headers[REPLAYED]).toBe('true');
  });

  it('a write whose store failed (503): a retry with the same key runs again, and writes', async () => {
    // GIVEN DynamoDB throttling every attempt of the first write
    let throttling = true;
    const proxy = await startDynamoDbProxy(sessions.endpoint, { throttles: () => throttling });
    try {
      const invokeThrottled = createTestHandler(storeAt(proxy.endpoint, sessions.tableName), {
        idempotencyRecords: records.records,
      });
      const key = newKey();
      const failed = await invokeThrottled(write({ key }));
      throttling = false;

      // WHEN
      const retry = await invokeThrottled(write({ key }));
      const again = await invokeThrottled(write({ key }));

      // THEN
      expectProblem(failed, 503);
      expect(retry.statusCode).toBe(200);
      expect(retry.headers).not.toHaveProperty(REPLAYED);
      expect(again.headers[REPLAYED]).toBe('true');
      expect(await sessions.get(ITEM.sessionId)).toMatchObject({ configVersion: 5 });
    } finally {
      await proxy.close();
    }
  });

  it('a read: GET ignores the header, even one a write is refused for', async () => {
    // GIVEN
    const headers = { 'idempotency-key': 'a b' };

    // WHEN
    const read = await invoke(createHttpApiEvent({ method: 'GET', headers }));
    const refused = await invoke(write({ headers }));

    // THEN
    expect(read.statusCode).toBe(200);
    expect(read.headers).not.toHaveProperty(REPLAYED);
    expectProblem(refused, 400);
  });
});

describe('a deployment that requires the key (REQUIRE_IDEMPOTENCY_KEY=true)', () => {
  let invokeRequiringKey: ReturnType<typeof createTestHandler>;
  beforeAll(() => {
    invokeRequiringKey = createTestHandler(sessions.store, {
      idempotencyRecords: records.records,
      requireIdempotencyKey: true,
    });
  });

  it.each(['PUT', 'POST', 'PATCH'])(
    'refuses a %s without one with 400 idempotency-key-missing, saying what to send, and writes nothing',
    async (method) => {
      // WHEN
      const response = await invokeRequiringKey(write({ method }));

      // THEN
      expectProblem(response, 400, /must carry an Idempotency-Key header: a new unique value for each write/);
      expect(response.body.type).toBe('urn:chat-config:problem:idempotency-key-missing');
      expect(await sessions.get(ITEM.sessionId)).toEqual(ITEM);
    },
  );

  it('requires it of writes only: a read without one is answered', async () => {
    // WHEN
    const read = await invokeRequiringKey(createHttpApiEvent({ method: 'GET' }));
    const written = await invokeRequiringKey(write());

    // THEN
    expect(read.statusCode).toBe(200);
    expectProblem(written, 400);
  });
});

describe('the records', () => {
  /** The records that hold a response of this body. */
  const recordsOf = async (body: string) =>
    (await records.items()).filter((item) => (item.data as { body?: string } | undefined)?.body === body);

  it('are keyed by a fixed prefix and a hash, never the key itself, expire a day after the first request, and hold the response', async () => {
    // GIVEN
    const bare = `k-${randomUUID()}`;
    const startedAt = Date.now() / 1000;

    // WHEN
    const response = await invoke(write({ key: bare }));

    // THEN
    const written = await recordsOf(response.rawBody);
    expect(written).toHaveLength(1);
    const [record] = written;
    expect(record?.id).toMatch(/^chat-config-write#[A-Za-z0-9+/]{43}=$/);
    expect(JSON.stringify(record)).not.toContain(bare);
    expect(record?.status).toBe('COMPLETED');
    expect(record?.expiration).toBeGreaterThanOrEqual(Math.floor(startedAt) + 24 * 3600);
    expect(record?.expiration).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 24 * 3600);
    expect(record?.data).toEqual({ statusCode: 200, headers: response.headers, body: response.rawBody });
  });

  it('hold a claimed key no longer than the invocation may run', async () => {
    // GIVEN an invocation with 7 s left
    const startedAt = Date.now();

    // WHEN
    const response = await invoke(write({ key: newKey() }), 7_000);

    // THEN
    const [record] = await recordsOf(response.rawBody);
    expect(record?.in_progress_expiration).toBeGreaterThanOrEqual(startedAt + 7_000 - 100);
    expect(record?.in_progress_expiration).toBeLessThanOrEqual(Date.now() + 7_000);
  });
});
