/**
 * The OpenAPI 3.1 document of the API, built from what the code itself uses: the routes and media types of
 * functions/chat-config/routes.ts, the config schema (validation and type) of functions/sessions/config-schema.ts,
 * and the problem bodies that functions/http/problem-details.ts makes of each error. `npm run openapi` writes it to
 * openapi/openapi.json; a test fails when that file differs from what this module builds.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiResponseObject } from 'zod-openapi';
import { UPDATE_SUCCEEDED } from '../functions/chat-config/operations';
import { ALL_SCOPES, CHAT_CONFIG_PATH, REQUIRED_SCOPE } from '../functions/chat-config/routes';
import { ENTITY_TAG_PATTERN, MAX_ENTITY_TAGS } from '../functions/http/entity-tags';
import { MAX_HEADER_VALUE_BYTES } from '../functions/http/events';
import { problemHeadersOf, problemOf } from '../functions/http/problem-details';
import {
  JSON_MEDIA_TYPE,
  MAX_BODY_BYTES,
  MAX_JSON_DEPTH,
  MERGE_PATCH_MEDIA_TYPE,
} from '../functions/http/request-body';
import {
  chatConfigPatchSchema,
  chatConfigSchema,
  replaceConfigRequestSchema,
  sessionIdSchema,
  storedSessionConfigSchema,
} from '../functions/sessions/config-schema';
import {
  BadRequestError,
  MAX_LISTED_VIOLATIONS,
  PayloadTooLargeError,
  PreconditionFailedError,
  PreconditionRequiredError,
  RequestHeaderFieldsTooLargeError,
  SessionNotFoundError,
  SessionTooLargeError,
  StoreUnavailableError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../functions/sessions/errors';

const PROBLEM_MEDIA_TYPE = 'application/problem+json';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const entityTag = z.string().check(z.regex(ENTITY_TAG_PATTERN));

const SCHEMAS = {
  ChatConfig: chatConfigSchema,
  ChatConfigPatch: chatConfigPatchSchema,
  ReplaceConfigRequest: replaceConfigRequestSchema,
  SessionConfig: storedSessionConfigSchema,
  // What a session never written through this API holds: whatever another system stored, which no schema checked.
  UnvalidatedSessionConfig: z.extend(storedSessionConfigSchema, {
    config: z.record(z.string(), z.unknown()),
    version: z.literal(0),
    updatedAt: z.null(),
  }),
  ConfigUpdated: z.extend(storedSessionConfigSchema, { message: z.literal(UPDATE_SUCCEEDED) }),
};

const fieldViolation = z.strictObject({
  path: z
    .string()
    .register(z.globalRegistry, { description: 'JSON Pointer (RFC 6901) into the request body' }),
  message: z.string(),
});

type Problem = ReturnType<typeof problemOf> & { errors?: unknown };

/**
 * A problem response (RFC 9457) for the errors given: the body schema pins what the handler puts in it (type, title,
 * status and the original endpoint's `error` sentence), and each error's own body is an example.
 */
