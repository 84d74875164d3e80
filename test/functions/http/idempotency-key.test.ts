import { describe, expect, it } from '@jest/globals';
import { BadRequestError, IdempotencyKeyMissingError } from '../../../functions/http/errors';
import {
  IDEMPOTENCY_KEY_PATTERN,
  idempotencyKeyOf,
  MAX_IDEMPOTENCY_KEY_LENGTH,
} from '../../../functions/http/idempotency-key';

const keyOf = (value: string) => idempotencyKeyOf({ 'idempotency-key': value }, { required: false });

describe('the Idempotency-Key header', () => {
  it('reads a quoted key as its characters, the quotes left out', () => {
    expect(keyOf('"8e03978e-40d5-43e8-bc93-6894a57f9324"')).toBe('8e03978e-40d5-43e8-bc93-6894a57f9324');
  });

  it('reads an unquoted key as the same key as its quoted form', () => {
    // GIVEN / WHEN
    const unquoted = keyOf('abc');
    const quoted = keyOf('"abc"');

    // THEN
    expect(unquoted).toBe('abc');
    expect(quoted).toBe(unquoted);
  });

  it('undoes the escapes of a quote and a backslash, and keeps spaces and commas inside quotes', () => {
    expect(keyOf(String.raw`"a \"b\" \\ c, d"`)).toBe(String.raw`a "b" \ c, d`);
  });

  it('leaves out the white space around the value', () => {
    expect(keyOf(' \t"abc" ')).toBe('abc');
  });

  it(`takes a key of ${MAX_IDEMPOTENCY_KEY_LENGTH} characters, quoted or not, escapes counted as one`, () => {
    expect(keyOf(`"${'k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH)}"`)).toHaveLength(MAX_IDEMPOTENCY_KEY_LENGTH);
    expect(keyOf('k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH))).toHaveLength(MAX_IDEMPOTENCY_KEY_LENGTH);
    expect(keyOf(`"${'\\"'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH)}"`)).toBe(
      '"'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH),
    );
  });

  it.each([
    ['an empty value', ''],
    ['empty quotes', '""'],
    ['a value of spaces only', '   '],
    [
      `a quoted key of ${MAX_IDEMPOTENCY_KEY_LENGTH + 1} characters`,
      `"${'k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH + 1)}"`,
    ],
    [
      `an unquoted key of ${MAX_IDEMPOTENCY_KEY_LENGTH + 1} characters`,
      'k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH + 1),
    ],
    ['a character beyond ASCII', '"clé"'],
    ['a control character', '"a\u0001b"'],
    ['a tab inside quotes', '"a\tb"'],
    ['an escape of another character', String.raw`"a\nb"`],
    ['a quote left open', '"abc'],
    ['an unescaped quote inside', '"a"b"'],
    ['two keys, as two headers arrive joined', '"a", "b"'],
    ['two unquoted keys', 'a,b'],
    ['a space in an unquoted key', 'a b'],
    ['a backslash in an unquoted key', String.raw`a\b`],
    ['parameters after the string', '"abc";v=1'],
    ['a token with a quote', 'a"b'],
  ])('refuses %s with a 400 that says what a key must be', (_, value) => {
    // WHEN / THEN
    expect(() => keyOf(value)).toThrow(BadRequestError);
    expect(() => keyOf(value)).toThrow(/Idempotency-Key must be a string of 1 to 255 printable ASCII/);
  });

  it('is undefined when the header is absent and not required', () => {
    expect(idempotencyKeyOf({}, { required: false })).toBeUndefined();
    expect(idempotencyKeyOf(undefined, { required: false })).toBeUndefined();
  });

  it('is a 400 of its own, saying what to send, when required and absent', () => {
    expect(() => idempotencyKeyOf({}, { required: true })).toThrow(IdempotencyKeyMissingError);
    expect(() => idempotencyKeyOf({}, { required: true })).toThrow(/must carry an Idempotency-Key header/);
  });

  it('publishes a pattern that takes exactly the values the parser takes', () => {
    // GIVEN
    const values = ['"abc"', 'abc', String.raw`"a \"b\""`, '""', 'a b', '"a", "b"', `"${'k'.repeat(256)}"`];

    // WHEN
    const parsed = values.map((value) => {
      try {
        keyOf(value);
        return true;
      } catch {
        return false;
      }
    });

    // THEN
    expect(values.map((value) => IDEMPOTENCY_KEY_PATTERN.test(value))).toEqual(parsed);
  });
});
