import { describe, expect, it, jest } from '@jest/globals';
import {
  PreconditionFailedError,
  StoreUnavailableError,
  UnversionedConfigError,
} from '../../../functions/sessions/errors';
import {
  changedFields,
  mergePatch,
  patchSessionConfig,
  replaceSessionConfig,
} from '../../../functions/sessions/session-config';
import type { SessionStore } from '../../../functions/sessions/session-store';

/** A store that answers only the calls a test arranges; any other call fails the test. */
const storeWith = (methods: Partial<SessionStore>): SessionStore => ({
  getConfig: () => Promise.reject(new Error('getConfig was not expected')),
  replaceConfig: () => Promise.reject(new Error('replaceConfig was not expected')),
  patchConfig: () => Promise.reject(new Error('patchConfig was not expected')),
  ...methods,
});

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

describe('replaceSessionConfig', () => {
  it('writes with the clock time and audits ids, field names and version only', async () => {
    // Prepare: a store that echoes the write, as a real one would on success
    const store = storeWith({
      replaceConfig: async ({ sessionId, config, updatedAt }) => ({
        current: { sessionId, config, updatedAt, version: 3 },
        previousConfig: { model: 'old' },
      }),
    });
    const audit = { info: jest.fn() };
    const now = () => new Date('2026-11-26T10:00:00.000Z');

    // Act
    const stored = await replaceSessionConfig(
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

describe('patchSessionConfig', () => {
  it('splits the merge patch into fields to set and fields to remove, and audits their names only', async () => {
    // Prepare
    const patchConfig = jest.fn<SessionStore['patchConfig']>(async ({ sessionId, updatedAt }) => ({
      sessionId,
      config: { model: 'm', top_p: 0.5 },
      version: 8,
      updatedAt,
    }));
    const audit = { info: jest.fn() };
    const now = () => new Date('2026-11-26T10:00:00.000Z');

    // Act
    const stored = await patchSessionConfig(
      { store: storeWith({ patchConfig }), audit, now },
      {
        sessionId: 's-1',
        patch: { top_p: 0.5, stop: null, system_prompt: null },
        expectedVersions: [7],
      },
    );

    // Assess
    expect(patchConfig).toHaveBeenCalledWith({
      sessionId: 's-1',
      set: { top_p: 0.5 },
      remove: ['stop', 'system_prompt'],
      expectedVersions: [7],
      updatedAt: '2026-11-26T10:00:00.000Z',
    });
    expect(stored.version).toBe(8);
    expect(audit.info).toHaveBeenCalledWith('Chat configuration patched', {
      sessionId: 's-1',
      patchedFields: ['stop', 'system_prompt', 'top_p'],
      version: 8,
    });
  });
});

describe('mergePatch', () => {
  it('replaces the fields the patch sets, removes those it nulls, and keeps the others', () => {
    expect(
      mergePatch({ model: 'a', stop: ['x'], top_p: 1 }, { model: 'b', stop: null, temperature: 0 }),
    ).toEqual({
      model: 'b',
      top_p: 1,
      temperature: 0,
    });
  });
});

describe('patchSessionConfig on a config this API did not write', () => {
  // A store whose sessions never get a version, and whose every conditional replace finds a newer one: what
  // concurrent writers could do to a patch, round after round.
  const alwaysConflicting = () => {
    const replaceConfig = jest.fn<SessionStore['replaceConfig']>(async () => {
      throw new PreconditionFailedError(1);
    });
    const store = storeWith({
      patchConfig: async () => {
        throw new UnversionedConfigError({ config: { model: 'm' }, version: 0 });
      },
      replaceConfig,
    });
    return { store, replaceConfig };
  };

  it('writes the merge on condition that the version is still the one found, and retries at most 3 times, then 503', async () => {
    const { store, replaceConfig } = alwaysConflicting();

    const patch = patchSessionConfig(
      { store, audit: { info: jest.fn() } },
      { sessionId: 's-1', patch: { temperature: 1 } },
    );

    await expect(patch).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(replaceConfig).toHaveBeenCalledTimes(3);
    expect(replaceConfig).toHaveBeenCalledWith(
      expect.objectContaining({ config: { model: 'm', temperature: 1 }, expectedVersions: [0] }),
    );
  });

  it('answers a conflict with 412 at once when the client named the version it read', async () => {
    const { store, replaceConfig } = alwaysConflicting();

    const patch = patchSessionConfig(
      { store, audit: { info: jest.fn() } },
      { sessionId: 's-1', patch: { temperature: 1 }, expectedVersions: [0] },
    );

    await expect(patch).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(replaceConfig).toHaveBeenCalledTimes(1);
  });
});
