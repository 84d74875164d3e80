import { setTimeout as sleep } from 'node:timers/promises';
import type { SessionStore } from './session-store';

/**
 * How long a store's not-found answer takes at least, from the call's start. Above what DynamoDB takes to read and
 * drop the largest item of another owner, so that the time of a 404 says nothing of whether the id exists.
 */
export const NOT_FOUND_FLOOR_MS = 20;

type Call<R, O> = (request: R) => Promise<O>;

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
      const started = performance.now();
      const outcome = await call(request);
      const left = floorMs - (performance.now() - started);
      if (outcome.outcome === 'not-found' && left > 0) {
        // An abort ends the wait: the request is answered otherwise then.
        // Node's timers count whole milliseconds from the loop's cached time: they may fire up to 1 ms early.
        await sleep(Math.ceil(left) + 1, undefined, { signal: request.signal }).catch(() => undefined);
      }
      return outcome;
    };
  return {
    getConfig: floored((request) => store.getConfig(request)),
    replaceConfig: floored((request) => store.replaceConfig(request)),
    patchConfig: floored((request) => store.patchConfig(request)),
  };
};
