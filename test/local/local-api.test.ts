import { once } from 'node:events';
import type { Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createLocalHttpApi } from '../../local/http-api';
import { CHAT_CONFIG_ROUTES } from '../../local/routes';
import {
  createIdempotencyTestTable,
  createTestTable,
  type IdempotencyTestTable,
  type TestTable,
} from '../helpers/dynamodb';
import { testAuthorizer } from '../helpers/local-api';
import { type CapturedLogs, captureLogs } from '../helpers/logs';
import { bearer } from '../helpers/tokens';

let table: TestTable;
let records: IdempotencyTestTable;
let server: Server;
let baseUrl: string;
let authorization: string;
let logs: CapturedLogs;

beforeAll(async () => {
  [table, records] = await Promise.all([createTestTable(), createIdempotencyTestTable()]);
  // The Lambda entry itself, configured through its environment exactly as `npm start` and Lambda configure it.
  process.env.TABLE_NAME = table.tableName;
  process.env.IDEMPOTENCY_TABLE_NAME = records.tableName;
  process.env.DYNAMODB_ENDPOINT = table.endpoint;
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'ChatConfigTest';
  // The entry prints a line per request whatever its settings: kept off the test run's console.
  logs = captureLogs();
  const { handler } = await import('../../functions/chat-config/handler');
  authorization = await bearer('alice');
  server = createLocalHttpApi({
    routes: CHAT_CONFIG_ROUTES,
    handler,
    authorizer: await testAuthorizer(),
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  logs.restore();
  server.close();
  await Promise.all([table.drop(), records.drop()]);
});
beforeEach(async () => table.put({ sessionId: 'abc123', ownerId: 'alice' }));

const post = (path: string, body: string, contentType = 'application/json') =>
  fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization, 'Content-Type': contentType },
    body,
  });

describe('the original client example, over HTTP', () => {
  it('updates the session with the JS fetch call clients already make', async () => {
    // The client code of the original endpoint's documentation, verbatim but for the base URL and the token it now needs.
    const sessionId = 'abc123';
    const response = await fetch(`${baseUrl}/api/chat-sessions/${sessionId}/config`, {
      method: 'POST',
      headers: { Authorization: authorization, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        config: {
          model: 'gpt-4',
          temperature: 0.7,
          max_tokens: 2000,
          system_prompt: 'You are a helpful assistant',
        },
      }),
    });
    const result = (await response.json()) as Record<string, unknown>;

    expect(response.status).toBe(200);
    expect(result.message).toBe('Chat configuration updated successfully');
    expect(await table.get('abc123')).toMatchObject({
      ownerId: 'alice',
      config: {
        model: 'gpt-4',
        temperature: 0.7,
        max_tokens: 2000,
        system_prompt: 'You are a helpful assistant',
      },
      configVersion: 1,
    });
  });

  it('answers PUT like POST', async () => {
    const response = await fetch(`${baseUrl}/api/chat-sessions/abc123/config`, {
      method: 'PUT',
      headers: { Authorization: authorization, 'Content-Type': 'application/json' },
      body: '{"config": {"top_p": 0.9}}',
    });

    expect(response.status).toBe(200);
    expect(((await response.json()) as { config: unknown }).config).toEqual({ top_p: 0.9 });
  });
});

describe('status codes over HTTP', () => {
  it.each<[string, number, string, string, string]>([
    ['a missing session', 404, '/api/chat-sessions/nobody/config', '{"config": {}}', 'application/json'],
    ['malformed JSON', 400, '/api/chat-sessions/abc123/config', '{"config": ', 'application/json'],
    ['a body without config', 400, '/api/chat-sessions/abc123/config', '{}', 'application/json'],
    [
      'a sessionId with an encoded slash',
      400,
      '/api/chat-sessions/a%2Fb/config',
      '{"config": {}}',
      'application/json',
    ],
    ['a text body', 415, '/api/chat-sessions/abc123/config', 'config=1', 'text/plain'],
    ['a binary body', 415, '/api/chat-sessions/abc123/config', '\u0000\u0001', 'application/octet-stream'],
    [
      'a schema violation',
      422,
      '/api/chat-sessions/abc123/config',
      '{"config": {"temperature": 9}}',
      'application/json',
    ],
  ])('answers %s with a problem+json %i', async (_, status, path, body, contentType) => {
    const response = await post(path, body, contentType);

    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('apigw-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.json()).toMatchObject({ status, error: expect.any(String) });
    expect(await table.get('abc123')).toEqual({ sessionId: 'abc123', ownerId: 'alice' });
  });

  it('answers a retried write with its first response, marked Idempotent-Replayed, and a reused key with 422', async () => {
    // GIVEN
    const put = (body: string) =>
      fetch(`${baseUrl}/api/chat-sessions/abc123/config`, {
        method: 'PUT',
        headers: { authorization, 'content-type': 'application/json', 'idempotency-key': '"retry-me"' },
        body,
      });
    const first = await put('{"config": {"temperature": 0.4}}');

    // WHEN
    const retry = await put('{"config": {"temperature": 0.4}}');
    const reused = await put('{"config": {"temperature": 0.5}}');

    // THEN
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(await retry.text()).toBe(await first.text());
    expect(reused.status).toBe(422);
    expect(await reused.json()).toMatchObject({ type: 'urn:chat-config:problem:idempotency-key-reused' });
    expect(await table.get('abc123')).toMatchObject({ config: { temperature: 0.4 }, configVersion: 1 });
  });

  it("answers 413 to a body over the function's limit", async () => {
    const response = await post(
      '/api/chat-sessions/abc123/config',
      JSON.stringify({ config: { system_prompt: 'x'.repeat(600_000) } }),
    );

    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ status: 413 });
  });

  it('refuses a payload over 10 MB before the function, as API Gateway does', async () => {
    const response = await post('/api/chat-sessions/abc123/config', 'x'.repeat(10 * 1024 * 1024 + 1));

    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ message: 'Request Entity Too Large' });
  });

  it.each([
    ['DELETE', '/api/chat-sessions/abc123/config'],
    ['POST', '/api/chat-sessions/abc123'],
    ['POST', '/api/chat-sessions//config'],
    ['POST', '/api/other'],
  ])("answers %s %s with API Gateway's own 404, as no route matches", async (method, path) => {
    const response = await fetch(`${baseUrl}${path}`, { method });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'Not Found' });
  });
});

