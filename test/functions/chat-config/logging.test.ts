import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { RequestLog } from '../../../functions/chat-config/request-log';
import { createTestTable, storeAt, type TestTable } from '../../helpers/dynamodb';
import { createHttpApiEvent } from '../../helpers/events';
import { REFUSING_ENDPOINT } from '../../helpers/fake-dynamodb';
import { createTestHandler, testRequestLog } from '../../helpers/handler';
import { type CapturedLogs, captureLogs } from '../../helpers/logs';

// A value that stands for a secret in a system prompt: it may reach DynamoDB, never a log line.
const SECRET = 'sk-sentinel-6d1f0c';

let table: TestTable;
let logs: CapturedLogs;
let log: RequestLog;

beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => table.drop());
beforeEach(async () => {
  await table.put({
    sessionId: 'session-1',
    ownerId: 'alice',
    config: { system_prompt: 'old', temperature: 1 },
  });
  // Asked to log whole events, as an operator might by mistake: the handler must still keep bodies out.
  process.env.POWERTOOLS_LOGGER_LOG_EVENT = 'true';
  logs = captureLogs();
  log = testRequestLog({ quiet: false });
});
afterEach(() => {
  logs.restore();
  delete process.env.POWERTOOLS_LOGGER_LOG_EVENT;
});

describe('audit log', () => {
  it('writes one JSON line per update with the session, the caller, the changed field names, the version and request ids', async () => {
    // GIVEN
    const invoke = createTestHandler(table.store, { log });
    const event = createHttpApiEvent({
      body: { config: { system_prompt: SECRET, temperature: 1, model: 'gpt-4' } },
    });

    // WHEN
    const response = await invoke(event);

    // THEN
    expect(response.statusCode).toBe(200);
    // The request's one line: its audit and its metrics together.
    const audit = logs.lines();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      level: 'INFO',
      service: 'chat-config',
      sessionId: 'session-1',
      callerId: 'alice',
      changedFields: ['model', 'system_prompt'],
      version: 1,
      message: 'Chat configuration updated',
      requestId: event.requestContext.requestId,
      function_request_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 200,
      ConfigUpdates: 1,
    });
  });
});

describe('the caller in the logs', () => {
  it('names the verified caller on every line of a request, the rejections included, and only for that request', async () => {
    const invoke = createTestHandler(table.store, { log });

    const probe = await invoke(createHttpApiEvent({ caller: 'mallory', body: { config: { model: 'x' } } }));
    const anonymous = await invoke(createHttpApiEvent({ caller: null, body: { config: { model: 'x' } } }));

    expect([probe.statusCode, anonymous.statusCode]).toEqual([404, 401]);
    expect(logs.lines().filter((line) => line.message === 'Request rejected')).toEqual([
      expect.objectContaining({ status: 404, callerId: 'mallory' }),
      // The next invocation keeps nothing of the one before.
      expect.not.objectContaining({ callerId: expect.anything() }),
    ]);
  });
});

describe('audit log of a patch', () => {
  it('writes one JSON line per patch with the session, the caller, the names the patch set or removed, and the version', async () => {
    const invoke = createTestHandler(table.store, { log });

    const response = await invoke(
      createHttpApiEvent({
        method: 'PATCH',
        body: { system_prompt: SECRET, temperature: null },
        headers: { 'content-type': 'application/merge-patch+json' },
      }),
    );

    expect(response.statusCode).toBe(200);
    expect(logs.lines().filter((line) => line.message === 'Chat configuration patched')).toEqual([
      expect.objectContaining({
        sessionId: 'session-1',
        callerId: 'alice',
        patchedFields: ['system_prompt', 'temperature'],
        version: 1,
      }),
    ]);
    expect(logs.text()).not.toContain(SECRET);
  });
});

