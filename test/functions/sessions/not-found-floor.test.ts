import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withNotFoundFloor } from '../../../functions/sessions/not-found-floor';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';

// A floor far above what DynamoDB Local takes, so that the answers held and those not held cannot be confused.
const FLOOR_MS = 1_000;

let table: TestTable;

beforeAll(async () => {
  table = await createTestTable();
  await table.put({ sessionId: 'alices', ownerId: 'alice', config: {}, configVersion: 1 });
});
afterAll(async () => table.drop());

const timed = async <T>(call: () => Promise<T>) => {
  const started = performance.now();
  const outcome = await call();
  return { outcome, ms: performance.now() - started };
};

describe('withNotFoundFloor', () => {
  const write = { writeId: 'w', updatedAt: 'now' };

  it.each([
    ['a missing session', 'nobodys', 'alice'],
    ['another user’s session', 'alices', 'mallory'],
  ])('holds the not-found answer of each call on %s until the floor', async (_, sessionId, ownerId) => {
    // GIVEN
    const store = withNotFoundFloor(table.store, FLOOR_MS);

    // WHEN
    const answers = [
      await timed(() => store.getConfig({ sessionId, ownerId })),
      await timed(() => store.replaceConfig({ ...write, sessionId, ownerId, config: {} })),
      await timed(() => store.patchConfig({ ...write, sessionId, ownerId, set: { model: 'm' }, remove: [] })),
    ];

    // THEN
    for (const { outcome, ms } of answers) {
      expect(outcome).toEqual({ outcome: 'not-found' });
      expect(ms).toBeGreaterThanOrEqual(FLOOR_MS);
    }
  });

  it('does not hold an answer that found the caller’s session', async () => {
    const store = withNotFoundFloor(table.store, FLOOR_MS);

    const { outcome, ms } = await timed(() => store.getConfig({ sessionId: 'alices', ownerId: 'alice' }));

    expect(outcome.outcome).toBe('found');
    expect(ms).toBeLessThan(FLOOR_MS);
  });

  it('stops holding a not-found answer when the request’s signal aborts', async () => {
    const store = withNotFoundFloor(table.store, FLOOR_MS);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);

    const { outcome, ms } = await timed(() =>
      store.getConfig({ sessionId: 'nobodys', ownerId: 'alice', signal: controller.signal }),
    );

    expect(outcome).toEqual({ outcome: 'not-found' });
    expect(ms).toBeLessThan(FLOOR_MS);
  });
});