describe('bodies that are not UTF-8', () => {
  const JSON_WITH_BAD_BYTES = Buffer.concat([
    Buffer.from('{"config": {"system_prompt": "caf'),
    Buffer.from([0xe9]), // é in ISO-8859-1: no character in UTF-8
    Buffer.from('"}}'),
  ]);

  it('answers 400 to a JSON body with bytes that are not UTF-8, and changes nothing', async () => {
    // GIVEN
    const before = await table.get('abc123');

    // WHEN
    const response = await fetch(`${baseUrl}/api/chat-sessions/abc123/config`, {
      method: 'POST',
      headers: { authorization, 'Content-Type': 'application/json' },
      body: JSON_WITH_BAD_BYTES,
    });

    // THEN
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ detail: 'The request body is not valid UTF-8' });
    expect(await table.get('abc123')).toEqual(before);
  });

  it.each([
    ['UTF-8 as text', Buffer.from('{"config": {"system_prompt": "café"}}'), false],
    ['other bytes base64-encoded', JSON_WITH_BAD_BYTES, true],
  ])('hands the function a JSON body in %s, as API Gateway does', async (_, bytes, isBase64Encoded) => {
    // GIVEN a local API whose function records the event it gets
    const events: APIGatewayProxyEventV2[] = [];
    const api = createLocalHttpApi({
      routes: CHAT_CONFIG_ROUTES,
      handler: async (event) => {
        events.push(event);
        return { statusCode: 204 };
      },
    }).listen(0, '127.0.0.1');
    await once(api, 'listening');
    try {
      // WHEN
      await fetch(`http://127.0.0.1:${(api.address() as AddressInfo).port}/api/chat-sessions/abc123/config`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: bytes,
      });

      // THEN the bytes as they were sent, never with U+FFFD in place of the bad ones
      const [event] = events;
      expect(event?.isBase64Encoded).toBe(isBase64Encoded);
      expect(Buffer.from(event?.body ?? '', isBase64Encoded ? 'base64' : 'utf8')).toEqual(bytes);
    } finally {
      api.close();
    }
  });
});

describe('a client that goes away mid-request', () => {
  it('invokes nothing and logs no failure', async () => {
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const invoked = jest.fn(async () => ({ statusCode: 200, body: '' }));
    const api = createLocalHttpApi({ routes: CHAT_CONFIG_ROUTES, handler: invoked }).listen(0, '127.0.0.1');
    await once(api, 'listening');
    try {
      // GIVEN a request whose body is announced but only half sent
      const socket = connect((api.address() as AddressInfo).port, '127.0.0.1');
      await once(socket, 'connect');
      socket.write(
        'PUT /api/chat-sessions/abc123/config HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"config"',
      );
      await sleep(100);

      // WHEN the client goes away
      socket.destroy();
      await sleep(100);

      // THEN
      expect(invoked).not.toHaveBeenCalled();
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      consoleError.mockRestore();
      api.close();
    }
  });
});

describe('a failed invocation', () => {
  it("answers API Gateway's own 500 when the handler throws, and logs the error", async () => {
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const failing = createLocalHttpApi({
      routes: CHAT_CONFIG_ROUTES,
      handler: async () => {
        throw new Error('Runtime.HandlerNotFound');
      },
    }).listen(0, '127.0.0.1');
    await once(failing, 'listening');
    try {
      const port = (failing.address() as AddressInfo).port;

      const response = await fetch(`http://127.0.0.1:${port}/api/chat-sessions/abc123/config`, {
        method: 'PUT',
      });

      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ message: 'Internal Server Error' });
      expect(consoleError).toHaveBeenCalledWith(
        'Invocation failed:',
        expect.objectContaining({ message: 'Runtime.HandlerNotFound' }),
      );
    } finally {
      consoleError.mockRestore();
      failing.close();
    }
  });
});
