import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  PreconditionFailedError,
  SessionNotFoundError,
  UnversionedConfigError,
} from '../../../functions/sessions/errors';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';

let table: TestTable;

beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => table.drop());

describe('DynamoDbSessionStore.replaceConfig', () => {
  it('replaces the config in place, counts the version and leaves other attributes alone', async () => {
    // GIVEN
    const item = {
      sessionId: 'keep',
      ownerId: 'alice',
      messages: [{ role: 'user', content: 'hello' }],
      config: { model: 'old', temperature: 1 },
      configVersion: 7,
    };
    await table.put(item);

    // WHEN
    const result = await table.store.replaceConfig({
      sessionId: 'keep',
      config: { model: 'new' },
      updatedAt: '2026-11-26T10:00:00.000Z',
    });

    // THEN
    expect(result).toEqual({
      current: {
        sessionId: 'keep',
        config: { model: 'new' },
        version: 8,
        updatedAt: '2026-11-26T10:00:00.000Z',
      },
      previousConfig: { model: 'old', temperature: 1 },
    });
    expect(await table.get('keep')).toEqual({
      ...item,
      config: { model: 'new' },
      configVersion: 8,
      updatedAt: '2026-11-26T10:00:00.000Z',
    });
  });

  it('starts from version 0 and an empty previous config when the item has neither', async () => {
    await table.put({ sessionId: 'bare' });

    const result = await table.store.replaceConfig({ sessionId: 'bare', config: {}, updatedAt: 'now' });

    expect(result.current.version).toBe(1);
    expect(result.previousConfig).toEqual({});
  });

  it('throws SessionNotFoundError and creates nothing when the session does not exist', async () => {
    await expect(
      table.store.replaceConfig({ sessionId: 'ghost', config: { model: 'x' }, updatedAt: 'now' }),
    ).rejects.toBeInstanceOf(SessionNotFoundError);
    expect(await table.get('ghost')).toBeUndefined();
  });

  it('counts every one of concurrent writes', async () => {
    await table.put({ sessionId: 'busy' });

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        table.store.replaceConfig({ sessionId: 'busy', config: { max_tokens: i + 1 }, updatedAt: 'now' }),
      ),
    );

    expect(results.map((r) => r.current.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect((await table.get('busy'))?.configVersion).toBe(20);
  });
});

describe('DynamoDbSessionStore.replaceConfig with expected versions', () => {
  it('writes when the current version is one of those expected', async () => {
    await table.put({ sessionId: 'v3', config: {}, configVersion: 3 });

    const result = await table.store.replaceConfig({
      sessionId: 'v3',
      config: { model: 'm' },
      updatedAt: 'now',
      expectedVersions: [2, 3],
    });

    expect(result.current.version).toBe(4);
  });

  it('throws PreconditionFailedError with the current version, and writes nothing, when it is not', async () => {
    const item = { sessionId: 'moved-on', config: { model: 'theirs' }, configVersion: 5 };
    await table.put(item);

    const write = table.store.replaceConfig({
      sessionId: 'moved-on',
      config: { model: 'mine' },
      updatedAt: 'now',
      expectedVersions: [4],
    });

    await expect(write).rejects.toEqual(new PreconditionFailedError(5));
    await expect(write).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(await table.get('moved-on')).toEqual(item);
  });

  it('matches version 0 on a session that has no version yet', async () => {
    await table.put({ sessionId: 'unversioned' });

    const result = await table.store.replaceConfig({
      sessionId: 'unversioned',
      config: {},
      updatedAt: 'now',
      expectedVersions: [0],
    });

    expect(result.current.version).toBe(1);
  });

  it('matches nothing with an empty list, yet still tells a missing session from a changed one', async () => {
    await table.put({ sessionId: 'there', configVersion: 2 });
    const write = (sessionId: string) =>
      table.store.replaceConfig({ sessionId, config: {}, updatedAt: 'now', expectedVersions: [] });

    await expect(write('there')).rejects.toEqual(new PreconditionFailedError(2));
    await expect(write('not-there')).rejects.toBeInstanceOf(SessionNotFoundError);
    expect(await table.get('not-there')).toBeUndefined();
  });
});

describe('DynamoDbSessionStore.getConfig', () => {
  it('reads the config, version and time of the last write', async () => {
    await table.put({
      sessionId: 'read-me',
      ownerId: 'alice',
      config: { model: 'm', stop: ['a'] },
      configVersion: 9,
      updatedAt: '2026-11-26T10:00:00.000Z',
    });

    expect(await table.store.getConfig({ sessionId: 'read-me' })).toEqual({
      sessionId: 'read-me',
      config: { model: 'm', stop: ['a'] },
      version: 9,
      updatedAt: '2026-11-26T10:00:00.000Z',
    });
  });

  it('reads a session never written through this API as an empty config at version 0', async () => {
    // (Its own updatedAt is another system's, not the time of a config write.)
    await table.put({ sessionId: 'legacy', ownerId: 'bob', title: 'Old session', updatedAt: 'yesterday' });

    expect(await table.store.getConfig({ sessionId: 'legacy' })).toEqual({
      sessionId: 'legacy',
      config: {},
      version: 0,
      updatedAt: null,
    });
  });

  it('throws SessionNotFoundError for a missing session', async () => {
    await expect(table.store.getConfig({ sessionId: 'nobody' })).rejects.toBeInstanceOf(SessionNotFoundError);
  });

  it('sees a write acknowledged just before (strongly consistent)', async () => {
    await table.put({ sessionId: 'fresh', config: {}, configVersion: 1 });
    await table.store.replaceConfig({ sessionId: 'fresh', config: { top_p: 0.3 }, updatedAt: 'now' });

    expect(await table.store.getConfig({ sessionId: 'fresh' })).toMatchObject({
      config: { top_p: 0.3 },
      version: 2,
    });
  });
});

