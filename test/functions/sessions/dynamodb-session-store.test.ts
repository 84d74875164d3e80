import { randomUUID } from 'node:crypto';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createDocumentClient,
  createDynamoDbClient,
  DynamoDbSessionStore,
  isTransientDynamoDbError,
} from '../../../functions/sessions/dynamodb-session-store';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';
import { startDynamoDbProxy } from '../../helpers/fake-dynamodb';

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
      writeId: 'write-1',
      sessionId: 'keep',
      ownerId: 'alice',
      config: { model: 'new' },
      updatedAt: '2026-11-26T10:00:00.000Z',
    });

    // THEN
    expect(result).toEqual({
      outcome: 'written',
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
      configWriteId: 'write-1',
    });
  });

  it('starts from version 0 and an empty previous config when the item has neither', async () => {
    await table.put({ sessionId: 'bare', ownerId: 'alice' });

    const result = await table.store.replaceConfig({
      writeId: 'write-2',
      sessionId: 'bare',
      ownerId: 'alice',
      config: {},
      updatedAt: 'now',
    });

    expect(result).toMatchObject({ outcome: 'written', current: { version: 1 }, previousConfig: {} });
  });

  it('answers not-found and creates nothing when the session does not exist', async () => {
    await expect(
      table.store.replaceConfig({
        writeId: 'write-3',
        sessionId: 'ghost',
        ownerId: 'alice',
        config: { model: 'x' },
        updatedAt: 'now',
      }),
    ).resolves.toEqual({ outcome: 'not-found' });
    expect(await table.get('ghost')).toBeUndefined();
  });

  it('counts every one of concurrent writes', async () => {
    await table.put({ sessionId: 'busy', ownerId: 'alice' });

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        table.store.replaceConfig({
          writeId: `write-${i}`,
          sessionId: 'busy',
          ownerId: 'alice',
          config: { max_tokens: i + 1 },
          updatedAt: 'now',
        }),
      ),
    );

    expect(results.map((r) => (r.outcome === 'written' ? r.current.version : r.outcome)).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1).sort(),
    );
    expect((await table.get('busy'))?.configVersion).toBe(20);
  });
});

