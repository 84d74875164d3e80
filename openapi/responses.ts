/**
 * The responses of the OpenAPI document, each defined once: the problems the function answers, their bodies and
 * headers taken from its problem table (functions/chat-config/problems.ts), and API Gateway's own answers.
 */
import * as v from 'valibot';
import { MAX_BODY_BYTES } from '../functions/chat-config/body-size';
import { problemHeadersOf, problemOf } from '../functions/chat-config/problems';
import {
  BadRequestError,
  IdempotencyKeyInUseError,
  IdempotencyKeyMissingError,
  IdempotencyKeyReusedError,
  MAX_LISTED_VIOLATIONS,
  PayloadTooLargeError,
  PreconditionRequiredError,
  RequestHeaderFieldsTooLargeError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from '../functions/http/errors';
import { MAX_HEADER_VALUE_BYTES } from '../functions/http/events';
import { MAX_JSON_DEPTH, MAX_JSON_VALUES } from '../functions/http/json-scan';
import { JSON_MEDIA_TYPE, MERGE_PATCH_MEDIA_TYPE } from '../functions/http/request-body';
import {
  InvalidConfigError,
  SessionNotFoundError,
  SessionTooLargeError,
  StoreUnavailableError,
  VersionConflictError,
} from '../functions/sessions/errors';
import { API_GATEWAY_MAX_PAYLOAD_BYTES, API_GATEWAY_MESSAGES } from '../local/http-api';
import { entityTag, type Json, jsonSchemaOf, literal, refTo } from './json-schemas';

const PROBLEM_MEDIA_TYPE = 'application/problem+json';
const VALIDATION_FAILED = problemOf(new InvalidConfigError([])).type;

const fieldViolation = v.strictObject({
  path: v.pipe(v.string(), v.description('JSON Pointer (RFC 6901) into the request body')),
  message: v.string(),
});

/** Response headers, every one always sent. */
export const headersOf = (headers: Record<string, { schema: Json; description?: string }>) =>
  Object.fromEntries(
    Object.entries(headers).map(([name, { schema, description }]) => [
      name,
      { required: true, ...(description === undefined ? {} : { description }), schema },
    ]),
  );

/** A response as the document defines it once, under `components.responses`. */
export interface ResponseComponent {
  readonly id: string;
  readonly description: string;
  readonly headers?: Json;
  readonly content?: Json;
}

type Problem = ReturnType<typeof problemOf>;

/**
 * A problem response (RFC 9457) for the errors given: the body schema pins what the handler puts in it (type, title,
 * status and the original endpoint's `error` sentence), and each error's own body is an example.
 */
const problems = (
  id: string,
  description: string,
  errors: readonly unknown[],
  headers?: Json,
): ResponseComponent => {
  const bodies = errors.map((error) => problemOf(error) as Problem);
  const [first] = bodies;
  if (first === undefined) throw new Error(`${description}: no error given`);
  const distinct = (pick: (body: Problem) => string) =>
    [...new Set(bodies.map(pick))] as [string, ...string[]];
  const entries: v.ObjectEntries = {
    type: v.picklist(distinct((body) => body.type)),
    title: v.picklist(distinct((body) => body.title)),
    status: v.literal(first.status),
    detail: v.string(),
    error: v.picklist(distinct((body) => body.error)),
  };
  if (bodies.some((body) => 'errors' in body)) {
    const errors = v.pipe(v.array(fieldViolation), v.minLength(1), v.maxLength(MAX_LISTED_VIOLATIONS));
    // Listed by the problems of a body's violations, and only by them.
    entries.errors = bodies.every((body) => 'errors' in body)
      ? errors
      : v.pipe(v.optional(errors), v.description(`Only in a ${VALIDATION_FAILED} problem`));
  }
  const schema = jsonSchemaOf(v.strictObject(entries));
  return {
    id,
    description,
    ...(headers === undefined ? {} : { headers }),
    content: {
      [PROBLEM_MEDIA_TYPE]: {
        schema,
        examples: Object.fromEntries(
          bodies.map((body) => [body.type.split(':').at(-1) ?? body.type, { value: body }]),
        ),
      },
    },
  };
};

export const ETAG = {
  ETag: { schema: entityTag, description: 'The version of the config, as an entity tag' },
};

const unsupportedMediaType = (id: string, accepted: string): ResponseComponent => {
  const error = new UnsupportedMediaTypeError(accepted);
  // The headers the handler sends with it (Accept, and Accept-Patch for a patch), each with its one value.
  const headers = Object.entries(problemHeadersOf(error)).map(([name, value]) => [
    name,
    { schema: literal(value) },
  ]);
  return problems(
    id,
    `Unsupported Media Type: the body must be sent as ${accepted}, in UTF-8 (a \`charset\` other than \`utf-8\` is refused)`,
    [error],
    headersOf(Object.fromEntries(headers)),
  );
};

/**
 * An answer of API Gateway itself, before the function runs or in its place: `{"message": "..."}` as
 * `application/json`, which tells it from the function's problem details (`application/problem+json`).
 */
const gatewayBody = (message: string) => ({
  [JSON_MEDIA_TYPE]: { schema: refTo('schemas', 'ApiGatewayMessage'), example: { message } },
});

/**
 * A status both the function and API Gateway answer: each body under its own media type. The function's headers are
 * then optional, as API Gateway's answer has none of them.
 */
const orGateway = (response: ResponseComponent, message: string, when: string): ResponseComponent => ({
  ...response,
  description: `${response.description}. API Gateway answers \`{"message": "${message}"}\` itself ${when}`,
  ...(response.headers === undefined
    ? {}
    : {
        headers: Object.fromEntries(
          Object.entries(response.headers).map(([name, header]) => [
            name,
            {
              ...(header as Json),
              required: false,
              description: `${(header as Json).description ?? name}; sent with the function's problem details only`,
            },
          ]),
        ),
      }),
  content: { ...gatewayBody(message), ...response.content },
});

const wwwAuthenticate = headersOf({
  'WWW-Authenticate': {
    schema: { type: 'string' },
    description:
      'The Bearer scheme; from the authorizer also `error` and `error_description` saying why (RFC 6750 §3), e.g. `Bearer scope="" error="invalid_token" error_description="the token has expired"`',
  },
});

const unauthorizedByFunction = problems(
  'Unauthorized',
  'Unauthorized: no token, or one the authorizer refuses (expired, not valid yet, another issuer or audience, a bad signature); API Gateway answers `{"message": "Unauthorized"}` without running the function. The function itself answers a problem when a request reaches it without a verified caller (a route deployed without its authorizer)',
  [new UnauthorizedError()],
  wwwAuthenticate,
);

export const SECURITY_SCHEME = 'oauth2';

const retryAfter = headersOf({
  'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait' },
});

