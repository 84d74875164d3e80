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

  it('ends the hold at the floor itself, not where the millisecond the call ended in puts it', async () => {
    // GIVEN a store that answers not-found after a time with any fraction of a millisecond (DynamoDB Local cannot be
    // made to take a given time)
    const floorMs = 20;
    let callMs = 0;
    const notFoundAfter = async () => {
      await new Promise((resolve) => setTimeout(resolve, callMs));
      return { outcome: 'not-found' as const };
    };
    const slow = { getConfig: notFoundAfter, replaceConfig: notFoundAfter, patchConfig: notFoundAfter };
    const store = withNotFoundFloor(slow, floorMs);

    // WHEN
    const overshoots: number[] = [];
    for (const ms of [0, 1.3, 2.6, 3.9, 5.2, 6.5, 7.8, 9.1, 10.4, 11.7, 13]) {
      callMs = ms;
      const { outcome, ms: took } = await timed(() => store.getConfig({ sessionId: 's', ownerId: 'o' }));
      expect(outcome).toEqual({ outcome: 'not-found' });
      overshoots.push(took - floorMs);
    }

    // THEN never early, and at the median within half a millisecond: a timer alone ends a millisecond or more late
    expect(Math.min(...overshoots)).toBeGreaterThanOrEqual(0);
    expect(overshoots.sort((a, b) => a - b)[Math.floor(overshoots.length / 2)]).toBeLessThan(0.5);
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
