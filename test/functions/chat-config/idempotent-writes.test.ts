import { describe, expect, it } from '@jest/globals';
import { idempotencyRecordIdOf } from '../../../functions/chat-config/idempotent-writes';

const SCOPE = { callerId: 'alice', sessionId: 'session-1', key: '8e03978e-40d5-43e8-bc93-6894a57f9324' };

describe('the write id of a key', () => {
  it('is the same for every retry of the key: a pure function of caller, session and key', () => {
    expect(idempotencyRecordIdOf({ ...SCOPE })).toBe(idempotencyRecordIdOf(SCOPE));
  });

  it('is short: 43 characters of base64url', () => {
    expect(idempotencyRecordIdOf(SCOPE)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it.each([
    ['caller', { callerId: 'bob' }],
    ['session', { sessionId: 'session-2' }],
    ['key', { key: 'another' }],
  ])('differs when the %s differs', (_, other) => {
    expect(idempotencyRecordIdOf({ ...SCOPE, ...other })).not.toBe(idempotencyRecordIdOf(SCOPE));
  });

  it('tells apart triples whose parts run together alike', () => {
    // GIVEN the same characters, split otherwise between the parts
    const ids = [
      { callerId: 'ab', sessionId: 'c', key: 'd' },
      { callerId: 'a', sessionId: 'bc', key: 'd' },
      { callerId: 'a', sessionId: 'b', key: 'cd' },
      { callerId: 'a', sessionId: '1:b', key: 'd' },
      { callerId: 'a1:', sessionId: 'b', key: 'd' },
    ].map(idempotencyRecordIdOf);

    // THEN
    expect(new Set(ids).size).toBe(ids.length);
  });
});
