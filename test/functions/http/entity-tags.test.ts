import { describe, expect, it } from '@jest/globals';
import {
  conditionOf,
  ENTITY_TAG_PATTERN,
  entityTagOf,
  holdsFor,
  MAX_ENTITY_TAGS,
  versionsOf,
} from '../../../functions/http/entity-tags';
import { BadRequestError } from '../../../functions/http/errors';

const ifMatch = (value: string) => conditionOf({ 'if-match': value }, 'if-match');

describe('entity tags', () => {
  it('quotes the version', () => {
    expect(entityTagOf(12)).toBe('"12"');
    expect(entityTagOf(12)).toMatch(ENTITY_TAG_PATTERN);
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
