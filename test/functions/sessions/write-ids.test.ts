import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';

// A request's write id on the session: an attempt that finds it there knows an earlier attempt of the same request
// landed (its answer lost, as when the SDK gives up on a slow attempt and retries), and applies nothing more. Here the
// earlier attempt is a first call with the same write id, against DynamoDB Local.

let table: TestTable;

beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => table.drop());

const session = (sessionId: string, overrides: Record<string, unknown> = {}) => ({
  sessionId,
  ownerId: 'alice',
  config: { model: 'old' },
  configVersion: 3,
  ...overrides,
});

describe('a write attempted again with its request’s write id', () => {
  it.each([
    ['without expected versions', undefined],
    ['with the version the first attempt replaced', [3]],
  ])(
    'a replace %s answers the state its first attempt wrote, and writes nothing more',
    async (_, expected) => {
      // GIVEN a replace that landed
      await table.put(session('replace-again'));
      const request = {
        writeId: 'request-1',
        sessionId: 'replace-again',
        ownerId: 'alice',
        config: { model: 'new' },
        updatedAt: '2026-12-04T10:00:00.000Z',
        expectedVersions: expected,
      };
      await table.store.replaceConfig(request);
      const landed = await table.get('replace-again');

      // WHEN it is attempted again
      const again = await table.store.replaceConfig({ ...request, updatedAt: 'later' });

      // THEN
      expect(again).toEqual({
        outcome: 'written',
        current: {
          sessionId: 'replace-again',
          config: { model: 'new' },
          version: 4,
          updatedAt: '2026-12-04T10:00:00.000Z',
        },
        previousConfig: undefined,
      });
      expect(await table.get('replace-again')).toEqual(landed);
      expect(landed).toMatchObject({ configVersion: 4, configWriteId: 'request-1' });
    },
  );

  it.each([
    ['without expected versions', undefined],
    ['with the version the first attempt patched', [3]],
  ])('a patch %s answers the state its first attempt wrote, and writes nothing more', async (_, expected) => {
    // GIVEN a patch that landed
    await table.put(session('patch-again', { config: { model: 'old', top_p: 0.5 } }));
    const request = {
      writeId: 'request-2',
      sessionId: 'patch-again',
      ownerId: 'alice',
      set: { temperature: 0.2 },
      remove: ['top_p' as const],
      updatedAt: '2026-12-04T10:00:00.000Z',
      expectedVersions: expected,
    };
    await table.store.patchConfig(request);
    const landed = await table.get('patch-again');

    // WHEN it is attempted again
    const again = await table.store.patchConfig({ ...request, updatedAt: 'later' });

    // THEN
    expect(again).toEqual({
      outcome: 'written',
      current: {
        sessionId: 'patch-again',
        config: { model: 'old', temperature: 0.2 },
        version: 4,
        updatedAt: '2026-12-04T10:00:00.000Z',
      },
    });
    expect(await table.get('patch-again')).toEqual(landed);
  });

  it('is refused as stale once another write came between: the id names only the latest write', async () => {
    // GIVEN request-3 landed, then request-4
    await table.put(session('overwritten'));
    const write = { sessionId: 'overwritten', ownerId: 'alice', updatedAt: 'now' };
    await table.store.replaceConfig({ ...write, writeId: 'request-3', config: { model: 'three' } });
    await table.store.replaceConfig({ ...write, writeId: 'request-4', config: { model: 'four' } });

    // WHEN request-3 comes again, expecting the version it first replaced
    const again = await table.store.replaceConfig({
      ...write,
      writeId: 'request-3',
      config: { model: 'three' },
      expectedVersions: [3],
    });

    // THEN it is a conflict like any stale write, and the session keeps request-4's config
    expect(again).toEqual({ outcome: 'conflict', currentVersion: 5 });
    expect(await table.get('overwritten')).toMatchObject({ config: { model: 'four' }, configVersion: 5 });
  });

  it('finds another owner’s session missing, whatever write id it holds', async () => {
    await table.put(session('theirs', { configWriteId: 'request-5' }));

    const write = { sessionId: 'theirs', ownerId: 'mallory', writeId: 'request-5', updatedAt: 'now' };

    await expect(table.store.replaceConfig({ ...write, config: {} })).resolves.toEqual({
      outcome: 'not-found',
    });
    await expect(table.store.patchConfig({ ...write, set: { model: 'x' }, remove: [] })).resolves.toEqual({
      outcome: 'not-found',
    });
    expect(await table.get('theirs')).toEqual(session('theirs', { configWriteId: 'request-5' }));
  });
});

describe('a session whose version is damaged (not a number)', () => {
  const damaged = (sessionId: string) => session(sessionId, { configVersion: 'seven', updatedAt: 'then' });

  it('reads at version 0, as a session this API never wrote', async () => {
    await table.put(damaged('damaged-read'));

    await expect(table.store.getConfig({ sessionId: 'damaged-read', ownerId: 'alice' })).resolves.toEqual({
      outcome: 'found',
      stored: { sessionId: 'damaged-read', config: { model: 'old' }, version: 0, updatedAt: null },
    });
  });

  it.each([
    ['without expected versions', undefined],
    ['expecting version 0', [0]],
  ])('is repaired by a replace %s: version 1, the new config', async (_, expected) => {
    // GIVEN
    await table.put(damaged('damaged-replace'));

    // WHEN
    const replaced = await table.store.replaceConfig({
      writeId: 'repair',
      sessionId: 'damaged-replace',
      ownerId: 'alice',
      config: { model: 'new' },
      updatedAt: 'now',
      expectedVersions: expected,
    });

    // THEN
    expect(replaced).toEqual({
      outcome: 'written',
      current: { sessionId: 'damaged-replace', config: { model: 'new' }, version: 1, updatedAt: 'now' },
      previousConfig: { model: 'old' },
    });
    expect(await table.get('damaged-replace')).toEqual({
      ...damaged('damaged-replace'),
      config: { model: 'new' },
      configVersion: 1,
      updatedAt: 'now',
      configWriteId: 'repair',
    });
  });

  it('is a conflict at version 0 for a replace expecting another version, and is left as it is', async () => {
    await table.put(damaged('damaged-stale'));

    const replaced = await table.store.replaceConfig({
      writeId: 'stale',
      sessionId: 'damaged-stale',
      ownerId: 'alice',
      config: {},
      updatedAt: 'now',
      expectedVersions: [7],
    });

    expect(replaced).toEqual({ outcome: 'conflict', currentVersion: 0 });
    expect(await table.get('damaged-stale')).toEqual(damaged('damaged-stale'));
  });

  it('is unversioned for a patch, which is given what it holds to merge and write whole', async () => {
    await table.put(damaged('damaged-patch'));

    const patched = await table.store.patchConfig({
      writeId: 'patch',
      sessionId: 'damaged-patch',
      ownerId: 'alice',
      set: { top_p: 0.5 },
      remove: [],
      updatedAt: 'now',
    });

    expect(patched).toEqual({ outcome: 'unversioned', stored: { config: { model: 'old' }, version: 0 } });
    expect(await table.get('damaged-patch')).toEqual(damaged('damaged-patch'));
  });
});
