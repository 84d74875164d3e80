import type { FieldViolation } from './config-schema';

/**
 * The domain's refusals and failures. They know no protocol: the API that serves the use cases maps each to what its
 * clients read.
 */

/**
 * No session with that id exists for the caller: none at all, or one of another user, which is told exactly alike.
 * The message is the one clients of the original endpoint read.
 */
export class SessionNotFoundError extends Error {
  override readonly name = 'SessionNotFoundError';

  constructor() {
    super('Chat session not found or update failed');
  }
}

/**
 * The caller expected the config at other versions, and the session holds `currentVersion`: somebody changed it since
 * the caller read it. Nothing was written.
 */
export class VersionConflictError extends Error {
  override readonly name = 'VersionConflictError';

  constructor(readonly currentVersion: number) {
    super(`The config is at version ${currentVersion}, not one the caller expected`);
  }
}

/** A config breaks the schema: `violations` names each rule it breaks. Nothing was written. */
export class InvalidConfigError extends Error {
  override readonly name = 'InvalidConfigError';

  constructor(readonly violations: readonly FieldViolation[]) {
    super(`The config breaks the schema: ${violations.length} violation(s)`);
  }
}

/** The session item would outgrow what the store holds (DynamoDB: 400 KB), with this config and what it already has. */
export class SessionTooLargeError extends Error {
  override readonly name = 'SessionTooLargeError';

  constructor() {
    super('The session would exceed the size the store can hold with this config; send a smaller config');
  }
}

/** How long a caller should wait before trying again a store that was unavailable. */
const RETRY_AFTER_SECONDS = 1;

/** The session store is throttling, unreachable or too slow: the caller may retry after `retryAfterSeconds`. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  readonly retryAfterSeconds = RETRY_AFTER_SECONDS;

  constructor(options?: ErrorOptions) {
    super(`The session store is temporarily unavailable; retry after ${RETRY_AFTER_SECONDS} s`, options);
  }
}

/**
 * A call to the session store failed in a way no rule here expects (a missing table, a denied permission): a bug or a
 * misconfiguration. Thrown where the store made the call, so that the log shows that place even when the client's
 * middleware (the X-Ray SDK's among them) cuts the chain of async frames; the store's own error is its cause.
 */
export class StoreFailedError extends Error {
  override readonly name = 'StoreFailedError';

  constructor(operation: string, options: ErrorOptions) {
    super(`The session store's ${operation} failed`, options);
  }
}