describe('DynamoDbSessionStore.replaceConfig with expected versions', () => {
  it('writes when the current version is one of those expected', async () => {
    await table.put({ sessionId: 'v3', ownerId: 'alice', config: {}, configVersion: 3 });

    const result = await table.store.replaceConfig({
      writeId: 'write-5',
      sessionId: 'v3',
      ownerId: 'alice',
      config: { model: 'm' },
      updatedAt: 'now',
      expectedVersions: [2, 3],
    });

    expect(result).toMatchObject({ outcome: 'written', current: { version: 4 } });
  });

  it('answers a conflict with the current version, and writes nothing, when it is not', async () => {
    const item = { sessionId: 'moved-on', ownerId: 'alice', config: { model: 'theirs' }, configVersion: 5 };
    await table.put(item);

    const write = table.store.replaceConfig({
      writeId: 'write-6',
      sessionId: 'moved-on',
      ownerId: 'alice',
      config: { model: 'mine' },
      updatedAt: 'now',
      expectedVersions: [4],
    });

    await expect(write).resolves.toEqual({ outcome: 'conflict', currentVersion: 5 });
    expect(await table.get('moved-on')).toEqual(item);
  });

  it('matches version 0 on a session that has no version yet', async () => {
    await table.put({ sessionId: 'unversioned', ownerId: 'alice' });

    const result = await table.store.replaceConfig({
      writeId: 'write-7',
      sessionId: 'unversioned',
      ownerId: 'alice',
      config: {},
      updatedAt: 'now',
      expectedVersions: [0],
    });

    expect(result).toMatchObject({ outcome: 'written', current: { version: 1 } });
  });

  it('matches nothing with an empty list, yet still tells a missing session from a changed one', async () => {
    await table.put({ sessionId: 'there', ownerId: 'alice', configVersion: 2 });
    const write = (sessionId: string) =>
      table.store.replaceConfig({
        writeId: 'write-8',
        sessionId,
        ownerId: 'alice',
        config: {},
        updatedAt: 'now',
        expectedVersions: [],
      });

    await expect(write('there')).resolves.toEqual({ outcome: 'conflict', currentVersion: 2 });
    await expect(write('not-there')).resolves.toEqual({ outcome: 'not-found' });
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

    expect(await table.store.getConfig({ sessionId: 'read-me', ownerId: 'alice' })).toEqual({
      outcome: 'found',
      stored: {
        sessionId: 'read-me',
        config: { model: 'm', stop: ['a'] },
        version: 9,
        updatedAt: '2026-11-26T10:00:00.000Z',
      },
    });
  });

  it('reads a session never written through this API as an empty config at version 0', async () => {
    // (Its own updatedAt is another system's, not the time of a config write.)
    await table.put({ sessionId: 'legacy', ownerId: 'alice', title: 'Old session', updatedAt: 'yesterday' });

    expect(await table.store.getConfig({ sessionId: 'legacy', ownerId: 'alice' })).toEqual({
      outcome: 'found',
      stored: { sessionId: 'legacy', config: {}, version: 0, updatedAt: null },
    });
  });

  it('answers not-found for a missing session', async () => {
    await expect(table.store.getConfig({ sessionId: 'nobody', ownerId: 'alice' })).resolves.toEqual({
      outcome: 'not-found',
    });
  });

  it('sees a write acknowledged just before (strongly consistent)', async () => {
    await table.put({ sessionId: 'fresh', ownerId: 'alice', config: {}, configVersion: 1 });
    await table.store.replaceConfig({
      writeId: 'write-9',
      sessionId: 'fresh',
      ownerId: 'alice',
      config: { top_p: 0.3 },
      updatedAt: 'now',
    });

    expect(await table.store.getConfig({ sessionId: 'fresh', ownerId: 'alice' })).toMatchObject({
      stored: { config: { top_p: 0.3 }, version: 2 },
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
      writeId: 'write-10',
      sessionId: 'patch-me',
      ownerId: 'alice',
      set: { temperature: 0.5, stop: ['c'], top_p: 0.9 },
      remove: ['model'],
      updatedAt: 'now',
    });

    // THEN
    const config = { temperature: 0.5, stop: ['c'], top_p: 0.9, system_prompt: 'keep me' };
    expect(result).toEqual({
      outcome: 'written',
      current: { sessionId: 'patch-me', config, version: 3, updatedAt: 'now' },
    });
    expect(await table.get('patch-me')).toEqual({
      ...item,
      config,
      configVersion: 3,
      updatedAt: 'now',
      configWriteId: 'write-10',
    });
  });

  it('removing a field that is not there changes nothing but the version', async () => {
    await table.put({
      sessionId: 'nothing-to-remove',
      ownerId: 'alice',
      config: { model: 'm' },
      configVersion: 3,
    });

    const result = await table.store.patchConfig({
      writeId: 'write-11',
      sessionId: 'nothing-to-remove',
      ownerId: 'alice',
      set: {},
      remove: ['stop'],
      updatedAt: 'now',
    });

    expect(result).toMatchObject({ outcome: 'written', current: { config: { model: 'm' }, version: 4 } });
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
    'answers unversioned with what it holds, and writes nothing, on a session with %s',
    async (_, attributes, stored) => {
      const item: Record<string, unknown> = {
        sessionId: 'unversioned-patch',
        ownerId: 'alice',
        ...attributes,
      };
      await table.put(item);

      const patch = table.store.patchConfig({
        writeId: 'write-12',
        sessionId: 'unversioned-patch',
        ownerId: 'alice',
        set: { model: 'x' },
        remove: [],
        updatedAt: 'now',
      });

      await expect(patch).resolves.toEqual({ outcome: 'unversioned', stored });
      expect(await table.get('unversioned-patch')).toEqual(item);
    },
  );

  it('keeps every field of concurrent patches of different fields', async () => {
    // GIVEN
    await table.put({ sessionId: 'race', ownerId: 'alice', config: {}, configVersion: 1 });
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
      patches.map((set) =>
        table.store.patchConfig({
          writeId: randomUUID(),
          sessionId: 'race',
          ownerId: 'alice',
          set,
          remove: [],
          updatedAt: 'now',
        }),
      ),
    );

    // THEN
    expect(await table.get('race')).toMatchObject({
      config: Object.assign({}, ...patches),
      configVersion: 1 + patches.length,
    });
  });

  it('answers a conflict and writes nothing when the version is not the one expected', async () => {
    const item = {
      sessionId: 'patch-stale',
      ownerId: 'alice',
      config: { model: 'theirs' },
      configVersion: 6,
    };
    await table.put(item);

    await expect(
      table.store.patchConfig({
        writeId: 'write-14',
        sessionId: 'patch-stale',
        ownerId: 'alice',
        set: { model: 'mine' },
        remove: [],
        updatedAt: 'now',
        expectedVersions: [5],
      }),
    ).resolves.toEqual({ outcome: 'conflict', currentVersion: 6 });
    expect(await table.get('patch-stale')).toEqual(item);
  });

  it('answers not-found and creates nothing when the session does not exist', async () => {
    await expect(
      table.store.patchConfig({
        writeId: 'write-15',
        sessionId: 'patch-ghost',
        ownerId: 'alice',
        set: { model: 'x' },
        remove: [],
        updatedAt: 'now',
      }),
    ).resolves.toEqual({ outcome: 'not-found' });
    expect(await table.get('patch-ghost')).toBeUndefined();
  });
});