// When API Gateway answers 400 itself: the local API does so to a path that is not valid percent-encoding.
const UNPARSABLE = 'to a request it cannot parse, such as a path that is not valid percent-encoding';
// API Gateway's answers that the local API does not give: throttling, and an integration that timed out.
const GATEWAY_THROTTLED = 'Too Many Requests';
const GATEWAY_UNAVAILABLE = 'Service Unavailable';

export const RESPONSES = {
  unauthorized: {
    ...unauthorizedByFunction,
    content: { ...gatewayBody('Unauthorized'), ...unauthorizedByFunction.content },
  },
  forbidden: {
    id: 'Forbidden',
    description:
      "Forbidden: the token is valid but carries none of the operation's scopes; API Gateway answers without running the function",
    headers: wwwAuthenticate,
    content: gatewayBody('Forbidden'),
  },
  notModified: {
    id: 'NotModified',
    description: 'Not Modified: `If-None-Match` names the current version (or is `*`); no body',
    headers: headersOf(ETAG),
  },
  badRequest: orGateway(
    problems('BadRequest', 'Bad Request: a bad session id, a malformed If-Match or If-None-Match', [
      new BadRequestError('sessionId must be 1 to 128 characters of A-Z, a-z, 0-9, _ and -'),
    ]),
    API_GATEWAY_MESSAGES[400],
    UNPARSABLE,
  ),
  badRequestOnWrite: orGateway(
    problems(
      'BadRequestOnWrite',
      `Bad Request: malformed JSON, a body that is not UTF-8, nests deeper than ${MAX_JSON_DEPTH} levels or holds more than ${MAX_JSON_VALUES} values in its arrays and objects, a body of the wrong shape, a bad session id, a malformed If-Match, Idempotency-Key, If-None-Match on a write; or no Idempotency-Key where the deployment requires one (\`idempotency-key-missing\`)`,
      [new BadRequestError('The request body is not valid JSON'), new IdempotencyKeyMissingError()],
    ),
    API_GATEWAY_MESSAGES[400],
    UNPARSABLE,
  ),
  idempotencyKeyInUse: problems(
    'IdempotencyKeyInUse',
    'Conflict: the first request with this Idempotency-Key is still running; retry after `Retry-After` seconds to get its response',
    [new IdempotencyKeyInUseError()],
    retryAfter,
  ),
  notFound: orGateway(
    problems(
      'NotFound',
      "Not Found: you have no session with that id; another user's session is answered exactly alike. Nothing is created or changed",
      [new SessionNotFoundError()],
    ),
    API_GATEWAY_MESSAGES[404],
    'to a path no route matches, such as one with an empty session id',
  ),
  preconditionFailed: problems(
    'PreconditionFailed',
    'Precondition Failed: `If-Match` does not name the current version; nothing is written. `ETag` is the current one',
    [new VersionConflictError(7)],
    headersOf(ETAG),
  ),
  contentTooLarge: orGateway(
    problems(
      'ContentTooLarge',
      `Content Too Large: the body exceeds ${MAX_BODY_BYTES} bytes, or the session item would exceed DynamoDB's 400 KB`,
      [new PayloadTooLargeError(MAX_BODY_BYTES), new SessionTooLargeError()],
    ),
    API_GATEWAY_MESSAGES[413],
    `to a body over ${API_GATEWAY_MAX_PAYLOAD_BYTES / 1024 / 1024} MB, without running the function`,
  ),
  unprocessableReplace: problems(
    'UnprocessableContent',
    `Unprocessable Content: the config breaks the schema; \`errors\` lists the first ${MAX_LISTED_VIOLATIONS} violations, each \`path\` a JSON Pointer into the body. Or the Idempotency-Key was used for another request (\`idempotency-key-reused\`)`,
    [
      new InvalidConfigError([
        { path: '/config/temperature', message: 'Too big: expected number to be <=2' },
        { path: '/config/colour', message: 'Unknown field' },
      ]),
      new IdempotencyKeyReusedError(),
    ],
  ),
  unprocessablePatch: problems(
    'UnprocessableContentForPatch',
    `Unprocessable Content: the patch, or the config it would make, breaks the schema; \`errors\` lists the first ${MAX_LISTED_VIOLATIONS} violations, each \`path\` a JSON Pointer into the patched config. A value stored before this API validated configs is named as such. Or the Idempotency-Key was used for another request (\`idempotency-key-reused\`)`,
    [
      new InvalidConfigError([
        { path: '/temperature', message: 'Too big: expected number to be <=2' },
        { path: '/colour', message: 'Unknown field (a stored value: replace the whole config to drop it)' },
      ]),
      new IdempotencyKeyReusedError(),
    ],
  ),
  headerFieldsTooLarge: problems(
    'RequestHeaderFieldsTooLarge',
    `Request Header Fields Too Large: the header values exceed ${MAX_HEADER_VALUE_BYTES} bytes in all. API Gateway refuses such requests itself (its quota counts the request line too); the function applies the limit behind any other front`,
    [new RequestHeaderFieldsTooLargeError(MAX_HEADER_VALUE_BYTES)],
  ),
  preconditionRequired: problems(
    'PreconditionRequired',
    'Precondition Required: this deployment requires `If-Match` with a version on every write',
    [new PreconditionRequiredError()],
  ),
  unsupportedJson: unsupportedMediaType('UnsupportedMediaType', JSON_MEDIA_TYPE),
  unsupportedMergePatch: unsupportedMediaType('UnsupportedMediaTypeForPatch', MERGE_PATCH_MEDIA_TYPE),
  throttled: {
    id: 'TooManyRequests',
    description: "Too Many Requests: API Gateway's throttling, before the function runs",
    content: gatewayBody(GATEWAY_THROTTLED),
  },
  internalError: orGateway(
    problems('InternalServerError', 'Internal Server Error: a fixed sentence, never details', [new Error()]),
    API_GATEWAY_MESSAGES[500],
    'when the invocation fails: Lambda throttled the function, or it crashed, ran out of time or memory, or failed its cold start',
  ),
  unavailable: orGateway(
    problems(
      'ServiceUnavailable',
      "Service Unavailable: DynamoDB is throttling, unreachable or too slow (the sessions' table, or for a write with an Idempotency-Key the idempotency records'); retry after `Retry-After` seconds",
      [new StoreUnavailableError()],
      retryAfter,
    ),
    GATEWAY_UNAVAILABLE,
    "when the function has not answered within the integration's 30 s, without `Retry-After`",
  ),
} satisfies Record<string, ResponseComponent>;

/** Where an operation points at a response the document defines once. */
export const ref = ({ id }: ResponseComponent) => refTo('responses', id);

/** Every response the document defines once, by its id. */
export const responseComponents = () =>
  Object.fromEntries(Object.values(RESPONSES).flatMap(({ id, ...response }) => [[id, response]]));