describe('DynamoDbSessionStore.patchConfig', () => {
  it('sets and removes the named fields, keeps the others and every other attribute, in one write', async () => {
    // GIVEN
    const item = {
      sessionId: 'patch-me',
      ownerId: 'alice',
      config: { model: 'm', temperature: 1, stop: ['a', 'b'], system_prompt: 'keep me' },
      configVersion: 2,
    };
    await table.put(item);

    // WHEN
    const result = await table.store.patchConfig({
      sessionId: 'patch-me',
      set: { temperature: 0.5, stop: ['c'], top_p: 0.9 },
      remove: ['model'],
      updatedAt: 'now',
    });

    // THEN
    const config = { temperature: 0.5, stop: ['c'], top_p: 0.9, system_prompt: 'keep me' };
    expect(result).toEqual({ sessionId: 'patch-me', config, version: 3, updatedAt: 'now' });
    expect(await table.get('patch-me')).toEqual({ ...item, config, configVersion: 3, updatedAt: 'now' });
  });

  it('removing a field that is not there changes nothing but the version', async () => {
    await table.put({ sessionId: 'nothing-to-remove', config: { model: 'm' }, configVersion: 3 });

    const result = await table.store.patchConfig({
      sessionId: 'nothing-to-remove',
      set: {},
      remove: ['stop'],
      updatedAt: 'now',
    });

    expect(result).toMatchObject({ config: { model: 'm' }, version: 4 });
  });

  it.each<[string, { config?: unknown; configVersion?: number }, { config: unknown; version: number }]>([
    ['no config and no version', {}, { config: {}, version: 0 }],
    [
      'a config but no version (written before this API)',
      { config: { model: 'm', colour: 'blue' } },
      { config: { model: 'm', colour: 'blue' }, version: 0 },
    ],
    [
      'a version but a config that is not a map (patched as {})',
      { config: 'legacy text', configVersion: 2 },
      { config: {}, version: 2 },
    ],
  ])(
    'throws UnversionedConfigError with what it holds, and writes nothing, on a session with %s',
    async (_, attributes, stored) => {
      const item: Record<string, unknown> = {
        sessionId: 'unversioned-patch',
        ownerId: 'alice',
        ...attributes,
      };
      await table.put(item);

      const patch = table.store.patchConfig({
        sessionId: 'unversioned-patch',
        set: { model: 'x' },
        remove: [],
        updatedAt: 'now',
      });

      await expect(patch).rejects.toBeInstanceOf(UnversionedConfigError);
      await expect(patch).rejects.toMatchObject({ stored });
      expect(await table.get('unversioned-patch')).toEqual(item);
    },
  );

  it('keeps every field of concurrent patches of different fields', async () => {
    // GIVEN
    await table.put({ sessionId: 'race', config: {}, configVersion: 1 });
    const patches = [
      { model: 'm' },
      { temperature: 0.5 },
      { max_tokens: 10 },
      { top_p: 0.5 },
      { presence_penalty: 1 },
      { frequency_penalty: -1 },
      { stop: ['x'] },
      { system_prompt: 'p' },
    ];

    // WHEN
    await Promise.all(
      patches.map((set) => table.store.patchConfig({ sessionId: 'race', set, remove: [], updatedAt: 'now' })),
    );

    // THEN
    expect(await table.get('race')).toMatchObject({
      config: Object.assign({}, ...patches),
      configVersion: 1 + patches.length,
    });
  });

  it('throws PreconditionFailedError and writes nothing when the version is not the one expected', async () => {
    const item = { sessionId: 'patch-stale', config: { model: 'theirs' }, configVersion: 6 };
    await table.put(item);

    await expect(
      table.store.patchConfig({
        sessionId: 'patch-stale',
        set: { model: 'mine' },
        remove: [],
        updatedAt: 'now',
        expectedVersions: [5],
      }),
    ).rejects.toEqual(new PreconditionFailedError(6));
    expect(await table.get('patch-stale')).toEqual(item);
  });

  it('throws SessionNotFoundError and creates nothing when the session does not exist', async () => {
    await expect(
      table.store.patchConfig({
        sessionId: 'patch-ghost',
        set: { model: 'x' },
        remove: [],
        updatedAt: 'now',
      }),
    ).rejects.toBeInstanceOf(SessionNotFoundError);
    expect(await table.get('patch-ghost')).toBeUndefined();
  });
});
