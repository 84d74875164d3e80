import { setTimeout as sleep } from 'node:timers/promises';
import type { SessionStore } from './session-store';

/**
 * How long a store's not-found answer takes at least, from the call's start. Above what DynamoDB takes to read and
 * drop the largest item of another owner, so that the time of a 404 says nothing of whether the id exists.
 */
export const NOT_FOUND_FLOOR_MS = 20;

type Call<R, O> = (request: R) => Promise<O>;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Waits until `deadline` (a `performance.now()` time), or until `signal` aborts: the request is answered otherwise then.
 * Node's timers count whole milliseconds from the event loop's cached time, so a timer alone would end the wait
 * anywhere in a millisecond after the deadline, by an amount that depends on when the call ended: a timer to within a
 * millisecond or two, then the loop's own turns, a few microseconds each, to the deadline itself.
 */
const holdUntil = async (deadline: number, signal: AbortSignal | undefined): Promise<void> => {
  const coarse = Math.floor(deadline - performance.now()) - 1;
  if (coarse > 0) await sleep(coarse, undefined, { signal }).catch(() => undefined);
  while (performance.now() < deadline && signal?.aborted !== true) await nextTurn();
};

/**
 * `store`, but each not-found answer is held until `floorMs` after the call began (or the request's signal aborts).
 * DynamoDB reads another owner's session whole before its filter or condition drops it, so a large session of another
 * user would answer measurably later than a missing one: an oracle of which session ids exist. Answers that find the
 * caller's own session are not held: only its owner sees them.
 */
export const withNotFoundFloor = (store: SessionStore, floorMs = NOT_FOUND_FLOOR_MS): SessionStore => {
  const floored =
    <R extends { readonly signal?: AbortSignal | undefined }, O extends { readonly outcome: string }>(
      call: Call<R, O>,
    ): Call<R, O> =>
    async (request) => {
      const deadline = performance.now() + floorMs;
      const outcome = await call(request);
      if (outcome.outcome === 'not-found') await holdUntil(deadline, request.signal);
      return outcome;
    };
  return {
    getConfig: floored((request) => store.getConfig(request)),
    replaceConfig: floored((request) => store.replaceConfig(request)),
    patchConfig: floored((request) => store.patchConfig(request)),
  };
};
