import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { MAX_BODY_BYTES } from '../../functions/chat-config/body-size';
import { CHAT_CONFIG_PATH } from '../../functions/chat-config/routes';
import { MAX_HEADER_VALUE_BYTES } from '../../functions/http/events';
import type { SessionStore } from '../../functions/sessions/session-store';
import { API_GATEWAY_MAX_PAYLOAD_BYTES, createLocalHttpApi } from '../../local/http-api';
import { CHAT_CONFIG_ROUTES } from '../../local/routes';
import { createTestTable, storeAt, type TestTable } from '../helpers/dynamodb';
import { REFUSING_ENDPOINT } from '../helpers/fake-dynamodb';
import { holdingWrites } from '../helpers/handler';
import { serveLocalApi } from '../helpers/local-api';
import { documentedAnswers, openApiViolations } from '../helpers/openapi';
import { bearer } from '../helpers/tokens';

// Real requests over HTTP to the local API (the handler on DynamoDB Local), each response checked against the
// committed OpenAPI document; at the end, every documented status of every operation must have been seen.

let table: TestTable;
const servers: { close: () => void }[] = [];
const seen = new Set<string>();

/** A local API on `store`, as `npm start` serves it. */
const serve = async (store: SessionStore, options?: Parameters<typeof serveLocalApi>[1]): Promise<string> => {
  const server = await serveLocalApi(store, options);
  servers.push(server);
  return server.baseUrl;
};

let api: string;
let strictApi: string;
let unreachableApi: string;
let brokenApi: string;
let unguardedApi: string;
let crashingApi: string;
let keyRequiredApi: string;
let alice: string;
let readOnly: string;

