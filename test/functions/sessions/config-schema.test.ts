import { describe, expect, it } from '@jest/globals';
import * as v from 'valibot';
import { isMalformedPatch, replaceConfigRequestSchema } from '../../../functions/chat-config/requests';
import {
  CHAT_CONFIG_FIELD_NAMES,
  chatConfigPatchSchema,
  chatConfigSchema,
  MAX_CONFIG_BYTES,
  validate,
} from '../../../functions/sessions/config-schema';
import { LARGEST_CONFIG } from '../../helpers/configs';

const violationsOf = (body: unknown) => {
  const result = validate(replaceConfigRequestSchema, body, ['config']);
  return result.success ? [] : result.violations;
};

const accepts = (schema: v.GenericSchema, value: unknown): boolean => v.safeParse(schema, value).success;

describe('chatConfigSchema', () => {
  it('accepts the seed example unchanged', () => {
    const config = {
      model: 'gpt-4',
      temperature: 0.7,
      max_tokens: 2000,
      system_prompt: 'You are a helpful assistant',
    };

    expect(v.parse(chatConfigSchema, config)).toEqual(config);
  });

  it('accepts an empty config and adds no defaults', () => {
    expect(v.parse(chatConfigSchema, {})).toEqual({});
  });

  it.each([
    ['model', 'anthropic.claude-3:0/v1@eu-west_1'],
    ['model', 'x'.repeat(128)],
    ['temperature', 0],
    ['temperature', 2],
    ['max_tokens', 1],
    ['max_tokens', 1_000_000],
    ['top_p', 1],
    ['top_p', 1e-130],
    ['presence_penalty', -1e-130],
    ['presence_penalty', -2],
    ['frequency_penalty', 2],
    ['stop', 'END'],
    ['stop', ['a', 'b', 'c', 'd']],
    ['stop', []],
    ['system_prompt', ''],
    ['system_prompt', 'emoji 😀 and CJK 漢字'],
    ['system_prompt', 'p'.repeat(65_536)],
    ['system_prompt', '漢'.repeat(21_845)],
    ['system_prompt', '😀'.repeat(16_384)],
  ])('accepts %s = %j', (field, value) => {
    expect(accepts(chatConfigSchema, { [field]: value })).toBe(true);
  });

  it.each([
    ['model', ''],
    ['model', 'x'.repeat(129)],
    ['model', 'gpt-4; drop table'],
    ['model', 42],
    ['temperature', -0.01],
    ['temperature', 2.01],
    ['temperature', '0.7'],
    ['temperature', Number.POSITIVE_INFINITY],
    ['temperature', Number.NaN],
    ['max_tokens', 0],
    ['max_tokens', 1_000_001],
    ['max_tokens', 2.5],
    ['top_p', 1.5],
    ['top_p', 5e-324],
    ['presence_penalty', -1e-131],
    ['presence_penalty', -2.5],
    ['frequency_penalty', 3],
    ['stop', ''],
    ['stop', 's'.repeat(257)],
    ['stop', ['a', 'b', 'c', 'd', 'e']],
    ['stop', ['ok', '']],
    ['stop', [1]],
    ['stop', null],
    ['system_prompt', 'p'.repeat(65_537)],
    ['system_prompt', '漢'.repeat(21_846)],
    ['system_prompt', '😀'.repeat(16_385)],
    ['system_prompt', `${'é'.repeat(32_768)}!`],
    ['system_prompt', null],
    ['system_prompt', 'lone \ud800 surrogate'],
    ['stop', ['\udc00']],
  ])('rejects %s = %j at that field', (field, value) => {
    const violations = violationsOf({ config: { [field]: value } });

    expect(violations.length).toBeGreaterThan(0);
    for (const violation of violations) expect(violation.path.startsWith(`/config/${field}`)).toBe(true);
  });

  it('says a system prompt is too big in bytes', () => {
    expect(violationsOf({ config: { system_prompt: '漢'.repeat(21_846) } })).toEqual([
      { path: '/config/system_prompt', message: 'Too big: expected string to have <=65536 bytes in UTF-8' },
    ]);
  });

  it('bounds a whole config by MAX_CONFIG_BYTES: every field at its limit, in the widest characters', () => {
    expect(accepts(chatConfigSchema, LARGEST_CONFIG)).toBe(true);

    // Its JSON takes more bytes than DynamoDB counts for the same map; the bound is a fifth of DynamoDB's item.
    expect(Buffer.byteLength(JSON.stringify(LARGEST_CONFIG))).toBeLessThanOrEqual(MAX_CONFIG_BYTES);
    expect(MAX_CONFIG_BYTES).toBeLessThanOrEqual((400 * 1024) / 5);
  });

  it('names each unknown field by its path', () => {
    expect(violationsOf({ config: { colour: 'blue', 'a/b~c': 1 } })).toEqual([
      { path: '/config/colour', message: 'Unknown field' },
      { path: '/config/a~1b~0c', message: 'Unknown field' },
    ]);
  });

  it('names "constructor" and "prototype" as unknown fields too, which valibot would leave out without a word', () => {
    const config = JSON.parse('{"constructor": {}, "prototype": 1, "temperature": 3}');

    expect(v.safeParse(chatConfigSchema, config).success).toBe(false);
    expect(validate(chatConfigPatchSchema, config)).toEqual({
      success: false,
      violations: [
        { path: '/temperature', message: 'Too big: expected number to be <=2' },
        { path: '/constructor', message: 'Unknown field' },
        { path: '/prototype', message: 'Unknown field' },
      ],
    });
    expect(validate(chatConfigSchema, JSON.parse('{"constructor": 1}')).success).toBe(false);
  });

  it('says why a value is refused', () => {
    expect(violationsOf({ config: { temperature: 3 } })).toEqual([
      { path: '/config/temperature', message: 'Too big: expected number to be <=2' },
    ]);
  });

  it("calls an infinite number (JSON's 1e400) no number", () => {
    const violations = violationsOf(JSON.parse('{"config": {"temperature": 1e400, "max_tokens": -1e400}}'));

    expect(violations).toEqual(
      expect.arrayContaining([
        { path: '/config/temperature', message: 'Invalid input: expected number, received Infinity' },
        { path: '/config/max_tokens', message: 'Invalid input: expected number, received Infinity' },
      ]),
    );
  });

  it('points into arrays by index', () => {
    expect(violationsOf({ config: { stop: ['a', 'b', ''] } }).map((v) => v.path)).toEqual(['/config/stop/2']);
  });
});

