import { describe, expect, it } from '@jest/globals';
import { MAX_BODY_BYTES } from '../../../functions/chat-config/body-size';
import { UTF8_ONLY } from '../../../functions/http/request-body';
import { storeAt } from '../../helpers/dynamodb';
import { createHttpApiEvent, createRestApiEvent } from '../../helpers/events';
import { createTestHandler, expectProblem, storedSession, useSessionFixture } from '../../helpers/handler';

const SEED_CONFIG = {
  model: 'gpt-4',
  temperature: 0.7,
  max_tokens: 2000,
  system_prompt: 'You are a helpful assistant',
};
const ORIGINAL_ITEM = storedSession({
  messages: [{ role: 'user', content: 'hi' }],
  config: { model: 'gpt-3.5-turbo' },
  updatedAt: '2026-01-01T00:00:00.000Z',
});

const { table, invoke, expectSessionUnchanged } = useSessionFixture(ORIGINAL_ITEM);

describe('POST and PUT /api/chat-sessions/{sessionId}/config', () => {
  it.each(['POST', 'PUT'])('%s replaces the config and answers 200 with the stored state', async (method) => {
    // WHEN
    const response = await invoke(createHttpApiEvent({ method, body: { config: SEED_CONFIG } }));

    // THEN
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.body).toEqual({
      message: 'Chat configuration updated successfully',
      sessionId: 'session-1',
      config: SEED_CONFIG,
      version: 5,
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(await table.get('session-1')).toEqual({
      ...ORIGINAL_ITEM,
      config: SEED_CONFIG,
      configVersion: 5,
      updatedAt: response.body.updatedAt,
      configWriteId: expect.any(String),
    });
  });

  it('stores exactly the fields sent, with no invented defaults', async () => {
    await invoke(createHttpApiEvent({ body: { config: { top_p: 0.5 } } }));

    expect((await table.get('session-1'))?.config).toEqual({ top_p: 0.5 });
  });

  it('clears the config when given {"config": {}}', async () => {
    const response = await invoke(createHttpApiEvent({ body: { config: {} } }));

    expect(response.statusCode).toBe(200);
    expect(response.body.config).toEqual({});
    expect((await table.get('session-1'))?.config).toEqual({});
  });

  it('starts the version at 1 when the session has never had one', async () => {
    await table.put({ sessionId: 'fresh', ownerId: 'alice' });

    const first = await invoke(createHttpApiEvent({ sessionId: 'fresh', body: { config: {} } }));
    const second = await invoke(createHttpApiEvent({ sessionId: 'fresh', body: { config: {} } }));

    expect([first.body.version, second.body.version]).toEqual([1, 2]);
    expect(await table.get('fresh')).toMatchObject({ ownerId: 'alice', configVersion: 2 });
  });

  it('accepts every field at its limits', async () => {
    const config = {
      model: `${'a'.repeat(100)}.b_c:d/e@f-g 1`,
      temperature: 2,
      max_tokens: 1_000_000,
      top_p: 0,
      presence_penalty: -2,
      frequency_penalty: 2,
      stop: ['a', 'b', 'c', 's'.repeat(256)],
      system_prompt: 'p'.repeat(65_536),
    };

    const response = await invoke(createHttpApiEvent({ method: 'PUT', body: { config } }));

    expect(response.statusCode).toBe(200);
    expect((await table.get('session-1'))?.config).toEqual(config);
  });

  it('reads a base64-encoded body', async () => {
    const body = Buffer.from(JSON.stringify({ config: { temperature: 1 } })).toString('base64');

    const response = await invoke(createHttpApiEvent({ body, isBase64Encoded: true }));

    expect(response.statusCode).toBe(200);
    expect(response.body.config).toEqual({ temperature: 1 });
  });

  it('accepts a REST API (payload 1.0) event with mixed-case headers', async () => {
    const response = await invoke(
      createRestApiEvent({ method: 'PUT', body: { config: { model: 'gpt-4o' } } }),
    );

    expect(response.statusCode).toBe(200);
    expect((await table.get('session-1'))?.config).toEqual({ model: 'gpt-4o' });
  });

  it('accepts JSON content types with parameters and +json suffixes', async () => {
    for (const contentType of [
      'application/json; charset=utf-8',
      'application/vnd.api+json',
      'APPLICATION/JSON',
    ]) {
      const response = await invoke(
        createHttpApiEvent({ body: { config: {} }, headers: { 'Content-Type': contentType } }),
      );
      expect(response.statusCode).toBe(200);
    }
  });
});

describe('REST API (payload 1.0) events', () => {
  it('answers 400 to an event without a body (body: null)', async () => {
    const response = await invoke(createRestApiEvent({}));

    expectProblem(response, 400);
    await expectSessionUnchanged();
  });

  it('answers 404 for a missing session', async () => {
    const response = await invoke(createRestApiEvent({ sessionId: 'missing', body: { config: {} } }));

    expectProblem(response, 404);
    expect(await table.get('missing')).toBeUndefined();
  });

  it('reads a base64-encoded body', async () => {
    const body = Buffer.from('{"config": {"max_tokens": 7}}').toString('base64');

    const response = await invoke(createRestApiEvent({ body, isBase64Encoded: true }));

    expect(response.statusCode).toBe(200);
    expect((await table.get('session-1'))?.config).toEqual({ max_tokens: 7 });
  });

  it('answers 415 when the event has no Content-Type', async () => {
    const response = await invoke(createRestApiEvent({ body: { config: {} }, headers: {} }));

    expectProblem(response, 415);
  });
});

describe('413: the session would outgrow DynamoDB', () => {
  it('answers 413 when the config would take the item past 400 KB, and changes nothing', async () => {
    // GIVEN a session whose messages already take most of DynamoDB's 400 KB item limit
    const crowded = { sessionId: 'crowded', ownerId: 'alice', messages: 'm'.repeat(350_000) };
    await table.put(crowded);

    // WHEN a valid config of 64 KiB is sent
    const response = await invoke(
      createHttpApiEvent({ sessionId: 'crowded', body: { config: { system_prompt: 'p'.repeat(65_536) } } }),
    );

    // THEN
    expectProblem(response, 413);
    expect(response.body.type).toBe('urn:chat-config:problem:session-too-large');
    expect(await table.get('crowded')).toEqual(crowded);
  });

  it("tells nothing of another user's crowded session: the 404 of a missing one, not the 413", async () => {
    // GIVEN Bob's crowded session, which the same config would take past 400 KB
    const crowded = { sessionId: 'crowded-bob', ownerId: 'bob', messages: 'm'.repeat(350_000) };
    await table.put(crowded);
    const body = { config: { system_prompt: 'p'.repeat(65_536) } };

    // WHEN Alice sends it, to Bob's session and to one that does not exist
    for (const method of ['POST', 'PUT']) {
      const theirs = await invoke(createHttpApiEvent({ method, sessionId: 'crowded-bob', body }));
      const missing = await invoke(createHttpApiEvent({ method, sessionId: 'no-such-session', body }));

      // THEN
      expect(theirs.statusCode).toBe(404);
      expect(theirs.rawBody).toBe(missing.rawBody);
    }
    expect(await table.get('crowded-bob')).toEqual(crowded);
  });
});

describe('404: the session does not exist', () => {
  it('answers 404 with the original message and creates nothing', async () => {
    const response = await invoke(
      createHttpApiEvent({ sessionId: 'missing', body: { config: SEED_CONFIG } }),
    );

    expectProblem(response, 404);
    expect(response.body.error).toBe('Chat session not found or update failed');
    expect(await table.get('missing')).toBeUndefined();
  });
});

describe('400: the request cannot be understood', () => {
  it.each([
    ['malformed JSON', '{"config": {"model": "gpt-4",}'],
    ['an empty body', ''],
    ['a JSON array', '[]'],
    ['a JSON string', '"config"'],
    ['no config member', '{"settings": {}}'],
    ['a null config', '{"config": null}'],
    ['a string config', '{"config": "gpt-4"}'],
    ['an array config', '{"config": [1, 2]}'],
  ])('answers 400 to %s and changes nothing', async (_, body) => {
    const response = await invoke(createHttpApiEvent({ body }));

    expectProblem(response, 400);
    await expectSessionUnchanged();
  });

  it('answers 400 when there is no body at all', async () => {
    const response = await invoke(createHttpApiEvent({}));

    expectProblem(response, 400);
    await expectSessionUnchanged();
  });

  it.each([
    ['empty', ''],
    ['129 characters long', 'a'.repeat(129)],
    ['made of other characters', 'session.1'],
    ['a path traversal', '../session-1'],
    ['not ASCII', 'séance'],
  ])('answers 400 when the sessionId is %s', async (_, sessionId) => {
    const response = await invoke(createHttpApiEvent({ sessionId, body: { config: {} } }));

    expectProblem(response, 400);
    expect(response.body.detail).toMatch(/sessionId/);
    await expectSessionUnchanged();
  });

  it('answers 400 when the event has no path parameters', async () => {
    const response = await invoke(createHttpApiEvent({ sessionId: null, body: { config: {} } }));

    expectProblem(response, 400);
  });

  it('accepts a sessionId of exactly 128 allowed characters', async () => {
    const sessionId = `${'A-z_9'.repeat(25)}abc`;
    await table.put({ sessionId, ownerId: 'alice' });

    const response = await invoke(createHttpApiEvent({ sessionId, body: { config: {} } }));

    expect(response.statusCode).toBe(200);
  });
});

describe('405: another method', () => {
  it('answers 405 with an Allow header', async () => {
    const response = await invoke(createHttpApiEvent({ method: 'DELETE' }));

    expectProblem(response, 405);
    expect(response.headers.allow).toBe('GET, POST, PUT, PATCH');
    await expectSessionUnchanged();
  });
});

describe('413: the body is too large', () => {
  it('answers 413 to a body over MAX_BODY_BYTES and changes nothing', async () => {
    const body = JSON.stringify({ config: { system_prompt: 'x'.repeat(MAX_BODY_BYTES) } });

    const response = await invoke(createHttpApiEvent({ body }));

    expectProblem(response, 413);
    await expectSessionUnchanged();
  });

  it('measures a base64 body by its decoded size', async () => {
    const json = JSON.stringify({ config: {}, pad: ' '.repeat(MAX_BODY_BYTES - 30) });
    const under = Buffer.from(json.slice(0, MAX_BODY_BYTES)).toString('base64');
    const over = Buffer.from(json.padEnd(MAX_BODY_BYTES + 1, ' ')).toString('base64');

    const underResponse = await invoke(createHttpApiEvent({ body: under, isBase64Encoded: true }));
    const overResponse = await invoke(createHttpApiEvent({ body: over, isBase64Encoded: true }));

    // Under the limit, the body is read (its top-level `pad` ignored) and the update made.
    expect(underResponse.statusCode).toBe(200);
    expect(overResponse.statusCode).toBe(413);
  });
});

describe('415: the body is not JSON', () => {
  it.each([
    ['text/plain', { 'content-type': 'text/plain' }],
    ['form data', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['no content type', {}],
    ['a JSON Merge Patch, which is no full replace', { 'content-type': 'application/merge-patch+json' }],
  ])('answers 415 to %s and changes nothing', async (_, headers) => {
    const response = await invoke(createHttpApiEvent({ body: { config: {} }, headers }));

    expectProblem(response, 415);
    await expectSessionUnchanged();
  });

  it.each([
    ['charset=iso-8859-1', 'application/json; charset=iso-8859-1'],
    ['a quoted charset', 'application/json; charset="windows-1252"'],
    ['a second charset beside UTF-8', 'application/json; charset=utf-8; charset=utf-16'],
  ])('answers 415 to %s, saying that only UTF-8 is accepted, and changes nothing', async (_, contentType) => {
    // GIVEN a JSON body labelled with another charset than UTF-8
    const headers = { 'content-type': contentType };

    // WHEN
    const response = await invoke(createHttpApiEvent({ body: { config: { model: 'gpt-4o' } }, headers }));

    // THEN
    expectProblem(response, 415, UTF8_ONLY);
    expect(response.headers.accept).toBe('application/json');
    await expectSessionUnchanged();
  });

  it.each(['charset=utf-8', 'charset=UTF-8', 'charset="utf-8"', 'CHARSET = "Utf-8"'])(
    'takes a JSON body sent with %s',
    async (charset) => {
      // GIVEN
      const headers = { 'content-type': `application/json; ${charset}` };

      // WHEN
      const response = await invoke(createHttpApiEvent({ body: { config: { model: 'gpt-4o' } }, headers }));

      // THEN
      expect(response.statusCode).toBe(200);
      expect((await table.get('session-1'))?.config).toEqual({ model: 'gpt-4o' });
    },
  );
});

describe('422: the config breaks the schema', () => {
  it('lists every violation with its path and changes nothing', async () => {
    const response = await invoke(
      createHttpApiEvent({
        body: {
          config: { temperature: 2.5, max_tokens: 0, stop: ['ok', ''], colour: 'blue', model: 'gpt 4!' },
        },
      }),
    );

    expectProblem(response, 422);
    const errors = response.body.errors as { path: string; message: string }[];
    expect(errors.map((e) => e.path).sort()).toEqual([
      '/config/colour',
      '/config/max_tokens',
      '/config/model',
      '/config/stop/1',
      '/config/temperature',
    ]);
    expect(errors.find((e) => e.path === '/config/colour')?.message).toBe('Unknown field');
    for (const { message } of errors) expect(message).not.toBe('');
    await expectSessionUnchanged();
  });

  it('ignores top-level members beside config, as the original endpoint did', async () => {
    const response = await invoke(createHttpApiEvent({ body: { config: { top_p: 1 }, session_id: 'x' } }));

    expect(response.statusCode).toBe(200);
    expect((await table.get('session-1'))?.config).toEqual({ top_p: 1 });
  });

  it('lists the first 20 of many violations and counts them all', async () => {
    // GIVEN every field broken in as many ways as it can be
    const tiny = -1e-200;
    const stop = `\ud800${'s'.repeat(256)}`;
    const config = {
      model: '!'.repeat(129),
      temperature: tiny,
      max_tokens: tiny,
      top_p: tiny,
      presence_penalty: 3,
      frequency_penalty: 3,
      stop: [stop, stop, stop, stop],
      system_prompt: `\ud800${'漢'.repeat(65_536)}`,
    };

    // WHEN
    const response = await invoke(createHttpApiEvent({ body: { config } }));

    // THEN
    expectProblem(response, 422);
    expect(response.body.errors).toHaveLength(20);
    expect(response.body.detail).toBe('The request body is invalid: 21 violations (the first 20 are listed)');
    await expectSessionUnchanged();
  });

  it('refuses a number too small for DynamoDB to store, rather than failing the write', async () => {
    const response = await invoke(createHttpApiEvent({ body: '{"config": {"temperature": 5e-324}}' }));

    expectProblem(response, 422);
    expect(response.body.errors).toEqual([
      { path: '/config/temperature', message: expect.stringMatching(/1e-130/) },
    ]);
    await expectSessionUnchanged();
  });

  it('refuses a number JSON cannot hold (1e400 parses to Infinity)', async () => {
    const response = await invoke(createHttpApiEvent({ body: '{"config": {"temperature": 1e400}}' }));

    expectProblem(response, 422);
    await expectSessionUnchanged();
  });
});

describe('500: an unexpected failure', () => {
  it('answers 500 with a fixed sentence that names no table, SDK message or stack', async () => {
    const tableName = 'table-that-does-not-exist';
    const broken = createTestHandler(storeAt(table.endpoint, tableName));

    const response = await broken(createHttpApiEvent({ body: { config: {} } }));

    expectProblem(response, 500);
    expect(response.body).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred',
      error: 'Failed to update chat configuration',
    });
    expect(response.rawBody).not.toMatch(new RegExp(`${tableName}|ResourceNotFound|Exception`));
  });
});
