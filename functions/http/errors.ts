/**
 * What an HTTP request can get wrong before any domain rule applies: its headers, its method, its body as bytes and
 * JSON; and what the replay of a retried write (`Idempotency-Key`) can meet. Plain errors: the table of the API that
 * throws them gives each its status, problem type and headers.
 */

/** One thing a request body got wrong, pointed at with a JSON Pointer (RFC 6901) into the body. */
export interface Violation {
  readonly path: string;
  readonly message: string;
}

/** At most this many violations are listed, so that a large invalid body cannot make a larger response. */
export const MAX_LISTED_VIOLATIONS = 20;

/** What a refusal listing `count` violations says (and that only the first ones are listed). */
export const invalidBodySentence = (count: number): string =>
  `The request body is invalid: ${count} violation${count === 1 ? '' : 's'}` +
  (count > MAX_LISTED_VIOLATIONS ? ` (the first ${MAX_LISTED_VIOLATIONS} are listed)` : '');

/** The request cannot be understood: malformed JSON, a body of the wrong shape, a bad path parameter or header. */
export class BadRequestError extends Error {
  override readonly name = 'BadRequestError';
}

/**
 * The request reached the function without a verified caller: the route has no authorizer, or the authorizer passed
 * no user id. Refused, never served as anonymous.
 */
export class UnauthorizedError extends Error {
  override readonly name = 'UnauthorizedError';

  constructor() {
    super('The request carries no verified caller: send a valid bearer token in Authorization');
  }
}

/** The method is not one this resource supports (`allow`). */
export class MethodNotAllowedError extends Error {
  override readonly name = 'MethodNotAllowedError';

  constructor(
    method: string,
    readonly allow: readonly string[],
  ) {
    super(`${method} is not supported here; use one of ${allow.join(', ')}`);
  }
}

/** The body is larger than the endpoint accepts. */
export class PayloadTooLargeError extends Error {
  override readonly name = 'PayloadTooLargeError';

  constructor(readonly limitBytes: number) {
    super(`The request body must not exceed ${limitBytes} bytes`);
  }
}

/** The request's header values are larger than the endpoint accepts (`limitBytes` in all). */
export class RequestHeaderFieldsTooLargeError extends Error {
  override readonly name = 'RequestHeaderFieldsTooLargeError';

  constructor(readonly limitBytes: number) {
    super(`The request's header values must not exceed ${limitBytes} bytes in all`);
  }
}

/** The body is not of the media type the method takes (`accepted`). */
export class UnsupportedMediaTypeError extends Error {
  override readonly name = 'UnsupportedMediaTypeError';

  constructor(
    readonly accepted: string,
    message = `The request body must be sent with Content-Type: ${accepted}`,
  ) {
    super(message);
  }
}

/** This deployment only takes writes that name the version they replace, and this one did not. */
export class PreconditionRequiredError extends Error {
  override readonly name = 'PreconditionRequiredError';

  constructor() {
    super(
      'Writes must carry If-Match with the ETag of the config they replace (GET it first); "*" is not enough here',
    );
  }
}

/** The body is well-formed JSON that the endpoint cannot process as it is: `violations` says why. */
export class UnprocessableContentError extends Error {
  override readonly name = 'UnprocessableContentError';

  constructor(readonly violations: readonly Violation[]) {
    super(invalidBodySentence(violations.length));
  }
}

/** How long a client should wait before trying again a write whose key is busy, or whose replay could not be checked. */
const RETRY_AFTER_SECONDS = 1;

/** This deployment only takes writes that carry an `Idempotency-Key`, and this one did not. */
export class IdempotencyKeyMissingError extends Error {
  override readonly name = 'IdempotencyKeyMissingError';

  constructor() {
    super(
      'Writes must carry an Idempotency-Key header: a new unique value for each write, such as a UUID in quotes ' +
        '(Idempotency-Key: "…"), sent again unchanged on every retry of that write',
    );
  }
}

/** The `Idempotency-Key` was used, in the time a key is kept, for another request (method, `If-Match` or body). */
export class IdempotencyKeyReusedError extends Error {
  override readonly name = 'IdempotencyKeyReusedError';

  constructor() {
    super(
      'This Idempotency-Key was already used for another request (its method, If-Match or body differ): ' +
        'send a new key with a new request',
    );
  }
}

/** The first request with this `Idempotency-Key` is still being answered: its response can be had shortly. */
export class IdempotencyKeyInUseError extends Error {
  override readonly name = 'IdempotencyKeyInUseError';
  readonly retryAfterSeconds = RETRY_AFTER_SECONDS;

  constructor() {
    super(
      `A request with this Idempotency-Key is still in progress: retry after ${RETRY_AFTER_SECONDS} s to get its response`,
    );
  }
}

/**
 * Where the first responses to retried writes are kept was throttling, unreachable or too slow. The request's write
 * may or may not have been made; the cause stays in the logs.
 */
export class IdempotencyRecordsUnavailableError extends Error {
  override readonly name = 'IdempotencyRecordsUnavailableError';
  readonly retryAfterSeconds = RETRY_AFTER_SECONDS;

  constructor(options?: ErrorOptions) {
    super(`Retried writes cannot be checked right now; retry after ${RETRY_AFTER_SECONDS} s`, options);
  }
}