const problems = (
  id: string,
  description: string,
  errors: readonly unknown[],
  headers?: ZodOpenApiResponseObject['headers'],
): ZodOpenApiResponseObject => {
  const bodies = errors.map((error) => problemOf(error) as Problem);
  const [first] = bodies;
  if (first === undefined) throw new Error(`${description}: no error given`);
  const distinct = (pick: (body: Problem) => string) =>
    [...new Set(bodies.map(pick))] as [string, ...string[]];
  const schema = z.strictObject({
    type: z.enum(distinct((body) => body.type)),
    title: z.enum(distinct((body) => body.title)),
    status: z.literal(first.status),
    detail: z.string(),
    error: z.enum(distinct((body) => body.error)),
    ...('errors' in first
      ? { errors: z.array(fieldViolation).check(z.minLength(1), z.maxLength(MAX_LISTED_VIOLATIONS)) }
      : {}),
  });
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

const etagHeader = z.object({
  ETag: entityTag.register(z.globalRegistry, { description: 'The version of the config, as an entity tag' }),
});

const unsupportedMediaType = (id: string, accepted: string): ZodOpenApiResponseObject => {
  const error = new UnsupportedMediaTypeError(accepted);
  // The headers the handler sends with it (Accept, and Accept-Patch for a patch), each with its one value.
  const headers = Object.entries(problemHeadersOf(error)).map(([name, value]) => [name, z.literal(value)]);
  return problems(
    id,
    `Unsupported Media Type: the body must be sent as ${accepted}`,
    [error],
    z.object(Object.fromEntries(headers)),
  );
};

/** An answer of API Gateway itself, before the function runs: `{"message": "..."}`. */
const gatewayBody = (message: string) => ({
  [JSON_MEDIA_TYPE]: { schema: z.strictObject({ message: z.literal(message) }) },
});

const wwwAuthenticate = z.object({
  'WWW-Authenticate': z.string().register(z.globalRegistry, {
    description:
      'The Bearer scheme; from the authorizer also `error` and `error_description` saying why (RFC 6750 §3), e.g. `Bearer scope="" error="invalid_token" error_description="the token has expired"`',
  }),
});

const unauthorizedByFunction = problems(
  'Unauthorized',
  'Unauthorized: no token, or one the authorizer refuses (expired, not valid yet, another issuer or audience, a bad signature); API Gateway answers `{"message": "Unauthorized"}` without running the function. The function itself answers a problem when a request reaches it without a verified caller (a route deployed without its authorizer)',
  [new UnauthorizedError()],
  wwwAuthenticate,
);

const SECURITY_SCHEME = 'bearerToken';

const RESPONSES = {
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
    headers: etagHeader,
  },
  badRequest: problems(
    'BadRequest',
    `Bad Request: malformed JSON, a body that is not UTF-8 or nests deeper than ${MAX_JSON_DEPTH} levels, a body of the wrong shape, a bad session id, a malformed If-Match or If-None-Match, or If-None-Match on a write`,
    [new BadRequestError('The request body is not valid JSON')],
  ),
  notFound: problems(
    'NotFound',
    "Not Found: you have no session with that id; another user's session is answered exactly alike. Nothing is created or changed",
    [new SessionNotFoundError()],
  ),
  preconditionFailed: problems(
    'PreconditionFailed',
    'Precondition Failed: `If-Match` does not name the current version; nothing is written. `ETag` is the current one',
    [new PreconditionFailedError(7)],
    etagHeader,
  ),
  contentTooLarge: problems(
    'ContentTooLarge',
    `Content Too Large: the body exceeds ${MAX_BODY_BYTES} bytes, or the session item would exceed DynamoDB's 400 KB`,
    [new PayloadTooLargeError(MAX_BODY_BYTES), new SessionTooLargeError()],
  ),
  unprocessableReplace: problems(
    'UnprocessableContent',
    `Unprocessable Content: the config breaks the schema; \`errors\` lists the first ${MAX_LISTED_VIOLATIONS} violations, each \`path\` a JSON Pointer into the body`,
    [
      new ValidationError([
        { path: '/config/temperature', message: 'Too big: expected number to be <=2' },
        { path: '/config/colour', message: 'Unknown field' },
      ]),
    ],
  ),
  unprocessablePatch: problems(
    'UnprocessableContentForPatch',
    `Unprocessable Content: the patch, or the config it would make, breaks the schema; \`errors\` lists the first ${MAX_LISTED_VIOLATIONS} violations, each \`path\` a JSON Pointer into the patched config. A value stored before this API validated configs is named as such`,
    [
      new ValidationError([
        { path: '/temperature', message: 'Too big: expected number to be <=2' },
        { path: '/colour', message: 'Unknown field (a stored value: replace the whole config to drop it)' },
      ]),
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
    content: gatewayBody('Too Many Requests'),
  },
  internalError: problems('InternalServerError', 'Internal Server Error: a fixed sentence, never details', [
    new Error(),
  ]),
  unavailable: problems(
    'ServiceUnavailable',
    'Service Unavailable: DynamoDB is throttling, unreachable or too slow; retry after `Retry-After` seconds',
    [new StoreUnavailableError()],
    z.object({ 'Retry-After': z.int().register(z.globalRegistry, { description: 'Seconds to wait' }) }),
  ),
} satisfies Record<string, ZodOpenApiResponseObject>;

const SESSION_ID = z.object({
  sessionId: sessionIdSchema.register(z.globalRegistry, {
    description: 'The chat session: 1 to 128 of A-Z a-z 0-9 _ -',
  }),
});

const condition = (description: string) =>
  z.optional(
    z.string().register(z.globalRegistry, {
      description: `${description} \`*\` or up to ${MAX_ENTITY_TAGS} entity tags, e.g. \`"7"\`.`,
    }),
  );

const ifMatchOnWrite = condition(
  'Write only if the config is at one of these versions (strong comparison), else 412. Required (and `*` refused, 428) when the deployment sets requireIfMatch.',
);

/** What an operation requires: a bearer token with the scope of its method. */
const securityOf = (method: string) => [{ [SECURITY_SCHEME]: [REQUIRED_SCOPE[method] as string] }];

const writeOperation = (
  method: string,
  operationId: string,
  summary: string,
  requestBody: ZodOpenApiOperationObject['requestBody'],
  {
    unsupportedMediaType,
    unprocessable,
  }: Record<'unsupportedMediaType' | 'unprocessable', ZodOpenApiResponseObject>,
): ZodOpenApiOperationObject => ({
  operationId,
  summary,
  security: securityOf(method),
  requestParams: { path: SESSION_ID, header: z.object({ 'If-Match': ifMatchOnWrite }) },
  requestBody,
  responses: {
    200: {
      description: 'The config as stored by this write, with its new version as `ETag`',
      headers: etagHeader,
      content: { [JSON_MEDIA_TYPE]: { schema: SCHEMAS.ConfigUpdated } },
    },
    400: RESPONSES.badRequest,
    401: RESPONSES.unauthorized,
    403: RESPONSES.forbidden,
    404: RESPONSES.notFound,
    412: RESPONSES.preconditionFailed,
    413: RESPONSES.contentTooLarge,
    415: unsupportedMediaType,
    422: unprocessable,
    428: RESPONSES.preconditionRequired,
    429: RESPONSES.throttled,
    431: RESPONSES.headerFieldsTooLarge,
    500: RESPONSES.internalError,
    503: RESPONSES.unavailable,
  },
});

const replaceOperation = (method: string, operationId: string, summary: string) =>
  writeOperation(
    method,
    operationId,
    summary,
    {
      required: true,
      content: {
        [JSON_MEDIA_TYPE]: {
          schema: SCHEMAS.ReplaceConfigRequest,
          example: { config: { model: 'gpt-4', temperature: 0.7, max_tokens: 2000 } },
        },
      },
    },
    { unsupportedMediaType: RESPONSES.unsupportedJson, unprocessable: RESPONSES.unprocessableReplace },
  );

/** Builds the document. */
const buildOpenApiDocument = () =>
  createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Chat session config API',
      version,
      description:
        'Reads and updates the configuration of one chat session. Every response but 304 carries JSON; ' +
        "errors are problem details (RFC 9457) that also carry the original endpoint's `error` sentence. " +
        "The config's version is its ETag: send it back in `If-Match` to write only over what you read. " +
        'Every operation takes a bearer token, and serves only the sessions of the user it names.',
    },
    paths: {
      [CHAT_CONFIG_PATH]: {
        get: {
          operationId: 'getChatConfig',
          summary: 'Read the config, its version and the time of its last write',
          security: securityOf('GET'),
          requestParams: {
            path: SESSION_ID,
            header: z.object({
              'If-None-Match': condition(
                'Answer 304 without a body if the config is at one of these versions.',
              ),
              'If-Match': condition('Answer 412 unless the config is at one of these versions.'),
            }),
          },
          responses: {
            200: {
              description:
                'The config as stored. A session never written through this API has version 0, `updatedAt` null, and its config as it is (`{}` if none): another system may have stored fields the ChatConfig schema refuses',
              headers: z.extend(etagHeader, { 'Cache-Control': z.literal('private, no-cache') }),
              content: {
                [JSON_MEDIA_TYPE]: {
                  schema: z.union([SCHEMAS.SessionConfig, SCHEMAS.UnvalidatedSessionConfig]),
                },
              },
            },
            304: RESPONSES.notModified,
            400: RESPONSES.badRequest,
            401: RESPONSES.unauthorized,
            403: RESPONSES.forbidden,
            404: RESPONSES.notFound,
            412: RESPONSES.preconditionFailed,
            429: RESPONSES.throttled,
            431: RESPONSES.headerFieldsTooLarge,
            500: RESPONSES.internalError,
            503: RESPONSES.unavailable,
          },
        },
        post: replaceOperation(
          'POST',
          'updateChatConfig',
          'Replace the whole config (as the original endpoint did)',
        ),
        put: replaceOperation('PUT', 'replaceChatConfig', 'Replace the whole config'),
        patch: writeOperation(
          'PATCH',
          'patchChatConfig',
          'Merge a JSON Merge Patch (RFC 7396) into the config: set the fields given, remove those set to null',
          {
            required: true,
            content: {
              [MERGE_PATCH_MEDIA_TYPE]: {
                schema: SCHEMAS.ChatConfigPatch,
                example: { temperature: 0.2, system_prompt: null },
              },
            },
          },
          {
            unsupportedMediaType: RESPONSES.unsupportedMergePatch,
            unprocessable: RESPONSES.unprocessablePatch,
          },
        ),
      },
    },
    components: {
      schemas: SCHEMAS,
      securitySchemes: {
        [SECURITY_SCHEME]: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: `An OAuth 2.0 access token (a JWT) of the deployment's issuer: by default its Cognito user pool, through its app client's authorization code flow. Each operation names the scope it requires (${ALL_SCOPES.join(', ')}); API Gateway checks the token before the function runs, and the function serves only the user it names (\`sub\`), on that user's own sessions.`,
        },
      },
    },
  });

/** The document as `npm run openapi` writes it. */
export const openApiFile = (): string => `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
