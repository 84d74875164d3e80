import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SessionNotFoundError } from '../../../functions/sessions/errors';
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
