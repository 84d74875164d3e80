import { describe, expect, it } from '@jest/globals';
import { createHttpApiEvent } from '../../helpers/events';
import { storedSession, useSessionFixture } from '../../helpers/handler';

const ITEM = storedSession({
  config: { model: 'gpt-4', temperature: 0.7, stop: ['a', 'b'], system_prompt: 'Be brief' },
});

const { table, invoke, expectSessionUnchanged } = useSessionFixture(ITEM);
const MERGE_PATCH = { 'content-type': 'application/merge-patch+json' };

const patch = (body: unknown, headers: Record<string, string> = MERGE_PATCH, sessionId = 'session-1') =>
  invoke(createHttpApiEvent({ method: 'PATCH', sessionId, body, headers }));

describe('PATCH /api/chat-sessions/{sessionId}/config (JSON Merge Patch)', () => {
  it('sets the fields it names, removes those set to null, keeps the others, and answers the result', async () => {
    // WHEN
    const response = await patch({ temperature: 0.2, stop: ['c'], system_prompt: null, top_p: 0.9 });

    // THEN
    const config = { model: 'gpt-4', temperature: 0.2, stop: ['c'], top_p: 0.9 };
    expect(response.statusCode).toBe(200);
    expect(response.headers.etag).toBe('"5"');
    expect(response.body).toEqual({
      message: 'Chat configuration updated successfully',
      sessionId: 'session-1',
      config,
      version: 5,
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(await table.get('session-1')).toEqual({
      ...ITEM,
      config,
      configVersion: 5,
      updatedAt: response.body.updatedAt,
      configWriteId: expect.any(String),
    });
  });

  it('replaces an array whole, as RFC 7396 does', async () => {
    await patch({ stop: 'END' });

    expect((await table.get('session-1'))?.config).toMatchObject({ stop: 'END' });
  });

  it('removes a field that is already absent without error', async () => {
    const response = await patch({ max_tokens: null });

    expect(response.statusCode).toBe(200);
    expect(response.body.config).toEqual(ITEM.config);
  });

  it('answers an empty patch with the session as it stands, and writes nothing', async () => {
    const response = await patch({});

    expect(response.statusCode).toBe(200);
    expect(response.headers.etag).toBe('"4"');
    expect(response.body).toEqual({
      message: 'Chat configuration updated successfully',
      sessionId: 'session-1',
      config: ITEM.config,
      version: 4,
      updatedAt: ITEM.updatedAt,
    });
    await expectSessionUnchanged();
  });

  it('answers an empty patch under a stale If-Match with 412, as any patch', async () => {
    const response = await patch({}, { ...MERGE_PATCH, 'if-match': '"3"' });

    expect([response.statusCode, response.headers.etag]).toEqual([412, '"4"']);
    await expectSessionUnchanged();
  });

  it('answers an empty patch of a missing session with 404', async () => {
    const response = await patch({}, MERGE_PATCH, 'ghost');

    expect(response.statusCode).toBe(404);
    expect(await table.get('ghost')).toBeUndefined();
  });

  it('takes the media type with parameters, in any case', async () => {
    const response = await patch(
      { top_p: 0.1 },
      { 'content-type': 'Application/Merge-Patch+JSON; charset=utf-8' },
    );

    expect(response.statusCode).toBe(200);
  });

  it('keeps both of two concurrent patches of different fields', async () => {
    const [first, second] = await Promise.all([patch({ model: 'gpt-4o' }), patch({ max_tokens: 512 })]);

    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(await table.get('session-1')).toMatchObject({
      config: { ...ITEM.config, model: 'gpt-4o', max_tokens: 512 },
      configVersion: 6,
    });
  });

  it('answers 404 and creates nothing when the session does not exist', async () => {
    const response = await patch({ model: 'gpt-4' }, MERGE_PATCH, 'nobody');

    expect(response.statusCode).toBe(404);
    expect(response.body.error).toBe('Chat session not found or update failed');
    expect(await table.get('nobody')).toBeUndefined();
  });
});

describe('PATCH: 415 for any other media type', () => {
  it.each([
    ['application/json', { 'content-type': 'application/json' }],
    ['a JSON Patch (RFC 6902)', { 'content-type': 'application/json-patch+json' }],
    ['no content type', {}],
  ])('answers 415 to %s, with Accept-Patch, and changes nothing', async (_, headers) => {
    const response = await patch({ model: 'x' }, headers);

    expect(response.statusCode).toBe(415);
    expect(response.headers['accept-patch']).toBe('application/merge-patch+json');
    expect(response.body.detail).toBe(
      'The request body must be sent with Content-Type: application/merge-patch+json',
    );
    await expectSessionUnchanged();
  });
});

describe('PATCH: 400 when the body is no merge patch of the config', () => {
  it.each([
    ['an array', '[]'],
    ['a number', '5'],
    ['null (which would remove the whole config)', 'null'],
    ['malformed JSON', '{"model": '],
  ])('answers 400 to %s and changes nothing', async (_, body) => {
    const response = await patch(body);

    expect(response.statusCode).toBe(400);
    await expectSessionUnchanged();
  });
});

describe('PATCH: 422 when the merged config would break the schema', () => {
  it.each([
    ['a value out of range', { temperature: 3 }, '/temperature'],
    ['an invalid entry nested in an array', { stop: ['ok', 5] }, '/stop'],
    [
      'an object where a number goes (merged, it would stay an object)',
      { temperature: { a: 1 } },
      '/temperature',
    ],
    ['an object of nulls (merged, it would be {})', { max_tokens: { a: null } }, '/max_tokens'],
    ['an unknown field', { colour: 'blue' }, '/colour'],
    ['an unknown field set to null', { colour: null }, '/colour'],
    ['a lone surrogate', { system_prompt: 'x\ud800' }, '/system_prompt'],
  ])('answers 422 to %s, pointing at it, and changes nothing', async (_, body, path) => {
    const response = await patch(body);

    expect(response.statusCode).toBe(422);
    expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    await expectSessionUnchanged();
  });

  it('tells a client that wrapped the patch in {"config": ...} what to send instead', async () => {
    const response = await patch({ config: { model: 'gpt-4' } });

    expect(response.statusCode).toBe(422);
    expect(response.body.errors).toEqual([
      { path: '/config', message: 'Unknown field: a merge patch is the config itself, not {"config": ...}' },
    ]);
  });

  it('refuses a __proto__ key', async () => {
    const response = await patch('{"__proto__": {"model": "x"}}');

    expect(response.statusCode).toBe(422);
    await expectSessionUnchanged();
  });
});

describe('PATCH of a config this API did not write (no version: written before it, or by another system)', () => {
  it('gives a session without a config the fields it sets', async () => {
    await table.put({ sessionId: 'bare', ownerId: 'alice' });

    const response = await patch({ model: 'gpt-4', stop: null }, MERGE_PATCH, 'bare');

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ config: { model: 'gpt-4' }, version: 1 });
    expect(await table.get('bare')).toMatchObject({
      ownerId: 'alice',
      config: { model: 'gpt-4' },
      configVersion: 1,
    });
  });

  it('merges the patch into a valid stored config', async () => {
    await table.put({ sessionId: 'old', ownerId: 'alice', config: { model: 'gpt-3.5-turbo', stop: 'END' } });

    const response = await patch({ temperature: 0.5, stop: null }, MERGE_PATCH, 'old');

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ config: { model: 'gpt-3.5-turbo', temperature: 0.5 }, version: 1 });
  });

  it('answers 422, naming the stored values that break the schema, and writes nothing', async () => {
    // GIVEN a config no schema ever checked
    const item = { sessionId: 'old', ownerId: 'alice', config: { temperature: 5, colour: 'blue' } };
    await table.put(item);

    // WHEN a patch, itself valid, leaves them in place
    const response = await patch({ model: 'gpt-4' }, MERGE_PATCH, 'old');

    // THEN
    expect(response.statusCode).toBe(422);
    expect(response.body.errors).toEqual([
      {
        path: '/temperature',
        message:
          'Too big: expected number to be <=2 (a stored value: patch it with a valid value, or replace the whole config)',
      },
      { path: '/colour', message: 'Unknown field (a stored value: replace the whole config to drop it)' },
    ]);
    expect(await table.get('old')).toEqual(item);
  });

  it('answers an empty patch with 422 too, naming the stored values, and writes nothing', async () => {
    const item = { sessionId: 'old', ownerId: 'alice', config: { temperature: 5 } };
    await table.put(item);

    const response = await patch({}, MERGE_PATCH, 'old');

    expect(response.statusCode).toBe(422);
    expect(response.body.errors).toEqual([
      {
        path: '/temperature',
        message:
          'Too big: expected number to be <=2 (a stored value: patch it with a valid value, or replace the whole config)',
      },
    ]);
    expect(await table.get('old')).toEqual(item);
  });

  it('answers an empty patch of a valid stored config with it as it stands, at version 0, and writes nothing', async () => {
    const item = { sessionId: 'old', ownerId: 'alice', config: { model: 'gpt-3.5-turbo' } };
    await table.put(item);

    const response = await patch({}, MERGE_PATCH, 'old');

    expect([response.statusCode, response.headers.etag]).toEqual([200, '"0"']);
    expect(response.body).toMatchObject({ config: item.config, version: 0 });
    expect(await table.get('old')).toEqual(item);
  });

  it('takes a patch that repairs the stored values', async () => {
    await table.put({ sessionId: 'old', ownerId: 'alice', config: { temperature: 5 } });

    const response = await patch({ temperature: 1 }, MERGE_PATCH, 'old');

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ config: { temperature: 1 }, version: 1 });
  });

  it('writes under If-Match: "0", its version, and answers 412 to any other', async () => {
    await table.put({ sessionId: 'old', ownerId: 'alice', config: { model: 'm' } });

    const stale = await patch({ top_p: 0.5 }, { ...MERGE_PATCH, 'if-match': '"1"' }, 'old');
    const current = await patch({ top_p: 0.5 }, { ...MERGE_PATCH, 'if-match': '"0"' }, 'old');

    expect([stale.statusCode, stale.headers.etag]).toEqual([412, '"0"']);
    expect([current.statusCode, current.headers.etag]).toEqual([200, '"1"']);
  });

  it('keeps every field of concurrent patches of different fields', async () => {
    await table.put({ sessionId: 'old', ownerId: 'alice', config: { model: 'm' } });
    const patches = [
      { temperature: 0.5 },
      { max_tokens: 10 },
      { top_p: 0.5 },
      { stop: ['x'] },
      { system_prompt: 'p' },
    ];

    const responses = await Promise.all(patches.map((body) => patch(body, MERGE_PATCH, 'old')));

    expect(responses.map((r) => r.statusCode)).toEqual(patches.map(() => 200));
    expect(await table.get('old')).toMatchObject({
      config: Object.assign({ model: 'm' }, ...patches),
      configVersion: patches.length,
    });
  });
});
