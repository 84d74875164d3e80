/**
 * The client against `npm start` (its own process, over real sockets, on DynamoDB Local): what each call sends and
 * answers, and the errors it throws, from the function and from the local API Gateway alike.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  type ChatConfig,
  type ChatConfigClientOptions,
  ChatConfigError,
  createChatConfigClient,
} from '../../client/src';
import { createTestTable, type TestTable } from '../helpers/dynamodb';
import { listeningUrl, useNpmStart } from '../helpers/npm-start';

const { token, startOnTestEndpoint } = useNpmStart({ stopAfter: 'file' });
const OWNER = 'demo-user';

let baseUrl: string;
let table: TestTable;
let ownerToken: string;

beforeAll(async () => {
  const api = startOnTestEndpoint();
  baseUrl = String(listeningUrl(await api.banner));
  table = await createTestTable(api.tableName);
  ownerToken = await token('--sub', OWNER);
}, 30_000);
afterAll(async () => table?.drop());

/** A session of the token's user, written 4 times through the API, under an id of its own. */
const seedSession = async (config: Record<string, unknown> = { model: 'gpt-4', temperature: 0.7 }) => {
  const sessionId = `client-${randomUUID()}`;
  await table.put({
    sessionId,
    ownerId: OWNER,
    config,
    configVersion: 4,
    updatedAt: '2026-11-26T10:00:00.000Z',
  });
  return sessionId;
};

/** Every request the client sends, as `fetch` receives it. */
const recordingFetch = () => {
  const sent: { method: string; headers: Headers; status: number }[] = [];
  const fetch = async (request: Request) => {
    const headers = new Headers(request.headers);
    const response = await globalThis.fetch(request);
    sent.push({ method: request.method, headers, status: response.status });
    return response;
  };
  return { sent, fetch };
};

const clientWith = (options: Partial<ChatConfigClientOptions> = {}) =>
  createChatConfigClient({ baseUrl, token: ownerToken, ...options });

/** What a call threw. */
const thrown = async (call: Promise<unknown>): Promise<ChatConfigError> => {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ChatConfigError))
    throw new Error(`expected a ChatConfigError, got ${String(error)}`);
  return error;
};

