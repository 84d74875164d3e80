import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { chatConfigCorsPolicy } from '../../lib/cors-policy';
import { createLocalHttpApi } from '../../local/http-api';
import { CHAT_CONFIG_ROUTES } from '../../local/routes';
import { createTestTable, type TestTable } from '../helpers/dynamodb';
import { serveLocalApi } from '../helpers/local-api';
import { bearer } from '../helpers/tokens';

// CORS as API Gateway applies the API's configuration, over real HTTP to the local API with its authorizer, the
// handler on DynamoDB Local behind it.

const APP = 'https://app.example.com';
const ELSEWHERE = 'https://elsewhere.example.com';
const CONFIG_PATH = '/api/chat-sessions/abc123/config';
const EXPOSED = 'etag,retry-after,www-authenticate,idempotent-replayed';

let table: TestTable;
let api: { baseUrl: string; close: () => void };
let anyOrigin: { baseUrl: string; close: () => void };
let noCors: { baseUrl: string; close: () => void };
let authorization: string;

beforeAll(async () => {
  table = await createTestTable();
  [api, anyOrigin, noCors] = await Promise.all([
    serveLocalApi(table.store, { cors: chatConfigCorsPolicy([APP, 'http://localhost:5173']) }),
    serveLocalApi(table.store, { cors: chatConfigCorsPolicy(['*']) }),
    serveLocalApi(table.store),
  ]);
  authorization = await bearer('alice');
});
afterAll(async () => {
  for (const server of [api, anyOrigin, noCors]) server.close();
  await table.drop();
});
beforeEach(async () =>
  table.put({ sessionId: 'abc123', ownerId: 'alice', config: { top_p: 0.5 }, configVersion: 1 }),
);

