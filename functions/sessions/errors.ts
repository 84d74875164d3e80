import type { FieldViolation } from './config-schema';

/**
 * An error that knows the HTTP status it stands for and the problem type (RFC 9457) clients can switch on.
 * Only errors below 500 are exposed: their `message` is safe to show a client.
 */
export abstract class HttpError extends Error {
  abstract readonly statusCode: number;
  /** Stable problem type URI; docs/api.md lists them. */
  abstract readonly type: string;
  /** Short, fixed summary of the problem type. */
  abstract readonly title: string;

  get expose(): boolean {
    return this.statusCode < 500;
  }
}

/** The request cannot be understood: malformed JSON, a body without an object `config`, a bad session id. */
export class BadRequestError extends HttpError {
  readonly statusCode = 400;
  readonly type = 'urn:chat-config:problem:bad-request';
  readonly title = 'Bad Request';
}

/**
 * The request reached the function without a verified caller: the route has no authorizer, or the authorizer passed
 * no user id. Refused, never served as anonymous.
 */
export class UnauthorizedError extends HttpError {
  readonly statusCode = 401;
  readonly type = 'urn:chat-config:problem:unauthorized';
  readonly title = 'Unauthorized';

  constructor() {
    super('The request carries no verified caller: send a valid bearer token in Authorization');
  }
}

/**
 * No session with that id exists for the caller: none at all, or one of another user, which is answered exactly alike.
 * The message is the one clients of the original endpoint read.
 */
export class SessionNotFoundError extends HttpError {
  readonly statusCode = 404;
  readonly type = 'urn:chat-config:problem:session-not-found';
  readonly title = 'Not Found';

  constructor() {
    super('Chat session not found or update failed');
  }
}

/** The method is not one this resource supports. */
export class MethodNotAllowedError extends HttpError {
  readonly statusCode = 405;
  readonly type = 'urn:chat-config:problem:method-not-allowed';
  readonly title = 'Method Not Allowed';

  constructor(
    method: string,
    readonly allow: readonly string[],
  ) {
    super(`${method} is not supported here; use one of ${allow.join(', ')}`);
  }
}

/** The body is larger than the endpoint accepts. */
export class PayloadTooLargeError extends HttpError {
  readonly statusCode = 413;
  readonly type = 'urn:chat-config:problem:payload-too-large';
  readonly title = 'Content Too Large';

  constructor(readonly limitBytes: number) {
    super(`The request body must not exceed ${limitBytes} bytes`);
  }
}

/** The session item would outgrow what the store holds (DynamoDB: 400 KB), with this config and what it already has. */
export class SessionTooLargeError extends HttpError {
  readonly statusCode = 413;
  readonly type = 'urn:chat-config:problem:session-too-large';
  readonly title = 'Content Too Large';

  constructor() {
    super('The session would exceed the size the store can hold with this config; send a smaller config');
  }
}

/** The request's header values are larger than the endpoint accepts (`limitBytes` in all). */
export class RequestHeaderFieldsTooLargeError extends HttpError {
  readonly statusCode = 431;
  readonly type = 'urn:chat-config:problem:header-fields-too-large';
  readonly title = 'Request Header Fields Too Large';

  constructor(readonly limitBytes: number) {
    super(`The request's header values must not exceed ${limitBytes} bytes in all`);
  }
}

/** The body is not of the media type the method takes (`accepted`). */
export class UnsupportedMediaTypeError extends HttpError {
  readonly statusCode = 415;
  readonly type = 'urn:chat-config:problem:unsupported-media-type';
  readonly title = 'Unsupported Media Type';

  constructor(
    readonly accepted: string,
    message = `The request body must be sent with Content-Type: ${accepted}`,
  ) {
    super(message);
  }
}

/**
 * The write was conditional on versions of the config (`If-Match`) and the session holds another one: somebody
 * changed it since the client read it. Nothing was written.
 */
export class PreconditionFailedError extends HttpError {
  readonly statusCode = 412;
  readonly type = 'urn:chat-config:problem:precondition-failed';
  readonly title = 'Precondition Failed';

  constructor(readonly currentVersion: number) {
    super(
      `The config has changed since you read it (it is now at version ${currentVersion}): read it again, then retry with its ETag in If-Match`,
    );
  }
}

/** This deployment only takes writes that name the version they replace, and this one did not. */
export class PreconditionRequiredError extends HttpError {
  readonly statusCode = 428;
  readonly type = 'urn:chat-config:problem:precondition-required';
  readonly title = 'Precondition Required';

  constructor() {
    super(
      'Writes must carry If-Match with the ETag of the config they replace (GET it first); "*" is not enough here',
    );
  }
}

/** At most this many violations are listed, so that a large invalid body cannot make a larger response. */
export const MAX_LISTED_VIOLATIONS = 20;

/** The body is well-formed JSON but breaks the schema; `errors` names the violations (the first 20). */
export class ValidationError extends HttpError {
  readonly statusCode = 422;
  readonly type = 'urn:chat-config:problem:validation-failed';
  readonly title = 'Unprocessable Content';
  readonly errors: readonly FieldViolation[];
  /** How many violations there were, listed or not. */
  readonly count: number;

  constructor(violations: readonly FieldViolation[]) {
    const count = violations.length;
    super(
      `The request body is invalid: ${count} violation${count === 1 ? '' : 's'}` +
        (count > MAX_LISTED_VIOLATIONS ? ` (the first ${MAX_LISTED_VIOLATIONS} are listed)` : ''),
    );
    this.errors = violations.slice(0, MAX_LISTED_VIOLATIONS);
    this.count = count;
  }
}

const RETRY_AFTER_SECONDS = 1;

/** The session store is throttling, unreachable or too slow: the client may retry after `retryAfterSeconds`. */
export class StoreUnavailableError extends HttpError {
  readonly statusCode = 503;
  readonly type = 'urn:chat-config:problem:temporarily-unavailable';
  readonly title = 'Service Unavailable';
  readonly retryAfterSeconds = RETRY_AFTER_SECONDS;

  constructor(options?: ErrorOptions) {
    super(`The session store is temporarily unavailable; retry after ${RETRY_AFTER_SECONDS} s`, options);
  }

  /** A 5xx whose fixed sentence a client may read; its cause stays in the logs. */
  override get expose(): boolean {
    return true;
  }
}

/**
 * A call to the session store failed in a way no rule here expects (a missing table, a denied permission): a bug or a
 * misconfiguration, answered 500. Thrown where the store made the call, so that the log shows that place even when the
 * client's middleware (the X-Ray SDK's among them) cuts the chain of async frames; the store's own error is its cause.
 */
export class StoreFailedError extends Error {
  override readonly name = 'StoreFailedError';

  constructor(operation: string, options: ErrorOptions) {
    super(`The session store's ${operation} failed`, options);
  }
}

/**
 * The session's config was not written by this API: it has no version, or is not a map. A patch cannot then be applied
 * field by field (what it keeps was never validated): it must be merged into the stored config and the result
 * validated whole. Carries what the failed write found. The use case handles it; it never reaches a client.
 */
export class UnversionedConfigError extends Error {
  constructor(
    readonly stored: { readonly config: Readonly<Record<string, unknown>>; readonly version: number },
  ) {
    super('The stored config was not written by this API');
  }
}
