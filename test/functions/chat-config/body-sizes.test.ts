/**
 * The limits on a body's size and on how much it holds: the size of the largest valid request, the values of its
 * arrays and objects, and the sizes the schema checks before any part.
 */
import { describe, expect, it } from '@jest/globals';
import { MAX_BODY_BYTES } from '../../../functions/chat-config/body-size';
import { MAX_JSON_DEPTH, MAX_JSON_VALUES } from '../../../functions/http/json-scan';
import { LARGEST_REQUEST_TEXT, LONGEST_ESCAPED_CONFIG } from '../../helpers/configs';
import { createHttpApiEvent } from '../../helpers/events';
import { expectProblem, storedSession, useSessionFixture } from '../../helpers/handler';

const ORIGINAL_ITEM = storedSession({
  config: { model: 'gpt-3.5-turbo' },
  updatedAt: '2026-01-01T00:00:00.000Z',
});

const { table, invoke, expectSessionUnchanged } = useSessionFixture(ORIGINAL_ITEM);

/** Arrays of two items nested `depth` levels: `[[[0, 0], 0], 0]`. */
const nestedValue = (depth: number): unknown => (depth === 1 ? [0, 0] : [nestedValue(depth - 1), 0]);

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