const preflight = (
  {
    origin = APP,
    method = 'PATCH',
    headers = 'authorization,content-type,if-match',
    path = CONFIG_PATH,
  } = {},
  base = api.baseUrl,
) =>
  fetch(`${base}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
  });

/** The CORS headers of a response, by name. */
const corsHeadersOf = (response: Response): Record<string, string> =>
  Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control-')));

describe('a preflight', () => {
  it('is answered 204 before the authorizer, without a token, with what the API allows, kept an hour', async () => {
    const response = await preflight();
    const withoutCors = await preflight({}, noCors.baseUrl);

    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(corsHeadersOf(response)).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': 'GET,POST,PUT,PATCH',
      'access-control-allow-headers': 'authorization,content-type,if-match,if-none-match,idempotency-key',
      'access-control-max-age': '3600',
    });
    expect(response.headers.get('apigw-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await table.get('abc123')).toMatchObject({ config: { top_p: 0.5 }, configVersion: 1 });
    // An API without a CORS configuration has no route for it: API Gateway's own 404, without any CORS header.
    expect(withoutCors.status).toBe(404);
    expect(await withoutCors.json()).toEqual({ message: 'Not Found' });
    expect(corsHeadersOf(withoutCors)).toEqual({});
  });

  it('is answered on a path with no route too, as API Gateway answers it before matching routes', async () => {
    const response = await preflight({ path: '/api/other', method: 'GET' });

    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it.each([
    ['an origin not allowed', { origin: ELSEWHERE }],
    ['a method not allowed', { method: 'DELETE' }],
    ['a header not allowed', { headers: 'authorization,x-debug' }],
  ])('asking for %s gets a 204 without any CORS header, which the browser refuses', async (_, ask) => {
    const response = await preflight(ask);

    expect(response.status).toBe(204);
    expect(corsHeadersOf(response)).toEqual({});
  });

  it('matches requested headers whatever their case', async () => {
    const response = await preflight({ headers: 'Authorization, Content-Type, Idempotency-Key' });

    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('gets "*" from an API that allows any origin', async () => {
    const response = await preflight({ origin: ELSEWHERE }, anyOrigin.baseUrl);

    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('is only one with Access-Control-Request-Method: a bare OPTIONS goes to the routes, and finds none', async () => {
    const response = await fetch(`${api.baseUrl}${CONFIG_PATH}`, {
      method: 'OPTIONS',
      headers: { origin: APP },
    });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'Not Found' });
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
  });
});

describe('a request from an allowed origin', () => {
  const send = (
    method: string,
    init: { headers?: Record<string, string>; body?: string; path?: string } = {},
  ) =>
    fetch(`${api.baseUrl}${init.path ?? CONFIG_PATH}`, {
      method,
      headers: { origin: APP, ...init.headers },
      ...(init.body === undefined ? {} : { body: init.body }),
    });

  it.each<[string, () => Promise<Response>, number]>([
    ['a read', () => send('GET', { headers: { authorization } }), 200],
    [
      'a patch',
      () =>
        send('PATCH', {
          headers: { authorization, 'content-type': 'application/merge-patch+json', 'if-match': '"1"' },
          body: '{"temperature": 0.2}',
        }),
      200,
    ],
    ["the authorizer's refusal of a request without a token", () => send('GET'), 401],
    ["API Gateway's own 404 for a path with no route", () => send('GET', { path: '/api/other' }), 404],
    [
      "the function's 404 for a missing session",
      () => send('GET', { headers: { authorization }, path: '/api/chat-sessions/nobody/config' }),
      404,
    ],
    [
      "the function's 412 for a stale If-Match",
      () =>
        send('PATCH', {
          headers: { authorization, 'content-type': 'application/merge-patch+json', 'if-match': '"7"' },
          body: '{"temperature": 0.2}',
        }),
      412,
    ],
  ])('gets the origin echoed and the exposed headers named on %s', async (_, sent, status) => {
    const response = await sent();

    expect(response.status).toBe(status);
    expect(corsHeadersOf(response)).toEqual({
      'access-control-allow-origin': APP,
      'access-control-expose-headers': EXPOSED,
    });
  });
});

describe('a request from another origin, or none', () => {
  it('is served without any CORS header, where the allowed origin gets them', async () => {
    const read = (headers: Record<string, string>) =>
      fetch(`${api.baseUrl}${CONFIG_PATH}`, { headers: { authorization, ...headers } });

    const [fromApp, fromElsewhere, fromServer] = await Promise.all([
      read({ origin: APP }),
      read({ origin: ELSEWHERE }),
      read({}),
    ]);

    expect([fromApp.status, fromElsewhere.status, fromServer.status]).toEqual([200, 200, 200]);
    expect(fromApp.headers.get('access-control-allow-origin')).toBe(APP);
    expect(corsHeadersOf(fromElsewhere)).toEqual({});
    expect(corsHeadersOf(fromServer)).toEqual({});
  });

  it('from any origin gets "*" from an API that allows any', async () => {
    const response = await fetch(`${anyOrigin.baseUrl}${CONFIG_PATH}`, { headers: { origin: ELSEWHERE } });

    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe("the function's own CORS headers", () => {
  it('are dropped, as API Gateway ignores them: only the configuration speaks', async () => {
    // GIVEN a function that answers CORS headers of its own
    const server = createLocalHttpApi({
      routes: CHAT_CONFIG_ROUTES,
      handler: async () => ({
        statusCode: 200,
        headers: { 'access-control-allow-origin': '*', 'access-control-allow-credentials': 'true' },
        body: '{}',
      }),
      cors: chatConfigCorsPolicy([APP]),
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${CONFIG_PATH}`;

      // WHEN
      const fromElsewhere = await fetch(url, { headers: { origin: ELSEWHERE } });
      const fromApp = await fetch(url, { headers: { origin: APP } });

      // THEN
      expect(corsHeadersOf(fromElsewhere)).toEqual({});
      expect(corsHeadersOf(fromApp)).toEqual({
        'access-control-allow-origin': APP,
        'access-control-expose-headers': EXPOSED,
      });
    } finally {
      server.close();
    }
  });
});
