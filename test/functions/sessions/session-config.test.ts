import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { StoreUnavailableError, VersionConflictError } from '../../../functions/sessions/errors';
import {
  changedFields,
  mergePatch,
  patchSessionConfig,
  replaceSessionConfig,
} from '../../../functions/sessions/session-config';
import type { SessionStore } from '../../../functions/sessions/session-store';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';

const NOW = new Date('2026-11-26T10:00:00.000Z');

let table: TestTable;

beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => table.drop());

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
  it('writes with the clock time and audits the session, the caller, field names and version only', async () => {
    // GIVEN
    await table.put({ sessionId: 's-1', ownerId: 'alice', config: { model: 'old' }, configVersion: 2 });
    const audit = { info: jest.fn() };

    // WHEN
    const outcome = await replaceSessionConfig(
      { store: table.store, audit, now: () => NOW },
      { writeId: 'w-1', sessionId: 's-1', ownerId: 'alice', config: { model: 'new', temperature: 0.2 } },
    );

    // THEN
    expect(outcome).toEqual({
      outcome: 'done',
      current: {
        sessionId: 's-1',
        config: { model: 'new', temperature: 0.2 },
        version: 3,
        updatedAt: NOW.toISOString(),
      },
    });
    expect(await table.get('s-1')).toMatchObject({ configVersion: 3, updatedAt: NOW.toISOString() });
    expect(audit.info).toHaveBeenCalledWith('Chat configuration updated', {
      sessionId: 's-1',
      callerId: 'alice',
      changedFields: ['model', 'temperature'],
      version: 3,
    });
  });
});

describe('patchSessionConfig', () => {
  it('sets the fields the patch gives, removes those it nulls, and audits their names only', async () => {
    // GIVEN
    await table.put({
      sessionId: 's-2',
      ownerId: 'alice',
      config: { model: 'm', stop: ['x'], system_prompt: 'p' },
      configVersion: 7,
    });
    const audit = { info: jest.fn() };

    // WHEN
    const outcome = await patchSessionConfig(
      { store: table.store, audit, now: () => NOW },
      {
        writeId: 'w-2',
        sessionId: 's-2',
        ownerId: 'alice',
        patch: { top_p: 0.5, stop: null, system_prompt: null },
        expectedVersions: [7],
      },
    );

    // THEN
    expect(outcome).toEqual({
      outcome: 'done',
      current: {
        sessionId: 's-2',
        config: { model: 'm', top_p: 0.5 },
        version: 8,
        updatedAt: NOW.toISOString(),
      },
    });
    expect(audit.info).toHaveBeenCalledWith('Chat configuration patched', {
      sessionId: 's-2',
      callerId: 'alice',
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
  // The store on DynamoDB Local, with another writer landing at the worst moments, round after round: it writes the
  // config unversioned (as a system that does not know this API) before each patch, so that the patch must merge, and
  // a version before each conditional replace, so that the replace finds the config changed.
  const unversioned = { sessionId: 's-1', ownerId: 'alice', config: { model: 'm' } };
  const withInterleavingWriter = () => {
    const replaceConfig = jest.fn<SessionStore['replaceConfig']>(async (request) => {
      await table.put({ ...unversioned, configVersion: 1 });
      return table.store.replaceConfig(request);
    });
    const store: SessionStore = {
      getConfig: (request) => table.store.getConfig(request),
      patchConfig: async (request) => {
        await table.put(unversioned);
        return table.store.patchConfig(request);
      },
      replaceConfig,
    };
    return { store, replaceConfig };
  };

  it('writes the merge on condition that the version is still the one found, and retries at most 3 times, then 503', async () => {
    const { store, replaceConfig } = withInterleavingWriter();

    const patch = patchSessionConfig(
      { store, audit: { info: jest.fn() } },
      { writeId: 'w-3', sessionId: 's-1', ownerId: 'alice', patch: { temperature: 1 } },
    );

    await expect(patch).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(replaceConfig).toHaveBeenCalledTimes(3);
    expect(replaceConfig).toHaveBeenCalledWith(
      expect.objectContaining({ config: { model: 'm', temperature: 1 }, expectedVersions: [0] }),
    );
    // Nothing of the patch landed over the other writer's version.
    expect(await table.get('s-1')).toEqual({ ...unversioned, configVersion: 1 });
  });

  it('answers a conflict with 412 at once when the client named the version it read', async () => {
    const { store, replaceConfig } = withInterleavingWriter();

    const patch = patchSessionConfig(
      { store, audit: { info: jest.fn() } },
      {
        writeId: 'w-4',
        sessionId: 's-1',
        ownerId: 'alice',
        patch: { temperature: 1 },
        expectedVersions: [0],
      },
    );

    const outcome = await patch;
    expect(outcome).toMatchObject({ outcome: 'refused', refusal: { currentVersion: 1 } });
    expect(outcome.outcome === 'refused' && outcome.refusal).toBeInstanceOf(VersionConflictError);
    expect(replaceConfig).toHaveBeenCalledTimes(1);
    expect(await table.get('s-1')).toEqual({ ...unversioned, configVersion: 1 });
  });
});
