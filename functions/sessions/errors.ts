import type { FieldViolation } from './config-schema';

/**
 * An error that knows the HTTP status it stands for and the problem type (RFC 9457) clients can switch on.
 * Only errors below 500 are exposed: their `message` is safe to show a client.
 */
export abstract class HttpError extends Error {
  abstract readonly statusCode: number;
  /** Stable problem type URI; the README lists them. */
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

/** No session with that id exists. The message is the one clients of the original endpoint read. */
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
    super(`${method} is not supported here; use ${allow.join(' or ')}`);
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

/** The body is not declared as JSON. */
export class UnsupportedMediaTypeError extends HttpError {
  readonly statusCode = 415;
  readonly type = 'urn:chat-config:problem:unsupported-media-type';
  readonly title = 'Unsupported Media Type';

  constructor() {
    super('The request body must be JSON, sent with Content-Type: application/json');
  }
}

/** The body is well-formed JSON but breaks the schema; `errors` names every violation. */
export class ValidationError extends HttpError {
  readonly statusCode = 422;
  readonly type = 'urn:chat-config:problem:validation-failed';
  readonly title = 'Unprocessable Content';

  constructor(readonly errors: readonly FieldViolation[]) {
    super(`The request body is invalid: ${errors.length} violation${errors.length === 1 ? '' : 's'}`);
  }
}

/** The session store is throttling, unreachable or too slow: the client may retry after `retryAfterSeconds`. */
export class StoreUnavailableError extends HttpError {
  readonly statusCode = 503;
  readonly type = 'urn:chat-config:problem:temporarily-unavailable';
  readonly title = 'Service Unavailable';
  readonly retryAfterSeconds = 1;

  constructor(options?: ErrorOptions) {
    super('The session store is temporarily unavailable', options);
  }
}
