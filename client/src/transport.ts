/**
 * What sits between the typed calls and `fetch`: the bearer token on each attempt, and the waits and retries the API
 * asks for. Each attempt sends a copy of the same request, headers included, so a write's retries carry its
 * idempotency key unchanged and are safe.
 */
import { retryAfterSeconds } from './errors.ts';

/** The `fetch` the client calls: the global one unless given. */
export type Fetch = (request: Request) => Promise<Response>;

/** A bearer token, or a function that gives the current one (called before each attempt, so it may refresh). */
export type TokenSource = string | (() => string | Promise<string>);

/** How long and how often to wait when the API answers 409, 429 or 503. */
export interface RetryOptions {
  /** Attempts per call, the first included. @default 3 */
  readonly maxAttempts?: number;
  /** The longest wait between two attempts; a longer `Retry-After` is not waited, its error thrown. @default 5 */
  readonly maxWaitSeconds?: number;
}

/**
 * API Gateway's throttling (429), the function's "try again" (503, `Retry-After: 1`), and a write whose key's first
 * request is still being answered (409, `Retry-After: 1`: its retry then gets that first response).
 */
const RETRIED_STATUSES = new Set([409, 429, 503]);

/** `fetch` with `Authorization: Bearer <token>` set on each request; none when the token is empty. */
export const authorizingFetch =
  (fetch: Fetch, token: TokenSource): Fetch =>
  async (request) => {
    const value = typeof token === 'string' ? token : await token();
    if (value) request.headers.set('Authorization', `Bearer ${value}`);
    return fetch(request);
  };

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
const wait = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    signal.throwIfAborted();
    const abort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', abort);
      resolve();
    }, ms);
    signal.addEventListener('abort', abort, { once: true });
  });

/**
 * The wait before attempt `attempt + 1` when the answer named none: 1 s, 2 s, 4 s… (at most `maxWaitSeconds`), each
 * drawn between its half and its whole, so that clients throttled together do not all come back together.
 */
const backoffSeconds = (attempt: number, maxWaitSeconds: number) =>
  Math.min(2 ** (attempt - 1), maxWaitSeconds) * (0.5 + Math.random() / 2);

/**
 * `fetch` that sends a request again after a 409, 429 or 503, once the `Retry-After` it names has passed (without
 * one: a backoff with jitter), up to `maxAttempts` in all. The last response, or one asking
 * for a wait over `maxWaitSeconds`, is returned as it is. The request's signal aborts the waits too.
 */
export const retryingFetch =
  (fetch: Fetch, { maxAttempts = 3, maxWaitSeconds = 5 }: RetryOptions = {}): Fetch =>
  async (request) => {
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= maxAttempts;
      // The last attempt sends the request itself: each one before it sends a copy, its body still unread.
      const response = await fetch(last ? request : request.clone());
      if (last || !RETRIED_STATUSES.has(response.status)) return response;
      const seconds =
        retryAfterSeconds(response.headers.get('Retry-After')) ?? backoffSeconds(attempt, maxWaitSeconds);
      if (seconds > maxWaitSeconds) return response;
      await response.body?.cancel();
      await wait(seconds * 1000, request.signal);
    }
  };
