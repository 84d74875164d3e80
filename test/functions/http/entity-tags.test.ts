import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  conditionOf,
  ENTITY_TAG_CONDITION_PATTERN,
  ENTITY_TAG_PATTERN,
  entityTagOf,
  holdsFor,
  MAX_ENTITY_TAGS,
  MAX_VERSION,
  versionsOf,
} from '../../../functions/http/entity-tags';
import { BadRequestError } from '../../../functions/http/errors';

const ifMatch = (value: string) => conditionOf({ 'if-match': value }, 'if-match');

describe('entity tags', () => {
  it('quotes the version', () => {
    expect(entityTagOf(12)).toBe('"12"');
    expect(entityTagOf(12)).toMatch(ENTITY_TAG_PATTERN);
  });

  it('names every version up to MAX_VERSION, an exact number, and none past it', () => {
    expect(Number.isSafeInteger(MAX_VERSION)).toBe(true);
    expect(entityTagOf(MAX_VERSION)).toMatch(ENTITY_TAG_PATTERN);
    expect(entityTagOf(MAX_VERSION + 1)).not.toMatch(ENTITY_TAG_PATTERN);
    expect(versionsOf([{ weak: false, opaque: String(MAX_VERSION) }], 'strong')).toEqual([MAX_VERSION]);
    expect(versionsOf([{ weak: false, opaque: String(MAX_VERSION + 1) }], 'strong')).toEqual([]);
  });

  it('reads * and lists of tags, weak or strong, with or without spaces', () => {
    expect(ifMatch(' * ')).toBe('*');
    expect(ifMatch('"1",W/"2" ,  "3"')).toEqual([
      { weak: false, opaque: '1' },
      { weak: true, opaque: '2' },
      { weak: false, opaque: '3' },
    ]);
  });

  it('skips empty list elements, as RFC 9110 asks of a recipient', () => {
    expect(ifMatch(', "4"')).toEqual([{ weak: false, opaque: '4' }]);
    expect(ifMatch('"1", , "2",')).toEqual([
      { weak: false, opaque: '1' },
      { weak: false, opaque: '2' },
    ]);
  });

  it('keeps a comma inside a quoted tag as part of it', () => {
    expect(ifMatch('"a,b"')).toEqual([{ weak: false, opaque: 'a,b' }]);
  });

  it('is undefined when the header is absent', () => {
    expect(conditionOf({}, 'if-match')).toBeUndefined();
    expect(conditionOf(undefined, 'if-none-match')).toBeUndefined();
  });

  it.each(['4', '"4', 'W/4', '"a" "b"', '', ' , ', '"in"side"'])('refuses %p with a 400', (value) => {
    expect(() => ifMatch(value)).toThrow(BadRequestError);
  });

  it(`refuses more than ${MAX_ENTITY_TAGS} tags`, () => {
    const tags = (n: number) => Array.from({ length: n }, (_, i) => `"${i}"`).join(', ');

    expect(ifMatch(tags(MAX_ENTITY_TAGS))).toHaveLength(MAX_ENTITY_TAGS);
    expect(() => ifMatch(tags(MAX_ENTITY_TAGS + 1))).toThrow(BadRequestError);
  });

  it('names versions only by our own tags, and weak ones only under weak comparison', () => {
    const tags = ifMatch('"1", W/"2", "x", "007", "3"');
    if (tags === '*' || tags === undefined) throw new Error('expected a list');

    expect(versionsOf(tags, 'strong')).toEqual([1, 3]);
    expect(versionsOf(tags, 'weak')).toEqual([1, 2, 3]);
  });

  it('holds for any version with *', () => {
    expect(holdsFor('*', 0, 'strong')).toBe(true);
  });
});

describe('the pattern of a condition, as the OpenAPI document states it', () => {
  const parses = (value: string) => {
    try {
      ifMatch(value);
      return true;
    } catch {
      return false;
    }
  };
  const space = fc.constantFrom('', ' ', '\t', '  ');
  const tag = fc
    .tuple(fc.boolean(), fc.string({ unit: fc.constantFrom('1', 'a', ',', ' ', '!', '\x80'), maxLength: 3 }))
    .map(([weak, opaque]) => `${weak ? 'W/' : ''}"${opaque}"`);
  // Lists of elements, empty or not, with or without spaces around them: short ones, and those about the limit.
  const list = (minLength: number, maxLength: number) =>
    fc
      .array(fc.tuple(space, fc.option(tag, { freq: 6 }), space), { minLength, maxLength })
      .map((elements) =>
        elements.map(([before, element, after]) => `${before}${element ?? ''}${after}`).join(','),
      );
  // Anything else made of the same characters.
  const noise = fc.string({
    unit: fc.constantFrom('"', 'W', '/', ',', ' ', '\t', '*', '1', 'x'),
    maxLength: 12,
  });

  it('takes exactly what the parser takes', () => {
    fc.assert(
      fc.property(fc.oneof(list(0, 4), list(MAX_ENTITY_TAGS - 2, MAX_ENTITY_TAGS + 3), noise), (value) => {
        expect([value, ENTITY_TAG_CONDITION_PATTERN.test(value)]).toEqual([value, parses(value)]);
      }),
      { numRuns: 2_000 },
    );
  });

  it(`takes * and up to ${MAX_ENTITY_TAGS} tags, not one more`, () => {
    const tags = (n: number) => Array.from({ length: n }, (_, i) => `"${i}"`).join(', ');

    expect(ENTITY_TAG_CONDITION_PATTERN.test(' * ')).toBe(true);
    expect(ENTITY_TAG_CONDITION_PATTERN.test(tags(MAX_ENTITY_TAGS))).toBe(true);
    expect(ENTITY_TAG_CONDITION_PATTERN.test(tags(MAX_ENTITY_TAGS + 1))).toBe(false);
  });
});
