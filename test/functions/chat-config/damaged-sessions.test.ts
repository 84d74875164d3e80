import { describe, expect, it } from '@jest/globals';
import { createHttpApiEvent } from '../../helpers/events';
import { storedSession, useSessionFixture } from '../../helpers/handler';

// Sessions whose attributes this API writes hold what it never writes: another system (or a hand) put them there.
// None is a 500: a damaged version counts as 0 and a replace repairs it; a config that is not a map is patched as `{}`.

const { table, invoke } = useSessionFixture(storedSession());
const MERGE_PATCH = { 'content-type': 'application/merge-patch+json' };

const put = (sessionId: string, config: unknown, headers: Record<string, string> = {}) =>
  invoke(
    createHttpApiEvent({
      method: 'PUT',
      sessionId,
      body: { config },
      headers: { 'content-type': 'application/json', ...headers },
    }),
  );
const patch = (sessionId: string, body: unknown, headers: Record<string, string> = {}) =>
  invoke(createHttpApiEvent({ method: 'PATCH', sessionId, body, headers: { ...MERGE_PATCH, ...headers } }));
const get = (sessionId: string) => invoke(createHttpApiEvent({ method: 'GET', sessionId }));

describe('a session whose configVersion is not a number', () => {
  const damaged = storedSession({ sessionId: 'damaged', configVersion: 'v7' });

  it('reads at version 0', async () => {
    await table.put(damaged);

    const response = await get('damaged');

    expect(response.statusCode).toBe(200);
    expect(response.headers.etag).toBe('"0"');
    expect(response.body).toMatchObject({ config: damaged.config, version: 0, updatedAt: null });
  });

  it.each([
    ['without If-Match', {}],
    ['under If-Match: "0"', { 'if-match': '"0"' }],
  ])('is repaired by a PUT %s: version 1', async (_, headers) => {
    await table.put(damaged);

    const response = await put('damaged', { model: 'repaired' }, headers);

    expect([response.statusCode, response.headers.etag]).toEqual([200, '"1"']);
    expect(await table.get('damaged')).toMatchObject({ config: { model: 'repaired' }, configVersion: 1 });
  });

  it('answers 412 at version 0 to a PUT under another If-Match, and is left as it is', async () => {
    await table.put(damaged);

    const response = await put('damaged', { model: 'x' }, { 'if-match': '"7"' });

    expect([response.statusCode, response.headers.etag]).toEqual([412, '"0"']);
    expect(await table.get('damaged')).toEqual(damaged);
  });

  it('takes a PATCH, merged into what it holds and written whole at version 1', async () => {
    await table.put(damaged);

    const response = await patch('damaged', { temperature: 0.5 });

    expect([response.statusCode, response.headers.etag]).toEqual([200, '"1"']);
    expect(await table.get('damaged')).toMatchObject({
      config: { ...damaged.config, temperature: 0.5 },
      configVersion: 1,
    });
  });
});

describe('a versioned session whose config is not a map', () => {
  const notAMap = storedSession({ sessionId: 'not-a-map', config: 'gpt-4' });

  it('reads as an empty config', async () => {
    await table.put(notAMap);

    const response = await get('not-a-map');

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ config: {}, version: 4 });
  });

  it('takes a PATCH as one of an empty config (RFC 7396)', async () => {
    await table.put(notAMap);

    const response = await patch('not-a-map', { model: 'gpt-4o' }, { 'if-match': '"4"' });

    expect([response.statusCode, response.headers.etag]).toEqual([200, '"5"']);
    expect(await table.get('not-a-map')).toMatchObject({ config: { model: 'gpt-4o' }, configVersion: 5 });
  });

  it('is replaced by a PUT', async () => {
    await table.put(notAMap);

    const response = await put('not-a-map', { model: 'gpt-4o' });

    expect([response.statusCode, response.headers.etag]).toEqual([200, '"5"']);
  });
});
