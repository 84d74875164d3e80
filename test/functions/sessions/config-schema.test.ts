import { describe, expect, it } from '@jest/globals';
import {
  CHAT_CONFIG_FIELD_NAMES,
  chatConfigPatchSchema,
  chatConfigSchema,
  isMalformedPatch,
  isMalformedRequest,
  MAX_CONFIG_BYTES,
  replaceConfigRequestSchema,
  sessionIdSchema,
  toFieldViolations,
} from '../../../functions/sessions/config-schema';
import { LARGEST_CONFIG } from '../../helpers/configs';

const violationsOf = (body: unknown) => {
  const result = replaceConfigRequestSchema.safeParse(body);
  return result.success ? [] : toFieldViolations(result.error);
};

describe('chatConfigSchema', () => {
  it('accepts the seed example unchanged', () => {
    const config = {
      model: 'gpt-4',
      temperature: 0.7,
      max_tokens: 2000,
      system_prompt: 'You are a helpful assistant',
    };

    expect(chatConfigSchema.parse(config)).toEqual(config);
  });

  it('accepts an empty config and adds no defaults', () => {
    expect(chatConfigSchema.parse({})).toEqual({});
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
    expect(chatConfigSchema.safeParse({ [field]: value }).success).toBe(true);
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
    expect(chatConfigSchema.safeParse(LARGEST_CONFIG).success).toBe(true);

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

  it('says why a value is refused', () => {
    expect(violationsOf({ config: { temperature: 3 } })).toEqual([
      { path: '/config/temperature', message: 'Too big: expected number to be <=2' },
    ]);
  });

  it('points into arrays by index', () => {
    expect(violationsOf({ config: { stop: ['a', 'b', ''] } }).map((v) => v.path)).toEqual(['/config/stop/2']);
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
    expect(Object.keys(chatConfigPatchSchema.shape)).toEqual(fields);
    expect(Object.keys(chatConfigSchema.shape)).toEqual(fields);
    expect(CHAT_CONFIG_FIELD_NAMES).toEqual(fields);
  });

  it('takes null for every field, and otherwise exactly the values the config takes', () => {
    const samples = [0.5, 3, -1, 1e-200, 10, 'gpt-4', '', 'x'.repeat(300), ['a'], ['a', 5], { a: 1 }, true];
    for (const name of CHAT_CONFIG_FIELD_NAMES) {
      expect(chatConfigPatchSchema.safeParse({ [name]: null }).success).toBe(true);
      for (const value of samples) {
        expect([name, value, chatConfigPatchSchema.safeParse({ [name]: value }).success]).toEqual([
          name,
          value,
          chatConfigSchema.safeParse({ [name]: value }).success,
        ]);
      }
    }
  });

  it('has no rule that spans fields, which a field-by-field patch could not check', () => {
    // A check on the object itself (a refine over two fields) would be listed here.
    expect(chatConfigSchema._zod.def.checks ?? []).toEqual([]);
  });

  it('is malformed (400) only when the patch is not an object', () => {
    const failureOf = (patch: unknown) => {
      const result = chatConfigPatchSchema.safeParse(patch);
      if (result.success) throw new Error('expected a failure');
      return result.error;
    };

    expect(isMalformedPatch(failureOf([]))).toBe(true);
    expect(isMalformedPatch(failureOf(null))).toBe(true);
    expect(isMalformedPatch(failureOf({ temperature: 'hot' }))).toBe(false);
  });
});

describe('isMalformedRequest', () => {
  it.each([
    [{}, true],
    [{ config: null }, true],
    [{ config: [] }, true],
    [{ config: 'x' }, true],
    [[], true],
    [null, true],
    [{ config: { temperature: 'hot' } }, false],
    [{ config: { unknown: 1 } }, false],
  ])('tells whether %j is malformed (%s) rather than unprocessable', (body, expected) => {
    const result = replaceConfigRequestSchema.safeParse(body);

    expect(result.success).toBe(false);
    expect(!result.success && isMalformedRequest(result.error)).toBe(expected);
  });

  it('ignores top-level members beside config, as the original endpoint did', () => {
    expect(replaceConfigRequestSchema.parse({ config: { top_p: 1 }, session_id: 'x' }).config).toEqual({
      top_p: 1,
    });
  });
});

describe('sessionIdSchema', () => {
  it.each([
    ['abc', true],
    ['A-z_0-9', true],
    ['x'.repeat(128), true],
    ['', false],
    ['x'.repeat(129), false],
    ['a b', false],
    ['a/b', false],
    ['a.b', false],
    [undefined, false],
  ])('%j is valid: %s', (sessionId, expected) => {
    expect(sessionIdSchema.safeParse(sessionId).success).toBe(expected);
  });
});
