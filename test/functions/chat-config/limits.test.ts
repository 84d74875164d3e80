import { describe, expect, it } from '@jest/globals';
import { MAX_HEADER_VALUE_BYTES } from '../../../functions/http/events';
import { MAX_JSON_DEPTH } from '../../../functions/http/json-scan';
import { LARGEST_CONFIG } from '../../helpers/configs';
import { createHttpApiEvent, createRestApiEvent } from '../../helpers/events';
import { expectProblem, storedSession, useSessionFixture } from '../../helpers/handler';

const ORIGINAL_ITEM = storedSession({
  config: { model: 'gpt-3.5-turbo' },
  updatedAt: '2026-01-01T00:00:00.000Z',
});

const { table, invoke, expectSessionUnchanged } = useSessionFixture(ORIGINAL_ITEM);

/** `{"config": {...}, "extra": [[...]]}` nesting `depth` levels in all. */
const nested = (depth: number, open = '[', close = ']') =>
  `{"config": {"model": "deep"}, "extra": ${open.repeat(depth - 1)}${close.repeat(depth - 1)}}`;

describe('JSON nesting depth', () => {
  it(`takes a body nesting ${MAX_JSON_DEPTH} levels (its extra members ignored)`, async () => {
    const response = await invoke(createHttpApiEvent({ body: nested(MAX_JSON_DEPTH) }));

    expect(response.statusCode).toBe(200);
    expect((await table.get('session-1'))?.config).toEqual({ model: 'deep' });
  });

  it.each([
    ['arrays', nested(MAX_JSON_DEPTH + 1)],
    ['objects', `{"config": {}, "a": ${'{"a": '.repeat(MAX_JSON_DEPTH)}1${'}'.repeat(MAX_JSON_DEPTH)}}`],
    ['100,000 levels', nested(100_000)],
    ['unclosed brackets', `{"config": {}, "a": ${'['.repeat(200_000)}`],
  ])('answers 400 to %s nesting deeper, and changes nothing', async (_, body) => {
    const response = await invoke(createHttpApiEvent({ body }));

    expectProblem(
      response,
      400,
      `The request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`,
    );
    await expectSessionUnchanged();
  });

  it('does not count brackets inside strings, escaped quotes included', async () => {
    const prompt = `[{"\\"${'['.repeat(100)}`;
    const body = JSON.stringify({ config: { system_prompt: prompt } });

    const response = await invoke(createHttpApiEvent({ body }));

    expect(response.statusCode).toBe(200);
    expect((await table.get('session-1'))?.config).toEqual({ system_prompt: prompt });
  });

  it('ends a string at a quote after an escaped backslash, and counts the brackets that follow', async () => {
    // GIVEN a string that ends in a backslash, then nesting too deep
    const body = `{"config": {"system_prompt": "a\\\\"}, "extra": ${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}}`;

    // WHEN
    const response = await invoke(createHttpApiEvent({ body }));

    // THEN
    expectProblem(response, 400, /deeper than/);
    await expectSessionUnchanged();
  });

  it('applies to PATCH and to base64 bodies', async () => {
    const deep = `{"model": "x", "extra": ${'['.repeat(40)}${']'.repeat(40)}}`;
    const patch = await invoke(
      createHttpApiEvent({
        method: 'PATCH',
        headers: { 'content-type': 'application/merge-patch+json' },
        body: deep,
      }),
    );
    const base64 = await invoke(
      createHttpApiEvent({ body: Buffer.from(nested(40)).toString('base64'), isBase64Encoded: true }),
    );

    expectProblem(patch, 400, /deeper than/);
    expectProblem(base64, 400, /deeper than/);
    await expectSessionUnchanged();
  });
});

