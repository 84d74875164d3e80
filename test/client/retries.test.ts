/**
 * The client's waits and retries: 429 and 503 from a stand-in API Gateway (the local API cannot be made to throttle
 * on demand) in front of the local API, and 409 from the local API itself, a write held while its retry comes in.
 * The local API serves the function's handler on DynamoDB Local, through the local API Gateway `npm start` uses.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ChatConfigError, createChatConfigClient } from '../../client/src';
import { retryAfterSeconds } from '../../client/src/errors';
import {
  createIdempotencyTestTable,
  createTestTable,
  type IdempotencyTestTable,
  type TestTable,
} from '../helpers/dynamodb';
import { TEST_CALLER } from '../helpers/events';
import { holdingWrites } from '../helpers/handler';
import { serveLocalApi } from '../helpers/local-api';
import {
  type ThrottledAnswer,
  type ThrottlingApiGateway,
  throttlingApiGateway,
} from '../helpers/throttling-api-gateway';
import { bearer } from '../helpers/tokens';

let table: TestTable;
let records: IdempotencyTestTable;
let api: { baseUrl: string; close: () => void };
let token: string;
const gateways: ThrottlingApiGateway[] = [];

beforeAll(async () => {
  [table, records] = await Promise.all([createTestTable(), createIdempotencyTestTable()]);
  api = await serveLocalApi(table.store, { idempotencyRecords: records.records });
  token = (await bearer()).replace(/^Bearer /, '');
});
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
});
afterAll(async () => {
  api.close();
  await Promise.all([table.drop(), records.drop()]);
});

/** A session of the token's user at version 4, under an id of its own. */
const seedSession = async () => {
  const sessionId = `retry-${randomUUID()}`;
  await table.put({ sessionId, ownerId: TEST_CALLER, config: { model: 'gpt-4' }, configVersion: 4 });
  return sessionId;
};

/** A stand-in API Gateway in front of the local API, closed after the test. */
const gatewayAnswering = async (...script: ThrottledAnswer[]) => {
  const gateway = await throttlingApiGateway(api.baseUrl, script);
  gateways.push(gateway);
  return gateway;
};

const thrown = async (call: Promise<unknown>): Promise<unknown> =>
  call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );

describe('the client, answered 429 or 503', () => {
  it("waits out API Gateway's throttling for the Retry-After it names, then reads, with a token per attempt", async () => {
    const sessionId = await seedSession();
    const gateway = await gatewayAnswering({ status: 429, retryAfter: '0' });
    let tokens = 0;
    const client = createChatConfigClient({
      baseUrl: gateway.baseUrl,
      token: async () => {
        tokens += 1;
        return token;
      },
    });

    const read = await client.get(sessionId);

    expect(read).toMatchObject({ config: { model: 'gpt-4' }, version: 4 });
    expect(gateway.requests.map(({ status }) => status)).toEqual([429, 200]);
    expect(tokens).toBe(2);
  });

  it('waits half a second to a second, at random, when a 429 names no Retry-After', async () => {
    const sessionId = await seedSession();
    const gateway = await gatewayAnswering({ status: 429 });

    const read = await createChatConfigClient({ baseUrl: gateway.baseUrl, token }).get(sessionId);

    expect(read.version).toBe(4);
    const [throttled, retried] = gateway.requests;
    expect([throttled?.status, retried?.status]).toEqual([429, 200]);
    // Not an instant retry: the backoff's lower bound held (how much later is the jitter's business).
    expect(Number(retried?.receivedAt) - Number(throttled?.receivedAt)).toBeGreaterThanOrEqual(490);
  });

  it('retries a write answered 503 after it landed under the same key, which the API answers without writing again', async () => {
    // GIVEN a gateway that passes the first PUT on, then loses its answer for a 503
    const sessionId = await seedSession();
    const gateway = await gatewayAnswering({ status: 503, retryAfter: '0', landed: true });

    // WHEN
    const written = await createChatConfigClient({ baseUrl: gateway.baseUrl, token }).replace(sessionId, {
      model: 'gpt-4o',
    });

    // THEN one write, answered by the retry's replay
    const [first, retry] = gateway.requests;
    expect(gateway.requests.map(({ method, status }) => `${method} ${status}`)).toEqual([
      'PUT 503',
      'PUT 200',
    ]);
    expect(first?.idempotencyKey).toMatch(/^"[0-9a-f-]{36}"$/);
    expect(retry?.idempotencyKey).toBe(first?.idempotencyKey);
    expect(written).toMatchObject({ config: { model: 'gpt-4o' }, version: 5, replayed: true });
    expect(await table.get(sessionId)).toMatchObject({ config: { model: 'gpt-4o' }, configVersion: 5 });
  });

  it('throws the last answer as a ChatConfigError after maxAttempts, with its Retry-After', async () => {
    const gateway = await gatewayAnswering(
      { status: 429, retryAfter: '0' },
      { status: 429, retryAfter: '0' },
      { status: 429, retryAfter: '0' },
    );
    const client = createChatConfigClient({ baseUrl: gateway.baseUrl, token, retry: { maxAttempts: 2 } });

    const error = await thrown(client.patch(await seedSession(), { top_p: 0.5 }));

    expect(error).toBeInstanceOf(ChatConfigError);
    expect(error).toMatchObject({
      status: 429,
      type: 'about:blank',
      title: 'Too Many Requests',
      detail: 'Too Many Requests',
      retryAfter: 0,
    });
    expect(gateway.requests).toHaveLength(2);
  });

  it('does not wait a Retry-After longer than maxWaitSeconds: it throws the 503 at once', async () => {
    const gateway = await gatewayAnswering({ status: 503, retryAfter: '120' });
    const client = createChatConfigClient({ baseUrl: gateway.baseUrl, token, retry: { maxWaitSeconds: 10 } });

    const error = await thrown(client.get(await seedSession()));

    expect(error).toMatchObject({
      status: 503,
      type: 'urn:chat-config:problem:temporarily-unavailable',
      title: 'Service Unavailable',
      retryAfter: 120,
    });
    expect(gateway.requests).toHaveLength(1);
  });

  it('reads a Retry-After given as an HTTP date', async () => {
    const sessionId = await seedSession();
    const gateway = await gatewayAnswering({
      status: 503,
      retryAfter: new Date(Date.now() - 1000).toUTCString(),
    });

    const read = await createChatConfigClient({ baseUrl: gateway.baseUrl, token }).get(sessionId);

    expect(read.version).toBe(4);
    expect(gateway.requests.map(({ status }) => status)).toEqual([503, 200]);
    const now = Date.parse('2026-12-04T12:00:00Z');
    expect(retryAfterSeconds('Fri, 04 Dec 2026 12:00:30 GMT', now)).toBe(30);
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
  });

  it('stops waiting as soon as its signal aborts, rejecting with its reason and sending nothing more', async () => {
    // GIVEN a call waiting out a Retry-After of a minute
    const gateway = await gatewayAnswering({ status: 503, retryAfter: '60' });
    const client = createChatConfigClient({
      baseUrl: gateway.baseUrl,
      token,
      retry: { maxWaitSeconds: 120 },
    });
    const controller = new AbortController();
    const call = client.get(await seedSession(), { signal: controller.signal });
    await gateway.answered(1);

    // WHEN
    const reason = new Error('the user left the page');
    controller.abort(reason);

    // THEN (the test's time-out, far below a minute, fails it if the wait went on)
    expect(await thrown(call)).toBe(reason);
    expect(gateway.requests).toHaveLength(1);
  });
});

describe('the client, answered 409 while the first request under its key runs', () => {
  it('sends the write again after the Retry-After, and gets the first answer', async () => {
    // GIVEN a write held in the API, under a key
    const sessionId = await seedSession();
    const held = holdingWrites(table.store);
    const holdingApi = await serveLocalApi(held.store, { idempotencyRecords: records.records });
    const idempotencyKey = randomUUID();
    const first = createChatConfigClient({ baseUrl: holdingApi.baseUrl, token }).patch(
      sessionId,
      { top_p: 0.5 },
      { idempotencyKey },
    );
    await held.arrived;

    // WHEN the same write is sent again, the held one is let go once that retry got its 409
    const statuses: number[] = [];
    const retry = await createChatConfigClient({
      baseUrl: holdingApi.baseUrl,
      token,
      fetch: async (request) => {
        const response = await fetch(request);
        statuses.push(response.status);
        if (response.status === 409) held.release();
        return response;
      },
    }).patch(sessionId, { top_p: 0.5 }, { idempotencyKey });
    holdingApi.close();

    // THEN
    expect(statuses).toEqual([409, 200]);
    expect(retry).toEqual({ ...(await first), replayed: true });
    expect(await table.get(sessionId)).toMatchObject({ config: { top_p: 0.5 }, configVersion: 5 });
  });
});
