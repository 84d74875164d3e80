import { beforeAll, describe, expect, it } from '@jest/globals';
import { createHttpApiEvent } from '../../helpers/events';
import { createTestHandler, storedSession, useSessionFixture } from '../../helpers/handler';

const ITEM = storedSession();

const { table, invoke, expectSessionUnchanged } = useSessionFixture(ITEM);

let invokeRequiringIfMatch: ReturnType<typeof createTestHandler>;

beforeAll(async () => {
  invokeRequiringIfMatch = createTestHandler(table.store, { requireIfMatch: true });
});

/** A write of each method, with the given extra headers. */
const write =
  (method: string, body: unknown, contentType: string) =>
  (headers: Record<string, string>, sessionId = 'session-1') =>
    createHttpApiEvent({ method, sessionId, body, headers: { 'content-type': contentType, ...headers } });
const WRITES = {
  PUT: write('PUT', { config: { model: 'mine' } }, 'application/json'),
  POST: write('POST', { config: { model: 'mine' } }, 'application/json'),
  PATCH: write('PATCH', { model: 'mine' }, 'application/merge-patch+json'),
};
const METHODS = Object.keys(WRITES) as (keyof typeof WRITES)[];

describe('If-Match on writes', () => {
  it.each(METHODS)(
    '%s writes when If-Match names the current version, and answers the new ETag',
    async (method) => {
      const response = await invoke(WRITES[method]({ 'if-match': '"4"' }));

      expect(response.statusCode).toBe(200);
      expect(response.headers.etag).toBe('"5"');
      expect((await table.get('session-1'))?.config).toEqual({ model: 'mine' });
    },
  );

  it.each(METHODS)(
    '%s answers 412 with the current ETag to a stale If-Match, and writes nothing',
    async (method) => {
      const response = await invoke(WRITES[method]({ 'if-match': '"3"' }));

      expect(response.statusCode).toBe(412);
      expect(response.headers.etag).toBe('"4"');
      expect(response.headers['content-type']).toBe('application/problem+json');
      expect(response.body).toMatchObject({
        type: 'urn:chat-config:problem:precondition-failed',
        status: 412,
        error: 'Failed to update chat configuration',
      });
      await expectSessionUnchanged();
    },
  );

  it.each(METHODS)('%s answers 404, not 412, when the session does not exist', async (method) => {
    const response = await invoke(WRITES[method]({ 'if-match': '"3"' }, 'nobody'));

    expect(response.statusCode).toBe(404);
    expect(await table.get('nobody')).toBeUndefined();
  });

  it('stops the second of two clients that read the same version from overwriting the first', async () => {
    // GIVEN both clients read version 4
    const first = await invoke(WRITES.PUT({ 'if-match': '"4"' }));

    // WHEN the second writes with what it read
    const second = await invoke(
      createHttpApiEvent({
        method: 'PUT',
        body: { config: { model: 'theirs' } },
        headers: { 'content-type': 'application/json', 'if-match': '"4"' },
      }),
    );

    // THEN
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(412);
    expect(second.headers.etag).toBe('"5"');
    expect((await table.get('session-1'))?.config).toEqual({ model: 'mine' });
  });

  it.each([
    ['one of several tags', '"2", "4"'],
    ['*, on an existing session', '*'],
  ])('writes with %s', async (_, ifMatch) => {
    expect((await invoke(WRITES.PUT({ 'if-match': ifMatch }))).statusCode).toBe(200);
  });

  it.each([
    ['a weak tag (If-Match compares strongly)', 'W/"4"'],
    ['a tag that is no version of ours', '"abc"'],
    ['a version with a leading zero', '"04"'],
  ])('answers 412 to %s and writes nothing', async (_, ifMatch) => {
    expect((await invoke(WRITES.PUT({ 'if-match': ifMatch }))).statusCode).toBe(412);
    await expectSessionUnchanged();
  });

  it('answers 404 to If-Match: * when the session does not exist', async () => {
    expect((await invoke(WRITES.PUT({ 'if-match': '*' }, 'nobody'))).statusCode).toBe(404);
  });

  it.each([
    ['an unquoted tag', '4'],
    ['an empty value', ''],
    ['too many tags', Array.from({ length: 17 }, (_, i) => `"${i}"`).join(', ')],
  ])('answers 400 to %s and writes nothing', async (_, ifMatch) => {
    const response = await invoke(WRITES.PUT({ 'if-match': ifMatch }));

    expect(response.statusCode).toBe(400);
    expect(response.body.detail).toMatch(/If-Match/);
    await expectSessionUnchanged();
  });

  it('answers 400 to If-None-Match on a write, which guards reads only', async () => {
    const response = await invoke(WRITES.PUT({ 'if-none-match': '*' }));

    expect(response.statusCode).toBe(400);
    await expectSessionUnchanged();
  });
});

describe('when the deployment requires If-Match (REQUIRE_IF_MATCH=true)', () => {
  it.each(METHODS)('%s answers 428 without If-Match and writes nothing', async (method) => {
    const response = await invokeRequiringIfMatch(WRITES[method]({}));

    expect(response.statusCode).toBe(428);
    expect(response.body).toMatchObject({ type: 'urn:chat-config:problem:precondition-required' });
    await expectSessionUnchanged();
  });

  it('answers 428 to If-Match: *, which names no version', async () => {
    expect((await invokeRequiringIfMatch(WRITES.PUT({ 'if-match': '*' }))).statusCode).toBe(428);
    await expectSessionUnchanged();
  });

  it('writes with the current ETag', async () => {
    expect((await invokeRequiringIfMatch(WRITES.PATCH({ 'if-match': '"4"' }))).statusCode).toBe(200);
  });

  it('still answers GET without conditions', async () => {
    expect((await invokeRequiringIfMatch(createHttpApiEvent({ method: 'GET' }))).statusCode).toBe(200);
  });

  it('writes without If-Match when the deployment does not require it', async () => {
    expect((await invoke(WRITES.PUT({}))).statusCode).toBe(200);
  });
});