describe('DynamoDbSessionStore ownership', () => {
  // Another user's session, versioned and unversioned: every operation must find it missing and leave it as it is.
  const THEIRS = {
    sessionId: 'theirs',
    ownerId: 'alice',
    title: 'Private',
    config: { system_prompt: 'alice only' },
    configVersion: 4,
    updatedAt: '2026-11-26T10:00:00.000Z',
  };
  const THEIRS_UNVERSIONED = { sessionId: 'theirs-legacy', ownerId: 'alice', config: { model: 'm' } };
  const ORPHAN = { sessionId: 'orphan', config: { model: 'm' }, configVersion: 1 };

  const operations = {
    getConfig: (sessionId: string, ownerId: string) => table.store.getConfig({ sessionId, ownerId }),
    replaceConfig: (sessionId: string, ownerId: string, expectedVersions?: number[]) =>
      table.store.replaceConfig({
        writeId: randomUUID(),
        sessionId,
        ownerId,
        config: {},
        updatedAt: 'now',
        expectedVersions,
      }),
    patchConfig: (sessionId: string, ownerId: string, expectedVersions?: number[]) =>
      table.store.patchConfig({
        writeId: randomUUID(),
        sessionId,
        ownerId,
        set: { model: 'x' },
        remove: [],
        updatedAt: 'now',
        expectedVersions,
      }),
  };

  it.each(Object.keys(operations) as (keyof typeof operations)[])(
    '%s: another owner’s session, or one without an owner, is not found and left unchanged',
    async (name) => {
      for (const item of [THEIRS, THEIRS_UNVERSIONED, ORPHAN]) {
        await table.put(item);
        // A write says nothing of the session whatever version the caller names (no 412, no version); a read names none.
        for (const expected of name === 'getConfig' ? [undefined] : [undefined, [4], [0], []]) {
          await expect(operations[name](item.sessionId, 'mallory', expected)).resolves.toEqual({
            outcome: 'not-found',
          });
        }
        expect(await table.get(item.sessionId)).toEqual(item);
      }
    },
  );

  it('reports another owner’s session missing without converting it (a number the SDK cannot read is no 500)', async () => {
    // GIVEN Bob's session, holding a number the SDK refuses to convert (a fraction beyond 2^53)
    await table.putRaw({
      sessionId: { S: 'bobs-big-number' },
      ownerId: { S: 'bob' },
      configVersion: { N: '2' },
      config: { M: { max_tokens: { N: '12345678901234567890.5' } } },
    });

    // THEN
    for (const name of ['replaceConfig', 'patchConfig'] as const) {
      await expect(operations[name]('bobs-big-number', 'mallory', [1])).resolves.toEqual({
        outcome: 'not-found',
      });
    }
  });

  it('finds the session for its owner, and an owner id is matched exactly (no case folding, no prefix)', async () => {
    await table.put(THEIRS);

    await expect(operations.getConfig('theirs', 'alice')).resolves.toMatchObject({ stored: { version: 4 } });
    for (const lookalike of ['Alice', 'alic', 'alice ', '']) {
      await expect(operations.getConfig('theirs', lookalike)).resolves.toEqual({ outcome: 'not-found' });
    }
  });

  it('reads the owner from the attribute the operator names, and leaves ownerId alone then', async () => {
    // GIVEN a table that calls the owner userId, and an ownerId attribute that means something else
    const store = new DynamoDbSessionStore(
      createDocumentClient({ endpoint: table.endpoint }),
      table.tableName,
      {
        ownerAttribute: 'userId',
      },
    );
    const item = { sessionId: 'user-id', userId: 'carol', ownerId: 'dave', config: {}, configVersion: 1 };
    await table.put(item);

    // THEN
    await expect(store.getConfig({ sessionId: 'user-id', ownerId: 'dave' })).resolves.toEqual({
      outcome: 'not-found',
    });
    const written = await store.replaceConfig({
      writeId: 'write-18',
      sessionId: 'user-id',
      ownerId: 'carol',
      config: { model: 'c' },
      updatedAt: 'now',
    });
    expect(written).toMatchObject({ outcome: 'written', current: { version: 2 } });
    expect(await table.get('user-id')).toMatchObject({ userId: 'carol', ownerId: 'dave' });
  });

  it.each([
    ['config', 'config'],
    ['configVersion', 'configVersion'],
    ['updatedAt', 'updatedAt'],
    ['sessionId', 'sessionId'],
    ['an empty name', ''],
    ['a name of 256 bytes', 'x'.repeat(256)],
  ])('refuses %s as the owner attribute', (_, ownerAttribute) => {
    expect(
      () =>
        new DynamoDbSessionStore(createDocumentClient({ endpoint: table.endpoint }), table.tableName, {
          ownerAttribute,
        }),
    ).toThrow(/owner attribute/);
  });
});