describe('createChatConfigClient, against npm start', () => {
  it('reads a config, its version, its ETag and the time of its last write', async () => {
    const sessionId = await seedSession();

    const read = await clientWith().get(sessionId);

    expect(read).toEqual({
      config: { model: 'gpt-4', temperature: 0.7 },
      version: 4,
      etag: '"4"',
      updatedAt: '2026-11-26T10:00:00.000Z',
    });
  });

  it('reads a config never written through the API at version 0, updatedAt null', async () => {
    const sessionId = `client-${randomUUID()}`;
    await table.put({ sessionId, ownerId: OWNER, config: { model: 'gpt-4' } });

    const read = await clientWith().get(sessionId);

    expect(read).toEqual({ config: { model: 'gpt-4' }, version: 0, etag: '"0"', updatedAt: null });
  });

  it('replaces the whole config with PUT, each write under an idempotency key of its own', async () => {
    // GIVEN
    const sessionId = await seedSession();
    const { sent, fetch } = recordingFetch();
    const client = clientWith({ fetch, token: async () => ownerToken });

    // WHEN
    const first = await client.replace(sessionId, { model: 'gpt-4o-mini', stop: ['\n\nUser:'] });
    const second = await client.replace(sessionId, { temperature: 0.2 });

    // THEN
    expect(first).toMatchObject({
      config: { model: 'gpt-4o-mini', stop: ['\n\nUser:'] },
      version: 5,
      etag: '"5"',
    });
    expect(second).toMatchObject({ config: { temperature: 0.2 }, version: 6, etag: '"6"', replayed: false });
    expect(second.updatedAt).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
    expect(await table.get(sessionId)).toMatchObject({ config: { temperature: 0.2 }, configVersion: 6 });
    const keys = sent.map(({ headers }) => headers.get('idempotency-key'));
    expect(sent.map(({ method }) => method)).toEqual(['PUT', 'PUT']);
    expect(keys).toEqual([
      expect.stringMatching(/^"[0-9a-f-]{36}"$/),
      expect.stringMatching(/^"[0-9a-f-]{36}"$/),
    ]);
    expect(keys[0]).not.toBe(keys[1]);
  });

  it('merge-patches with If-Match: written at the version read, a 412 naming the current one otherwise', async () => {
    // GIVEN
    const sessionId = await seedSession();
    const client = clientWith();
    const { etag } = await client.get(sessionId);

    // WHEN
    const patched = await client.patch(sessionId, { top_p: 0.9, temperature: null }, { ifMatch: etag });
    const stale = await thrown(client.patch(sessionId, { top_p: 0.5 }, { ifMatch: etag }));

    // THEN
    expect(patched).toMatchObject({ config: { model: 'gpt-4', top_p: 0.9 }, version: 5, etag: '"5"' });
    expect(stale).toMatchObject({
      status: 412,
      type: 'urn:chat-config:problem:precondition-failed',
      title: 'Precondition Failed',
      etag: '"5"',
    });
    expect(await table.get(sessionId)).toMatchObject({
      config: { model: 'gpt-4', top_p: 0.9 },
      configVersion: 5,
    });
  });

  it('sends a write twice under one key and has it applied once: the second gets the first answer again', async () => {
    const sessionId = await seedSession();
    const client = clientWith();
    const idempotencyKey = randomUUID();

    const first = await client.replace(sessionId, { model: 'gpt-4o' }, { idempotencyKey });
    const retry = await client.replace(sessionId, { model: 'gpt-4o' }, { idempotencyKey });

    expect(first).toMatchObject({ version: 5, replayed: false });
    expect(retry).toEqual({ ...first, replayed: true });
    expect(await table.get(sessionId)).toMatchObject({ configVersion: 5 });
  });
});

describe('update', () => {
  it('reads again and changes again after a 412 from a write that came in between', async () => {
    // GIVEN
    const sessionId = await seedSession();
    const { sent, fetch } = recordingFetch();
    const client = clientWith({ fetch });
    const other = clientWith();
    const seen: ChatConfig[] = [];

    // WHEN, the first time only, another client patches the config between the read and the write
    const updated = await client.update(sessionId, async (config) => {
      seen.push({ ...config });
      if (seen.length === 1) await other.patch(sessionId, { top_p: 0.5 });
      return { ...config, max_tokens: 1000 };
    });

    // THEN both changes are kept
    expect(seen).toEqual([
      { model: 'gpt-4', temperature: 0.7 },
      { model: 'gpt-4', temperature: 0.7, top_p: 0.5 },
    ]);
    expect(sent.map(({ method, status }) => `${method} ${status}`)).toEqual([
      'GET 200',
      'PUT 412',
      'GET 200',
      'PUT 200',
    ]);
    expect(sent[1]?.headers.get('if-match')).toBe('"4"');
    expect(updated).toMatchObject({
      config: { model: 'gpt-4', temperature: 0.7, top_p: 0.5, max_tokens: 1000 },
      version: 6,
    });
  });

  it('throws the last 412 after maxAttempts rounds, having written nothing of its own', async () => {
    const sessionId = await seedSession();
    const other = clientWith();
    let rounds = 0;

    const error = await thrown(
      clientWith().update(
        sessionId,
        async (config) => {
          rounds += 1;
          await other.patch(sessionId, { max_tokens: rounds });
          return { ...config, model: 'never-written' };
        },
        { maxAttempts: 2 },
      ),
    );

    expect(rounds).toBe(2);
    expect(error).toMatchObject({
      status: 412,
      type: 'urn:chat-config:problem:precondition-failed',
      etag: '"6"',
    });
    expect(await table.get(sessionId)).toMatchObject({
      config: { model: 'gpt-4', temperature: 0.7, max_tokens: 2 },
      configVersion: 6,
    });
  });
});

