import { describe, expect, it } from '@jest/globals';
import { createHttpApiEvent } from '../../helpers/events';
import { storedSession, useSessionFixture } from '../../helpers/handler';

const ITEM = storedSession({ config: { model: 'gpt-4', temperature: 0.7, stop: ['\n\nUser:'] } });

const { table, invoke, expectSessionUnchanged } = useSessionFixture(ITEM);

const get = (headers: Record<string, string> = {}, sessionId = 'session-1') =>
  invoke(createHttpApiEvent({ method: 'GET', sessionId, headers }));

describe('GET /api/chat-sessions/{sessionId}/config', () => {
  it('answers 200 with the session id, config, version and time of the last write, and the version as ETag', async () => {
    const response = await get();

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers.etag).toBe('"4"');
    expect(response.body).toEqual({
      sessionId: 'session-1',
      config: ITEM.config,
      version: 4,
      updatedAt: ITEM.updatedAt,
    });
    // A read writes nothing: no version, no time stamp.
    await expectSessionUnchanged();
  });

  it("lets only the client's own cache keep the answer, and only to revalidate it", async () => {
    expect((await get()).headers['cache-control']).toBe('private, no-cache');
  });

  it('answers a session never written through this API with an empty config at version 0', async () => {
    await table.put({ sessionId: 'legacy', ownerId: 'alice' });

    const response = await get({}, 'legacy');

    expect(response.statusCode).toBe(200);
    expect(response.headers.etag).toBe('"0"');
    expect(response.body).toEqual({ sessionId: 'legacy', config: {}, version: 0, updatedAt: null });
  });

  it('answers 404 with the message clients of the update already read', async () => {
    const response = await get({}, 'nobody');

    expect(response.statusCode).toBe(404);
    expect(response.body.error).toBe('Chat session not found or update failed');
  });

  it('answers 400 to a bad session id', async () => {
    expect((await get({}, 'not/valid')).statusCode).toBe(400);
  });

  it('ignores a body sent with GET', async () => {
    const response = await invoke(
      createHttpApiEvent({ method: 'GET', body: 'not json', headers: { 'content-type': 'text/plain' } }),
    );

    expect(response.statusCode).toBe(200);
  });
});

describe('GET with If-None-Match', () => {
  it.each([
    ['the current ETag', '"4"'],
    ['the current ETag among others', '"2", "3", "4"'],
    ['a weak form of the current ETag (weak comparison)', 'W/"4"'],
    ['*', '*'],
  ])('answers 304 without a body to %s, with the ETag', async (_, ifNoneMatch) => {
    const response = await get({ 'if-none-match': ifNoneMatch });

    expect(response.statusCode).toBe(304);
    expect(response.rawBody).toBe('');
    expect(response.headers.etag).toBe('"4"');
  });

  it('answers 200 with the config to an older ETag', async () => {
    const response = await get({ 'if-none-match': '"3"' });

    expect(response.statusCode).toBe(200);
    expect(response.body.config).toEqual(ITEM.config);
  });

  it('answers 400 to a malformed If-None-Match', async () => {
    const response = await get({ 'if-none-match': '4' });

    expect(response.statusCode).toBe(400);
    expect(response.body.detail).toMatch(/If-None-Match must be/);
  });
});

describe('GET with If-Match', () => {
  it('answers 200 when it names the current version', async () => {
    expect((await get({ 'if-match': '"4"' })).statusCode).toBe(200);
  });

  it('answers 412 with the current ETag when it does not (a weak tag never matches)', async () => {
    for (const ifMatch of ['"3"', 'W/"4"']) {
      const response = await get({ 'if-match': ifMatch });

      expect(response.statusCode).toBe(412);
      expect(response.headers.etag).toBe('"4"');
    }
  });

  it('checks If-Match before If-None-Match', async () => {
    expect((await get({ 'if-match': '"3"', 'if-none-match': '"4"' })).statusCode).toBe(412);
  });
});
