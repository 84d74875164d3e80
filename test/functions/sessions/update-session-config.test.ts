import { describe, expect, it, jest } from '@jest/globals';
import type { SessionStore } from '../../../functions/sessions/session-store';
import { changedFields, updateSessionConfig } from '../../../functions/sessions/update-session-config';

describe('changedFields', () => {
  it('names added, removed and changed fields, sorted, and not the unchanged ones', () => {
    expect(
      changedFields(
        { model: 'a', temperature: 1, stop: ['x'], top_p: 0.5 },
        { model: 'b', temperature: 1, stop: ['x', 'y'], max_tokens: 10 },
      ),
    ).toEqual(['max_tokens', 'model', 'stop', 'top_p']);
  });

  it('names nothing when the config is the same', () => {
    expect(changedFields({ stop: ['a'] }, { stop: ['a'] })).toEqual([]);
  });
});

describe('updateSessionConfig', () => {
  it('writes with the clock time and audits ids, field names and version only', async () => {
    // Prepare: a store that echoes the write, as a real one would on success
    const store: SessionStore = {
      replaceConfig: async ({ sessionId, config, updatedAt }) => ({
        current: { sessionId, config, updatedAt, version: 3 },
        previousConfig: { model: 'old' },
      }),
    };
    const audit = { info: jest.fn() };
    const now = () => new Date('2026-11-26T10:00:00.000Z');

    // Act
    const stored = await updateSessionConfig(
      { store, audit, now },
      { sessionId: 's-1', config: { model: 'new', temperature: 0.2 } },
    );

    // Assess
    expect(stored).toEqual({
      sessionId: 's-1',
      config: { model: 'new', temperature: 0.2 },
      version: 3,
      updatedAt: '2026-11-26T10:00:00.000Z',
    });
    expect(audit.info).toHaveBeenCalledWith('Chat configuration updated', {
      sessionId: 's-1',
      changedFields: ['model', 'temperature'],
      version: 3,
    });
  });
});