beforeAll(async () => {
  table = await createTestTable();
  api = await serve(table.store);
  strictApi = await serve(table.store, { requireIfMatch: true });
  keyRequiredApi = await serve(table.store, { requireIdempotencyKey: true });
  // A route deployed without its authorizer: the function itself refuses (401).
  unguardedApi = await serve(table.store, { authorizer: false });
  alice = await bearer('alice');
  readOnly = await bearer('alice', { scopes: ['chat-config/read'] });
  // DynamoDB refusing connections (503), and a table that does not exist (an unexpected failure, 500).
  unreachableApi = await serve(storeAt(REFUSING_ENDPOINT, table.tableName));
  brokenApi = await serve(storeAt(table.endpoint, 'no-table'));
  // A function whose invocation fails (a crash, a timeout): API Gateway answers for it.
  const crashing = createLocalHttpApi({
    routes: CHAT_CONFIG_ROUTES,
    handler: async () => {
      throw new Error('The function crashed');
    },
  }).listen(0, '127.0.0.1');
  await once(crashing, 'listening');
  servers.push(crashing);
  crashingApi = `http://127.0.0.1:${(crashing.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const server of servers) server.close();
  await table.drop();
});

interface Call {
  readonly method: string;
  readonly sessionId?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly base?: string;
  /** The Authorization header; `null` sends none. @default a token of the sessions' owner with both scopes */
  readonly authorization?: string | null;
}

/** Sends the request, checks the response against the document, and returns its status. */
const call = async ({
  method,
  sessionId = 's1',
  headers = {},
  body,
  base = api,
  authorization = alice,
}: Call): Promise<number> => {
  const response = await fetch(`${base}/api/chat-sessions/${sessionId}/config`, {
    method,
    headers: { ...(authorization === null ? {} : { authorization }), ...headers },
    body,
  });
  const observed = { status: response.status, headers: response.headers, body: await response.text() };

  expect(openApiViolations(CHAT_CONFIG_PATH, method, observed)).toEqual([]);
  const mediaType = response.headers.get('content-type')?.split(';')[0];
  seen.add(`${method} ${response.status}${observed.body === '' ? '' : ` ${mediaType}`}`);
  return response.status;
};

/** A call to the crashing function, whose failure the local API prints as Lambda would log it. */
const callCrashing = async (request: Call): Promise<number> => {
  const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    return await call({ ...request, base: crashingApi });
  } finally {
    consoleError.mockRestore();
  }
};

const JSON_BODY = { 'content-type': 'application/json' };
const PATCH_BODY = { 'content-type': 'application/merge-patch+json' };
const WRITES = [
  { method: 'POST', headers: JSON_BODY, body: '{"config": {"model": "gpt-4"}}' },
  { method: 'PUT', headers: JSON_BODY, body: '{"config": {"model": "gpt-4", "stop": ["a"]}}' },
  { method: 'PATCH', headers: PATCH_BODY, body: '{"temperature": 0.5, "stop": null}' },
];

describe('the check against the document', () => {
  it('finds an undocumented status, a missing header, a wrong content type and a body off the schema', () => {
    const response = (status: number, headers: Record<string, string>, body: unknown) => ({
      status,
      headers: new Headers(headers),
      body: JSON.stringify(body),
    });
    const valid = { sessionId: 's1', config: {}, version: 1, updatedAt: null };

    expect(openApiViolations(CHAT_CONFIG_PATH, 'GET', response(418, {}, {}))).toEqual([
      `GET ${CHAT_CONFIG_PATH}: status 418 is not documented`,
    ]);
    expect(
      openApiViolations(
        CHAT_CONFIG_PATH,
        'GET',
        response(200, { 'content-type': 'application/json', 'cache-control': 'private, no-cache' }, valid),
      ),
    ).toEqual(['header ETag is missing']);
    expect(
      openApiViolations(
        CHAT_CONFIG_PATH,
        'GET',
        response(
          200,
          { etag: '"1"', 'cache-control': 'private, no-cache', 'content-type': 'text/plain' },
          valid,
        ),
      ),
    ).toEqual(['content type "text/plain" is not one of application/json']);
    expect(
      openApiViolations(
        CHAT_CONFIG_PATH,
        'GET',
        response(
          200,
          { etag: '"1"', 'cache-control': 'private, no-cache', 'content-type': 'application/json' },
          { ...valid, config: { temperature: 'hot' } },
        ),
      ),
    ).toEqual([expect.stringMatching(/^body: .*temperature/)]);
  });
});

describe('real responses, checked against openapi/openapi.json', () => {
  it('documents every answer to GET', async () => {
    await table.put({
      sessionId: 's1',
      ownerId: 'alice',
      config: { model: 'gpt-4' },
      configVersion: 3,
      updatedAt: new Date().toISOString(),
    });
    await table.put({ sessionId: 'legacy', ownerId: 'alice' });

    expect(await call({ method: 'GET' })).toBe(200);
    expect(await call({ method: 'GET', sessionId: 'legacy' })).toBe(200);
    expect(await call({ method: 'GET', headers: { 'if-none-match': '"3"' } })).toBe(304);
    expect(await call({ method: 'GET', sessionId: 'bad.id' })).toBe(400);
    expect(await call({ method: 'GET', authorization: null })).toBe(401);
    expect(await call({ method: 'GET', authorization: 'Bearer x.y.z' })).toBe(401);
    expect(await call({ method: 'GET', base: unguardedApi })).toBe(401);
    expect(
      await call({ method: 'GET', authorization: await bearer('alice', { scopes: ['chat-config/write'] }) }),
    ).toBe(403);
    expect(await call({ method: 'GET', sessionId: 'nobody' })).toBe(404);
    expect(await call({ method: 'GET', headers: { 'if-match': '"2"' } })).toBe(412);
    expect(
      await call({ method: 'GET', headers: { 'x-padding': 'h'.repeat(MAX_HEADER_VALUE_BYTES + 1) } }),
    ).toBe(431);
    expect(await call({ method: 'GET', base: brokenApi })).toBe(500);
    expect(await call({ method: 'GET', base: unreachableApi })).toBe(503);
    // API Gateway's own answers, in JSON: a path it cannot decode, one no route matches, a failed invocation.
    expect(await call({ method: 'GET', sessionId: '%zz' })).toBe(400);
    expect(await call({ method: 'GET', sessionId: '' })).toBe(404);
    expect(await callCrashing({ method: 'GET' })).toBe(500);
  });

  it.each(WRITES)('documents every answer to $method', async ({ method, headers, body }) => {
    await table.put({ sessionId: 's1', ownerId: 'alice', config: { model: 'gpt-4' }, configVersion: 3 });
    const invalid =
      method === 'PATCH' ? '{"temperature": 9, "colour": "blue"}' : '{"config": {"temperature": 9}}';

    expect(await call({ method, headers, body })).toBe(200);
    expect(await call({ method, headers: { ...headers, 'if-match': '"4"' }, body })).toBe(200);
    expect(await call({ method, headers, body: '{"model": ' })).toBe(400);
    expect(await call({ method, headers, body, authorization: null })).toBe(401);
    expect(await call({ method, headers, body, base: unguardedApi })).toBe(401);
    expect(await call({ method, headers, body, authorization: readOnly })).toBe(403);
    expect(await call({ method, headers, body, sessionId: 'nobody' })).toBe(404);
    expect(await call({ method, headers: { ...headers, 'if-match': '"1"' }, body })).toBe(412);
    expect(await call({ method, headers, body: JSON.stringify({ pad: 'x'.repeat(MAX_BODY_BYTES) }) })).toBe(
      413,
    );
    expect(await call({ method, headers: { 'content-type': 'text/plain' }, body })).toBe(415);
    expect(await call({ method, headers, body: invalid })).toBe(422);
    expect(await call({ method, headers, body, base: strictApi })).toBe(428);
    expect(
      await call({
        method,
        headers: { ...headers, 'x-padding': 'h'.repeat(MAX_HEADER_VALUE_BYTES + 1) },
        body,
      }),
    ).toBe(431);
    expect(await call({ method, headers, body, base: brokenApi })).toBe(500);
    expect(await call({ method, headers, body, base: unreachableApi })).toBe(503);
    // API Gateway's own answers, in JSON.
    expect(await call({ method, headers, body, sessionId: '%zz' })).toBe(400);
    expect(await call({ method, headers, body, sessionId: '' })).toBe(404);
    expect(await call({ method, headers, body: 'x'.repeat(API_GATEWAY_MAX_PAYLOAD_BYTES + 1) })).toBe(413);
    expect(await callCrashing({ method, headers, body })).toBe(500);
  });

  it.each(WRITES)(
    'documents every answer to $method with an Idempotency-Key',
    async ({ method, headers, body }) => {
      await table.put({ sessionId: 's1', ownerId: 'alice', config: { model: 'gpt-4' }, configVersion: 3 });
      const withKey = { ...headers, 'idempotency-key': `"${randomUUID()}"` };
      const held = holdingWrites(table.store);
      const heldApi = await serve(held.store);

      expect(await call({ method, headers: withKey, body })).toBe(200);
      // The replay, with its Idempotent-Replayed header checked against the document.
      expect(await call({ method, headers: withKey, body })).toBe(200);
      expect(await call({ method, headers: { ...withKey, 'if-match': '"9"' }, body })).toBe(422);
      expect(await call({ method, headers: { ...headers, 'idempotency-key': 'a b' }, body })).toBe(400);
      expect(await call({ method, headers, body, base: keyRequiredApi })).toBe(400);
      const key = { ...headers, 'idempotency-key': `"${randomUUID()}"` };
      const first = fetch(`${heldApi}/api/chat-sessions/s1/config`, {
        method,
        headers: { authorization: alice, ...key },
        body,
      });
      await held.arrived;
      expect(await call({ method, headers: key, body, base: heldApi })).toBe(409);
      held.release();
      expect((await first).status).toBe(200);
    },
  );

  it("has seen every answer the document lists, each status in each media type, but API Gateway's 429 and 503", () => {
    // API Gateway's throttling and its integration timeout, which the local API does not imitate.
    const notImitated = /^\w+ (429|503) application\/json$/;
    const documented = documentedAnswers(CHAT_CONFIG_PATH).filter((answer) => !notImitated.test(answer));

    expect(documented.filter((answer) => !seen.has(answer))).toEqual([]);
    expect(documented).toContain('GET 500 application/json');
  });
});