/** `target` behind a proxy that counts the reads of its items or members: what validating them would do. */
const watched = <T extends object>(target: T) => {
  let reads = 0;
  const value = new Proxy(target, {
    get: (object, key, receiver) => {
      if (typeof key === 'string' && Object.hasOwn(object, key) && key !== 'length') reads += 1;
      return Reflect.get(object, key, receiver);
    },
  });
  return { value, reads: () => reads };
};

describe('sizes, checked before the parts', () => {
  it('refuses a stop array over its length on that alone, reading none of its items', () => {
    // GIVEN an array of a thousand invalid (empty) stop sequences
    const stop = watched(Array.from({ length: 1_000 }, () => ''));

    // WHEN
    const violations = violationsOf({ config: { stop: stop.value } });

    // THEN one violation, its length
    expect(violations).toEqual([
      { path: '/config/stop', message: 'Too big: expected array to have <=4 items' },
    ]);
    expect(stop.reads()).toBe(0);
  });

  it('refuses a config of more members than it has fields on their count alone, reading none of them', () => {
    // GIVEN a config of a thousand unknown members
    const config = watched(Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [`field${i}`, 0])));

    // WHEN
    const violations = violationsOf({ config: config.value });

    // THEN one violation, their count
    expect(violations).toEqual([
      { path: '/config', message: 'Too big: expected object to have <=8 members' },
    ]);
    expect(config.reads()).toBe(0);
  });

  it('refuses a merge patch of more members than a config has fields on their count alone', () => {
    // GIVEN a patch of every field and a thousand unknown members
    const patch = watched({
      ...Object.fromEntries(CHAT_CONFIG_FIELD_NAMES.map((name) => [name, null])),
      ...Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [`field${i}`, 0])),
    });

    // WHEN
    const result = validate(chatConfigPatchSchema, patch.value);

    // THEN
    expect(result).toEqual({
      success: false,
      violations: [{ path: '', message: 'Too big: expected object to have <=8 members' }],
    });
    expect(patch.reads()).toBe(0);
  });
});

describe('chatConfigPatchSchema', () => {
  it('has exactly the fields of the config, those the original endpoint took', () => {
    const fields = [
      'model',
      'temperature',
      'max_tokens',
      'top_p',
      'presence_penalty',
      'frequency_penalty',
      'stop',
      'system_prompt',
    ];
    expect(Object.keys(chatConfigPatchSchema.entries)).toEqual(fields);
    expect(Object.keys(chatConfigSchema.entries)).toEqual(fields);
    expect(CHAT_CONFIG_FIELD_NAMES).toEqual(fields);
  });

  it('takes null for every field, and otherwise exactly the values the config takes', () => {
    const samples = [0.5, 3, -1, 1e-200, 10, 'gpt-4', '', 'x'.repeat(300), ['a'], ['a', 5], { a: 1 }, true];
    for (const name of CHAT_CONFIG_FIELD_NAMES) {
      expect(accepts(chatConfigPatchSchema, { [name]: null })).toBe(true);
      for (const value of samples) {
        expect([name, value, accepts(chatConfigPatchSchema, { [name]: value })]).toEqual([
          name,
          value,
          accepts(chatConfigSchema, { [name]: value }),
        ]);
      }
    }
  });

  it('has no rule that spans fields, which a field-by-field patch could not check', () => {
    // A check on the object itself (over two fields) would be an action of its pipe; the only ones count its members,
    // which a valid field each cannot outnumber.
    for (const schema of [chatConfigSchema, chatConfigPatchSchema]) {
      const actions =
        'pipe' in schema ? (schema.pipe as v.PipeItem<unknown, unknown, v.BaseIssue<unknown>>[]) : [];
      expect(actions.filter(({ kind }) => kind !== 'schema').map(({ type }) => type)).toEqual([
        'max_entries',
        'max_entries',
      ]);
    }
  });

  it('is malformed (400) only when the patch is not an object', () => {
    expect(isMalformedPatch([])).toBe(true);
    expect(isMalformedPatch(null)).toBe(true);
    expect(isMalformedPatch('{}')).toBe(true);
    expect(isMalformedPatch({ temperature: 'hot' })).toBe(false);
  });

  it('refuses an array, which valibot would take for an object without fields, through isMalformedPatch', () => {
    // The schema alone would accept [] as an empty patch: isMalformedPatch is what refuses it.
    expect(accepts(chatConfigPatchSchema, [])).toBe(true);
    expect(isMalformedPatch([])).toBe(true);
  });
});