describe('UTF-8', () => {
  it('reads a base64 body as UTF-8 and stores its text exactly', async () => {
    const prompt = 'Grüße, 漢字 and 😀';
    const body = Buffer.from(JSON.stringify({ config: { system_prompt: prompt } })).toString('base64');

    const response = await invoke(createHttpApiEvent({ body, isBase64Encoded: true }));

    expect(response.statusCode).toBe(200);
    expect((await table.get('session-1'))?.config).toEqual({ system_prompt: prompt });
  });

  it.each([
    ['a byte that starts no character', [0xff]],
    ['a truncated sequence', [0xe6, 0xbc]],
    ['an overlong encoding', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
  ])('answers 400 to a body with %s, and changes nothing', async (_, bytes) => {
    const json = Buffer.concat([
      Buffer.from('{"config": {"system_prompt": "'),
      Buffer.from(bytes),
      Buffer.from('"}}'),
    ]);

    const response = await invoke(
      createHttpApiEvent({ body: json.toString('base64'), isBase64Encoded: true }),
    );

    expectProblem(response, 400, 'The request body is not valid UTF-8');
    await expectSessionUnchanged();
  });
});

describe('header sizes', () => {
  const withHeaderValues = (bytes: number) => ({
    'content-type': 'application/json',
    'x-padding': 'h'.repeat(bytes - 'application/json'.length),
  });

  it(`takes header values of ${MAX_HEADER_VALUE_BYTES} bytes in all`, async () => {
    const response = await invoke(
      createHttpApiEvent({ body: { config: {} }, headers: withHeaderValues(MAX_HEADER_VALUE_BYTES) }),
    );

    expect(response.statusCode).toBe(200);
  });

  it.each([
    ['HTTP API', createHttpApiEvent],
    ['REST API', createRestApiEvent],
  ])('answers 431 to one byte more (%s event), for any method, and changes nothing', async (_, event) => {
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE']) {
      const response = await invoke(
        event({ method, body: { config: {} }, headers: withHeaderValues(MAX_HEADER_VALUE_BYTES + 1) }),
      );

      expectProblem(
        response,
        431,
        `The request's header values must not exceed ${MAX_HEADER_VALUE_BYTES} bytes`,
      );
      expect(response.body.type).toBe('urn:chat-config:problem:header-fields-too-large');
    }
    await expectSessionUnchanged();
  });

  it('counts bytes, not characters', async () => {
    const headers = { 'content-type': 'application/json', 'x-padding': '€'.repeat(3_500) }; // 10,500 bytes

    expect((await invoke(createHttpApiEvent({ body: { config: {} }, headers }))).statusCode).toBe(431);
  });
});

describe('prototype pollution', () => {
  it.each([
    ['__proto__ in the config', '{"config": {"__proto__": {"polluted": true}}}'],
    ['__proto__ at the top', '{"__proto__": {"polluted": true}, "config": {}}'],
    ['__proto__ written with escapes', '{"config": {"\\u005f_proto__": {"polluted": true}}}'],
    ['constructor.prototype', '{"config": {}, "constructor": {"prototype": {"polluted": true}}}'],
    ['constructor.prototype deep down', '{"config": {}, "a": [{"b": {"constructor": {"prototype": {}}}}]}'],
  ])('answers 422 to %s, changes nothing and pollutes no prototype', async (_, body) => {
    const response = await invoke(createHttpApiEvent({ body }));

    expectProblem(response, 422, /invalid/);
    expect(response.body.errors).toEqual([
      { path: '', message: 'Forbidden key: __proto__ or constructor.prototype' },
    ]);
    expect(Object.prototype).not.toHaveProperty('polluted');
    await expectSessionUnchanged();
  });

  it('treats "constructor" and "prototype" inside the config as the unknown fields they are', async () => {
    const response = await invoke(
      createHttpApiEvent({ body: '{"config": {"constructor": {}, "prototype": 1}}' }),
    );

    expect(response.statusCode).toBe(422);
    expect(response.body.errors).toEqual([
      { path: '/config/constructor', message: 'Unknown field' },
      { path: '/config/prototype', message: 'Unknown field' },
    ]);
  });
});

describe('stored config size', () => {
  it('fits the largest valid config into a session already holding 300 KB of other data', async () => {
    // GIVEN a session whose messages take 300 KB of DynamoDB's 400 KB item
    const crowded = { sessionId: 'crowded', ownerId: 'alice', messages: 'm'.repeat(300 * 1024) };
    await table.put(crowded);

    // WHEN every field is sent at its limit, in the widest characters
    const response = await invoke(
      createHttpApiEvent({ sessionId: 'crowded', body: { config: LARGEST_CONFIG } }),
    );

    // THEN
    expect(response.statusCode).toBe(200);
    expect((await table.get('crowded'))?.config).toEqual(LARGEST_CONFIG);
  });
});
