import { entityTagOf } from '../http/entity-tags';
import {
  BadRequestError,
  IdempotencyKeyInUseError,
  IdempotencyKeyMissingError,
  IdempotencyKeyReusedError,
  IdempotencyRecordsUnavailableError,
  invalidBodySentence,
  MethodNotAllowedError,
  PayloadTooLargeError,
  PreconditionRequiredError,
  RequestHeaderFieldsTooLargeError,
  UnauthorizedError,
  UnprocessableContentError,
  UnsupportedMediaTypeError,
  type Violation,
} from '../http/errors';
import {
  type ProblemBody,
  type ProblemTable,
  type ProblemType,
  problemFor,
  problemType,
} from '../http/problem-details';
import { MERGE_PATCH_MEDIA_TYPE } from '../http/request-body';
import {
  InvalidConfigError,
  SessionNotFoundError,
  SessionTooLargeError,
  StoreUnavailableError,
  VersionConflictError,
} from '../sessions/errors';

/** The sentence clients of the original endpoint read on any failed update (but a missing session). */
const UPDATE_FAILED = 'Failed to update chat configuration';

/** What every problem type of the config API starts with; its last segment names the problem. */
export const PROBLEM_TYPE_PREFIX = 'urn:chat-config:problem:';
const PROBLEM = PROBLEM_TYPE_PREFIX;

// Every body also carries the original endpoint's `error` member, which its clients read: the failed update's
// sentence, unless the row says another.
const updateFailed = () => ({ error: UPDATE_FAILED });
const row = <E extends Error>(problem: ProblemType<E>): ProblemType =>
  problemType({ members: updateFailed, ...problem });

const VALIDATION_FAILED = {
  status: 422,
  type: `${PROBLEM}validation-failed`,
  title: 'Unprocessable Content',
} as const;

const TEMPORARILY_UNAVAILABLE = {
  status: 503,
  type: `${PROBLEM}temporarily-unavailable`,
  title: 'Service Unavailable',
  // A 5xx whose fixed sentence a client may read; its cause stays in the logs.
  expose: true,
} as const;

/** When a client should try again (RFC 9110 §10.2.3). */
const retryAfter = ({ retryAfterSeconds }: { readonly retryAfterSeconds: number }) => ({
  'retry-after': String(retryAfterSeconds),
});

/** A problem of the config API: RFC 9457's members, the original endpoint's `error`, and a 422's `errors`. */
interface ChatConfigProblem extends ProblemBody {
  readonly error: string;
  readonly errors?: readonly Violation[];
}

/**
 * What each error of the config API becomes: its status, problem type (docs/api.md lists them), title and headers.
 * The handler's problem details and the OpenAPI document both read it.
 */
export const CHAT_CONFIG_PROBLEMS: ProblemTable<ChatConfigProblem> = {
  rows: [
    row({
      error: BadRequestError,
      status: 400,
      type: `${PROBLEM}bad-request`,
      title: 'Bad Request',
    }),
    row({
      error: IdempotencyKeyMissingError,
      status: 400,
      type: `${PROBLEM}idempotency-key-missing`,
      title: 'Bad Request',
    }),
    row({
      error: UnauthorizedError,
      status: 401,
      type: `${PROBLEM}unauthorized`,
      title: 'Unauthorized',
      // RFC 6750 §3: the scheme the client must authenticate with.
      headers: () => ({ 'www-authenticate': 'Bearer' }),
    }),
    row({
      error: SessionNotFoundError,
      status: 404,
      type: `${PROBLEM}session-not-found`,
      title: 'Not Found',
      members: (error) => ({ error: error.message }),
    }),
    row({
      error: MethodNotAllowedError,
      status: 405,
      type: `${PROBLEM}method-not-allowed`,
      title: 'Method Not Allowed',
      headers: (error) => ({ allow: error.allow.join(', ') }),
    }),
    row({
      error: IdempotencyKeyInUseError,
      status: 409,
      type: `${PROBLEM}idempotency-key-in-use`,
      title: 'Conflict',
      // When the first request will most likely have answered, and a retry gets its response.
      headers: retryAfter,
    }),
    row({
      error: VersionConflictError,
      status: 412,
      type: `${PROBLEM}precondition-failed`,
      title: 'Precondition Failed',
      detail: ({ currentVersion }) =>
        `The config has changed since you read it (it is now at version ${currentVersion}): read it again, then retry with its ETag in If-Match`,
      // The version the client must read before it retries.
      headers: (error) => ({ etag: entityTagOf(error.currentVersion) }),
    }),
    row({
      error: PayloadTooLargeError,
      status: 413,
      type: `${PROBLEM}payload-too-large`,
      title: 'Content Too Large',
    }),
    row({
      error: SessionTooLargeError,
      status: 413,
      type: `${PROBLEM}session-too-large`,
      title: 'Content Too Large',
    }),
    row({
      error: UnsupportedMediaTypeError,
      status: 415,
      type: `${PROBLEM}unsupported-media-type`,
      title: 'Unsupported Media Type',
      // RFC 9110 §12.5.1 (Accept in a response: what the request's content may be); RFC 5789 §2.2 for PATCH.
      headers: ({ accepted }) => ({
        accept: accepted,
        ...(accepted === MERGE_PATCH_MEDIA_TYPE ? { 'accept-patch': accepted } : {}),
      }),
    }),
    row({
      error: UnprocessableContentError,
      ...VALIDATION_FAILED,
      violations: (error) => error.violations,
    }),
    row({
      error: InvalidConfigError,
      ...VALIDATION_FAILED,
      detail: (error) => invalidBodySentence(error.violations.length),
      violations: (error) => error.violations,
    }),
    row({
      error: IdempotencyKeyReusedError,
      status: 422,
      type: `${PROBLEM}idempotency-key-reused`,
      title: 'Unprocessable Content',
    }),
    row({
      error: PreconditionRequiredError,
      status: 428,
      type: `${PROBLEM}precondition-required`,
      title: 'Precondition Required',
    }),
    row({
      error: RequestHeaderFieldsTooLargeError,
      status: 431,
      type: `${PROBLEM}header-fields-too-large`,
      title: 'Request Header Fields Too Large',
    }),
    row({ error: StoreUnavailableError, ...TEMPORARILY_UNAVAILABLE, headers: retryAfter }),
    row({ error: IdempotencyRecordsUnavailableError, ...TEMPORARILY_UNAVAILABLE, headers: retryAfter }),
  ],
  unexpected: {
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    detail: 'An unexpected error occurred',
    error: UPDATE_FAILED,
  },
};

/** The body of the problem an error of the config API becomes (every row gives it the `error` member). */
export const problemOf = (error: unknown): ChatConfigProblem => problemFor(CHAT_CONFIG_PROBLEMS, error).body;

/** The headers of the problem an error of the config API becomes. */
export const problemHeadersOf = (error: unknown) => problemFor(CHAT_CONFIG_PROBLEMS, error).headers;

/** The violations a 422 of the config API lists, or none. */
export const violationsOf = (error: unknown) => problemFor(CHAT_CONFIG_PROBLEMS, error).violations ?? [];