describe('the DynamoDB clients', () => {
  /** Sends one GetItem through a proxy that throttles every request: how many attempts reached it, and the error. */
  const attemptsOf = async (maxAttempts: number) => {
    const proxy = await startDynamoDbProxy(table.endpoint, { throttles: () => true });
    const client = createDynamoDbClient({ endpoint: proxy.endpoint, maxAttempts });
    try {
      const error = await client
        .send(new GetItemCommand({ TableName: table.tableName, Key: { sessionId: { S: 'any' } } }))
        .catch((caught: unknown) => caught);
      return { attempts: proxy.requests(), error };
    } finally {
      client.destroy();
      await proxy.close();
    }
  };

  it('sends a throttled call once when built with a single attempt, and calls its failure transient', async () => {
    // WHEN
    const { attempts, error } = await attemptsOf(1);

    // THEN
    expect(attempts).toBe(1);
    expect(isTransientDynamoDbError(error)).toBe(true);
  });

  it('calls a missing table no transient failure: retrying would not help', async () => {
    // GIVEN
    const client = createDynamoDbClient({ endpoint: table.endpoint });

    // WHEN
    const error = await client
      .send(new GetItemCommand({ TableName: 'no-such-table', Key: { sessionId: { S: 'any' } } }))
      .catch((caught: unknown) => caught)
      .finally(() => client.destroy());

    // THEN
    expect(error).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(isTransientDynamoDbError(error)).toBe(false);
  });
});
