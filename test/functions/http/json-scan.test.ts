import { describe, expect, it } from '@jest/globals';
import { jsonShapeProblemOf, MAX_JSON_DEPTH, MAX_JSON_VALUES } from '../../../functions/http/json-scan';

// The scan on its own, edge by edge: what it counts as a value, where a string ends, how deep a body nests.

const DEEPER = /deeper than/;
const FULLER = /more than \d+ values/;
const items = (count: number, item = '0') => Array.from({ length: count }, () => item).join(',');

describe('jsonShapeProblemOf', () => {
  it.each([
    ['an empty array', '[]'],
    ['an empty array with white space inside', '[ \n\t\r]'],
    ['an empty object with white space inside', '{\n}'],
  ])('counts no value in %s', (_, empty) => {
    // GIVEN as many of them as the limit takes, each one a value of the outer array
    const text = `[${items(MAX_JSON_VALUES, empty)}]`;

    // THEN
    expect(jsonShapeProblemOf(text)).toBeUndefined();
    expect(jsonShapeProblemOf(`[${items(MAX_JSON_VALUES + 1, empty)}]`)).toMatch(FULLER);
  });

  it('takes exactly the most values, and refuses one more', () => {
    expect(jsonShapeProblemOf(`[${items(MAX_JSON_VALUES)}]`)).toBeUndefined();
    expect(jsonShapeProblemOf(`[${items(MAX_JSON_VALUES + 1)}]`)).toMatch(FULLER);
  });

  it('counts an object member once, its name and colon aside', () => {
    const members = (count: number) =>
      `{${Array.from({ length: count }, (_, i) => `"m${i}": 0`).join(', ')}}`;

    expect(jsonShapeProblemOf(members(MAX_JSON_VALUES))).toBeUndefined();
    expect(jsonShapeProblemOf(members(MAX_JSON_VALUES + 1))).toMatch(FULLER);
  });

  it('takes exactly the deepest nesting, and refuses one level more', () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

    expect(jsonShapeProblemOf(nested(MAX_JSON_DEPTH))).toBeUndefined();
    expect(jsonShapeProblemOf(nested(MAX_JSON_DEPTH + 1))).toMatch(DEEPER);
  });

  it.each([
    ['brackets and commas', `"${'[,'.repeat(MAX_JSON_VALUES)}"`],
    ['an escaped quote before them', `"\\"${'[,'.repeat(MAX_JSON_VALUES)}"`],
    ['escaped backslashes and quotes', `"\\\\\\"${'{,'.repeat(MAX_JSON_VALUES)}\\\\"`],
  ])('reads nothing inside a string: %s', (_, text) => {
    expect(jsonShapeProblemOf(`[${text}]`)).toBeUndefined();
  });

  it('ends a string at a quote after an escaped backslash, and counts what follows', () => {
    // GIVEN a string ending in `\\`, then more values than the limit
    const text = `["a\\\\",${items(MAX_JSON_VALUES)}]`;

    // THEN
    expect(jsonShapeProblemOf(text)).toMatch(FULLER);
  });

  it('leaves a string never closed to the parser', () => {
    expect(jsonShapeProblemOf(`["${'[,'.repeat(MAX_JSON_VALUES)}`)).toBeUndefined();
  });
});
