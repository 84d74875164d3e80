import { describe, expect, it } from '@jest/globals';
import { MAX_BODY_BYTES } from '../../../functions/chat-config/body-size';
import { MAX_HEADER_VALUE_BYTES } from '../../../functions/http/events';
import { MAX_JSON_DEPTH, MAX_JSON_VALUES } from '../../../functions/http/json-scan';
import { LARGEST_CONFIG, LARGEST_REQUEST_TEXT, LONGEST_ESCAPED_CONFIG } from '../../helpers/configs';
import { createHttpApiEvent, createRestApiEvent } from '../../helpers/events';
import { expectProblem, storedSession, useSessionFixture } from '../../helpers/handler';

const ORIGINAL_ITEM = storedSession({
  config: { model: 'gpt-3.5-turbo' },
  updatedAt: '2026-01-01T00:00:00.000Z',
});

const { table, invoke, expectSessionUnchanged } = useSessionFixture(ORIGINAL_ITEM);

/** Arrays of two items nested `depth` levels: `[[[0, 0], 0], 0]`. */
const nestedValue = (depth: number): unknown => (depth === 1 ? [0, 0] : [nestedValue(depth - 1), 0]);

/** `{"config": {...}, "extra": [[...]]}` nesting `depth` levels in all. */
const nested = (depth: number, open = '[', close = ']') =>
  `{"config": {"model": "deep"}, "extra": ${open.repeat(depth - 1)}${close.repeat(depth - 1)}}`;

describe('body size', () => {
  // The largest valid replace, padded with white space (which JSON allows after it) to the limit.
  const atTheLimit = LARGEST_REQUEST_TEXT.padEnd(MAX_BODY_BYTES, ' ');

  it('takes the largest valid request, padded to exactly MAX_BODY_BYTES', async () => {
    // GIVEN
    expect(Buffer.byteLength(atTheLimit)).toBe(MAX_BODY_BYTES);

    // WHEN
    const response = await invoke(createHttpApiEvent({ body: atTheLimit }));

    // THEN
    expect(response.statusCode).toBe(200);
    expect((await table.get('session-1'))?.config).toEqual(LONGEST_ESCAPED_CONFIG);
  });

  it('answers 413 to one byte more before reading it: not JSON, it is still too large', async () => {
    // GIVEN a body one byte over the limit, made malformed by that byte
    const body = `${atTheLimit}}`;

    // WHEN
    const response = await invoke(createHttpApiEvent({ body }));

    // THEN
    expectProblem(response, 413, `The request body must not exceed ${MAX_BODY_BYTES} bytes`);
    await expectSessionUnchanged();
  });
});

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

describe('arrays and objects over their size', () => {
  const many = (count: number) => Array.from({ length: count }, (_, i) => i);
  const unknownMembers = (count: number) => Object.fromEntries(many(count).map((i) => [`field${i}`, 0]));

  it.each([
    [
      'a stop array of hundreds of empty strings',
      'PUT',
      { config: { stop: many(500).map(() => '') } },
      { path: '/config/stop', message: 'Too big: expected array to have <=4 items' },
    ],
    [
      'a config of hundreds of unknown members',
      'PUT',
      { config: unknownMembers(500) },
      { path: '/config', message: 'Too big: expected object to have <=8 members' },
    ],
    [
      'a merge patch of hundreds of members',
      'PATCH',
      unknownMembers(500),
      { path: '', message: 'Too big: expected object to have <=8 members' },
    ],
  ])(
    'answers 422 to %s with their number as the one violation, and changes nothing',
    async (_, method, body, violation) => {
      // GIVEN
      const headers = {
        'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json',
      };

      // WHEN
      const response = await invoke(createHttpApiEvent({ method, headers, body }));

      // THEN
      expectProblem(response, 422, 'The request body is invalid: 1 violation');
      expect(response.body.errors).toEqual([violation]);
      await expectSessionUnchanged();
    },
  );
});

describe('values in arrays and objects', () => {
  /** The values a JSON value's arrays and objects hold, at every depth: their items and their members' values. */
  const valuesIn = (value: unknown): number =>
    typeof value === 'object' && value !== null
      ? Object.values(value).reduce<number>((sum, part) => sum + 1 + valuesIn(part), 0)
      : 0;

  /** A replace whose ignored member `extra` holds `parts`, then zeros until the body holds `count` values. */
  const holding = (count: number, parts: unknown[] = []) => {
    const extra = [...parts];
    while (valuesIn({ config: { model: 'x' }, extra }) < count) extra.push(0);
    return JSON.stringify({ config: { model: 'x' }, extra });
  };

  it.each([
    ['items of one array', holding(MAX_JSON_VALUES)],
    ['empty arrays and objects, which hold none', holding(MAX_JSON_VALUES, [[], {}, [[]], { a: {} }])],
  ])(`takes a body of ${MAX_JSON_VALUES} values in %s (its extra members ignored)`, async (_, body) => {
    // GIVEN
    expect(valuesIn(JSON.parse(body))).toBe(MAX_JSON_VALUES);

    // WHEN
    const response = await invoke(createHttpApiEvent({ body }));

    // THEN
    expect(response.statusCode).toBe(200);
    expect((await table.get('session-1'))?.config).toEqual({ model: 'x' });
  });

  it.each([
    ['items of one array', holding(MAX_JSON_VALUES + 1)],
    ['arrays at every depth', holding(MAX_JSON_VALUES + 1, [nestedValue(MAX_JSON_DEPTH - 2)])],
    [
      'members of an ignored object',
      JSON.stringify({
        config: {},
        extra: Object.fromEntries(Array.from({ length: MAX_JSON_VALUES - 1 }, (_, i) => [`m${i}`, i])),
      }),
    ],
    ['a body cut short, which is never parsed', holding(MAX_JSON_VALUES + 1).slice(0, -2)],
  ])('answers 400 to one value more, in %s, and changes nothing', async (_, body) => {
    // WHEN
    const response = await invoke(createHttpApiEvent({ body }));

    // THEN
    expectProblem(
      response,
      400,
      `The request body holds more than ${MAX_JSON_VALUES} values in its arrays and objects`,
    );
    await expectSessionUnchanged();
  });

  it('does not count commas inside strings, escaped quotes included', async () => {
    // GIVEN
    const prompt = `\\",${','.repeat(2 * MAX_JSON_VALUES)}`;

    // WHEN
    const response = await invoke(createHttpApiEvent({ body: { config: { system_prompt: prompt } } }));

    // THEN
    expect(response.statusCode).toBe(200);
    expect((await table.get('session-1'))?.config).toEqual({ system_prompt: prompt });
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