describe('config values never reach the logs', () => {
  const secretBody = { config: { system_prompt: SECRET, model: SECRET, stop: [SECRET] } };

  it.each([
    ['a successful update', 200, createHttpApiEvent({ body: secretBody })],
    ['a missing session (404)', 404, createHttpApiEvent({ sessionId: 'missing', body: secretBody })],
    ['another user’s session (404)', 404, createHttpApiEvent({ caller: 'mallory', body: secretBody })],
    ['no verified caller (401)', 401, createHttpApiEvent({ caller: null, body: secretBody })],
    [
      'a request with a bearer token (not logged either)',
      200,
      createHttpApiEvent({
        body: secretBody,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
      }),
    ],
    ['malformed JSON (400)', 400, createHttpApiEvent({ body: `{"config": {"system_prompt": "${SECRET}"` })],
    [
      'a schema violation (422)',
      422,
      createHttpApiEvent({ body: { config: { system_prompt: SECRET, temperature: SECRET, other: SECRET } } }),
    ],
    ['a prototype key (422)', 422, createHttpApiEvent({ body: `{"config": {"__proto__": "${SECRET}"}}` })],
    [
      'a body too large (413)',
      413,
      createHttpApiEvent({ body: { config: { system_prompt: SECRET.repeat(60_000) } } }),
    ],
    [
      'a body that is not JSON (415)',
      415,
      createHttpApiEvent({ body: SECRET, headers: { 'content-type': 'text/plain' } }),
    ],
    [
      'a stale If-Match (412)',
      412,
      createHttpApiEvent({
        body: secretBody,
        headers: { 'content-type': 'application/json', 'if-match': '"7"' },
      }),
    ],
    [
      'a patch (200)',
      200,
      createHttpApiEvent({
        method: 'PATCH',
        body: { system_prompt: SECRET, stop: [SECRET] },
        headers: { 'content-type': 'application/merge-patch+json' },
      }),
    ],
    [
      'a patch that breaks the schema (422)',
      422,
      createHttpApiEvent({
        method: 'PATCH',
        body: { system_prompt: SECRET, temperature: SECRET, [SECRET]: null },
        headers: { 'content-type': 'application/merge-patch+json' },
      }),
    ],
  ])('logs no config value on %s', async (_, status, event) => {
    const invoke = createTestHandler(table.store, { log });

    expect((await invoke(event)).statusCode).toBe(status);
    expect(logs.lines().length).toBeGreaterThan(0);
    expect(logs.text()).not.toContain(SECRET);
  });

  it.each([
    ['a read (200)', 200, {}],
    ['a read not modified (304)', 304, { 'if-none-match': '*' }],
    ['a read with a stale If-Match (412)', 412, { 'if-match': '"9"' }],
  ])('logs no stored config value on %s', async (_, status, headers) => {
    await table.put({
      sessionId: 'session-1',
      ownerId: 'alice',
      config: { system_prompt: SECRET, model: SECRET },
    });
    const invoke = createTestHandler(table.store, { log });

    expect((await invoke(createHttpApiEvent({ method: 'GET', headers }))).statusCode).toBe(status);
    // (A successful read logs nothing at all; a 412 logs its rejection.)
    expect(logs.text()).not.toContain(SECRET);
  });

  it('logs the failure but no config value when DynamoDB fails (500)', async () => {
    const invoke = createTestHandler(storeAt(table.endpoint, 'no-such-table'), { log });

    const response = await invoke(createHttpApiEvent({ body: secretBody }));

    expect(response.statusCode).toBe(500);
    expect(logs.lines()).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        status: 500,
        error: expect.objectContaining({
          name: 'StoreFailedError',
          cause: expect.objectContaining({ name: 'ResourceNotFoundException' }),
        }),
      }),
    );
    expect(logs.text()).not.toContain(SECRET);
  });

  it('logs the failure but no config value when DynamoDB is unreachable (503)', async () => {
    const store = storeAt(REFUSING_ENDPOINT, 't');
    const invoke = createTestHandler(store, { log });

    const response = await invoke(createHttpApiEvent({ body: secretBody }));

    expect(response.statusCode).toBe(503);
    // Each error named for what failed: a refused connection by its code, not Node's bare "Error".
    expect(logs.lines()).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        status: 503,
        error: expect.objectContaining({
          name: 'StoreUnavailableError',
          cause: expect.objectContaining({ name: 'ECONNREFUSED', code: 'ECONNREFUSED' }),
        }),
      }),
    );
    expect(logs.text()).not.toContain(SECRET);
  });
});
