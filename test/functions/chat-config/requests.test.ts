import { describe, expect, it } from '@jest/globals';
import * as v from 'valibot';
import {
  isMalformedRequest,
  replaceConfigRequestSchema,
  sessionIdSchema,
} from '../../../functions/chat-config/requests';

const accepts = (schema: v.GenericSchema, value: unknown): boolean => v.safeParse(schema, value).success;

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
    expect(isMalformedRequest(body)).toBe(expected);
  });

  it('ignores top-level members beside config, as the original endpoint did', () => {
    expect(v.parse(replaceConfigRequestSchema, { config: { top_p: 1 }, session_id: 'x' }).config).toEqual({
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
    expect(accepts(sessionIdSchema, sessionId)).toBe(expected);
  });
});
