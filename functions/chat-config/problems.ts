import { entityTagOf } from '../http/entity-tags';
import {
  BadRequestError,
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
  problemHeadersOf as problemHeadersIn,
  problemOf as problemIn,
  problemType,
  violationsOf as violationsIn,
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
export const UPDATE_FAILED = 'Failed to update chat configuration';

const PROBLEM = 'urn:chat-config:problem:';

// Every body also carries the original endpoint's `error` member, which its clients read.
const updateFailed = () => ({ error: UPDATE_FAILED });

const VALIDATION_FAILED = {
  status: 422,
  type: `${PROBLEM}validation-failed`,
  title: 'Unprocessable Content',
  members: updateFailed,
} as const;

/** A problem of the config API: RFC 9457's members, the original endpoint's `error`, and a 422's `errors`. */
export interface ChatConfigProblem extends ProblemBody {
  readonly error: string;
  readonly errors?: readonly Violation[];
}

/**
 * What each error of the config API becomes: its status, problem type (docs/api.md lists them), title and headers.
 * The handler's problem details and the OpenAPI document both read it.
 */
export const CHAT_CONFIG_PROBLEMS: ProblemTable<ChatConfigProblem> = {
  rows: [
    problemType({
      error: BadRequestError,
      status: 400,
      type: `${PROBLEM}bad-request`,
      title: 'Bad Request',
      members: updateFailed,
    }),
    problemType({
      error: UnauthorizedError,
      status: 401,
      type: `${PROBLEM}unauthorized`,
      title: 'Unauthorized',
      members: updateFailed,
      // RFC 6750 §3: the scheme the client must authenticate with.
      headers: () => ({ 'www-authenticate': 'Bearer' }),
    }),
    problemType({
      error: SessionNotFoundError,
      status: 404,
      type: `${PROBLEM}session-not-found`,
      title: 'Not Found',
      members: (error) => ({ error: error.message }),
    }),
    problemType({
      error: MethodNotAllowedError,
      status: 405,
      type: `${PROBLEM}method-not-allowed`,
      title: 'Method Not Allowed',
      members: updateFailed,
      headers: (error) => ({ allow: error.allow.join(', ') }),
    }),
    problemType({
      error: VersionConflictError,
      status: 412,
      type: `${PROBLEM}precondition-failed`,
      title: 'Precondition Failed',
      detail: ({ currentVersion }) =>
        `The config has changed since you read it (it is now at version ${currentVersion}): read it again, then retry with its ETag in If-Match`,
      members: updateFailed,
      // The version the client must read before it retries.
      headers: (error) => ({ etag: entityTagOf(error.currentVersion) }),
    }),
    problemType({
      error: PayloadTooLargeError,
      status: 413,
      type: `${PROBLEM}payload-too-large`,
      title: 'Content Too Large',
      members: updateFailed,
    }),
    problemType({
      error: SessionTooLargeError,
      status: 413,
      type: `${PROBLEM}session-too-large`,
      title: 'Content Too Large',
      members: updateFailed,
    }),
    problemType({
      error: UnsupportedMediaTypeError,
      status: 415,
      type: `${PROBLEM}unsupported-media-type`,
      title: 'Unsupported Media Type',
      members: updateFailed,
      // RFC 9110 §12.5.1 (Accept in a response: what the request's content may be); RFC 5789 §2.2 for PATCH.
      headers: ({ accepted }) => ({
        accept: accepted,
        ...(accepted === MERGE_PATCH_MEDIA_TYPE ? { 'accept-patch': accepted } : {}),
      }),
    }),
    problemType({
      error: UnprocessableContentError,
      ...VALIDATION_FAILED,
      violations: (error) => error.violations,
    }),
    problemType({
      error: InvalidConfigError,
      ...VALIDATION_FAILED,
      detail: (error) => invalidBodySentence(error.violations.length),
      violations: (error) => error.violations,
    }),
    problemType({
      error: PreconditionRequiredError,
      status: 428,
      type: `${PROBLEM}precondition-required`,
      title: 'Precondition Required',
      members: updateFailed,
    }),
    problemType({
      error: RequestHeaderFieldsTooLargeError,
      status: 431,
      type: `${PROBLEM}header-fields-too-large`,
      title: 'Request Header Fields Too Large',
      members: updateFailed,
    }),
    problemType({
      error: StoreUnavailableError,
      status: 503,
      type: `${PROBLEM}temporarily-unavailable`,
      title: 'Service Unavailable',
      members: updateFailed,
      headers: (error) => ({ 'retry-after': String(error.retryAfterSeconds) }),
      // A 5xx whose fixed sentence a client may read; its cause stays in the logs.
      expose: true,
    }),
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
export const problemOf = (error: unknown): ChatConfigProblem => problemIn(CHAT_CONFIG_PROBLEMS, error);

/** The headers of the problem an error of the config API becomes. */
export const problemHeadersOf = (error: unknown) => problemHeadersIn(CHAT_CONFIG_PROBLEMS, error);

/** The violations a 422 of the config API lists, or none. */
export const violationsOf = (error: unknown) => violationsIn(CHAT_CONFIG_PROBLEMS, error);