describe('ChatConfigError', () => {
  it("maps the authorizer's 401 without a token: API Gateway's message, type about:blank", async () => {
    const sessionId = await seedSession();

    const error = await thrown(clientWith({ token: '' }).get(sessionId));

    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'ChatConfigError',
      status: 401,
      type: 'about:blank',
      title: 'Unauthorized',
      detail: 'Unauthorized',
      errors: [],
      message: '401 Unauthorized: Unauthorized',
    });
  });

  it("gives an expired token's 401 the authorizer's reason", async () => {
    const sessionId = await seedSession();
    const expired = await token('--sub', OWNER, '--expires-in=-60');

    const error = await thrown(clientWith({ token: async () => expired }).patch(sessionId, { top_p: 0.1 }));

    expect(error).toMatchObject({
      status: 401,
      type: 'about:blank',
      title: 'Unauthorized',
      detail: 'Unauthorized: the token has expired',
    });
  });

  it("maps the authorizer's 403 for a token without the write scope", async () => {
    const sessionId = await seedSession();
    const reader = await token('--sub', OWNER, '--scope', 'chat-config/read');

    const error = await thrown(clientWith({ token: reader }).replace(sessionId, {}));

    expect(error).toMatchObject({ status: 403, type: 'about:blank', title: 'Forbidden' });
    expect(error.detail).toMatch(/^Forbidden: the token does not have any of the scopes/);
  });

  it("maps the function's 404 problem, and the local API Gateway's 404 of an unknown route", async () => {
    const missing = await thrown(clientWith().get('no-such-session'));
    const unrouted = await thrown(clientWith({ baseUrl: `${baseUrl}/v2` }).get('no-such-session'));

    expect(missing).toMatchObject({
      status: 404,
      type: 'urn:chat-config:problem:session-not-found',
      title: 'Not Found',
      detail: 'Chat session not found or update failed',
    });
    expect(unrouted).toMatchObject({
      status: 404,
      type: 'about:blank',
      title: 'Not Found',
      detail: 'Not Found',
    });
  });

  it("lists a 422's field violations in errors, and writes nothing", async () => {
    const sessionId = await seedSession();

    const error = await thrown(clientWith().replace(sessionId, { temperature: 5, max_tokens: 0 }));

    expect(error).toMatchObject({
      status: 422,
      type: 'urn:chat-config:problem:validation-failed',
      title: 'Unprocessable Content',
      detail: 'The request body is invalid: 2 violations',
    });
    expect(error.errors).toEqual([
      { path: '/config/temperature', message: expect.stringContaining('<=2') },
      { path: '/config/max_tokens', message: expect.stringContaining('>=1') },
    ]);
    expect(await table.get(sessionId)).toMatchObject({ configVersion: 4 });
  });
});

describe('the client package on Node.js 24', () => {
  it('runs as it is, imported by its name, without a loader or a build', async () => {
    const sessionId = await seedSession({ model: 'gpt-4o' });
    // A process of its own, on the Node.js that runs this test: its types stripped by Node.js itself.
    const script = `
      import { createChatConfigClient } from 'chat-config-client';
      const client = createChatConfigClient({ baseUrl: process.env.API_URL, token: process.env.TOKEN });
      const read = await client.get(process.env.SESSION_ID);
      const written = await client.patch(process.env.SESSION_ID, { temperature: 0.3 }, { ifMatch: read.etag });
      console.log(JSON.stringify(written));`;

    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH, API_URL: baseUrl, TOKEN: ownerToken, SESSION_ID: sessionId },
    });

    expect(JSON.parse(stdout)).toMatchObject({ config: { model: 'gpt-4o', temperature: 0.3 }, version: 5 });
    expect(await table.get(sessionId)).toMatchObject({ configVersion: 5 });
  });
});
