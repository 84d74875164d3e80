/**
 * The OpenAPI 3.1 document of the API, built from what the code itself uses: the routes and media types of
 * functions/chat-config/routes.ts, the config schema (validation and type) of functions/sessions/config-schema.ts,
 * the request shapes of functions/chat-config/requests.ts, and the problem bodies that functions/chat-config/problems.ts
 * makes of each error. `npm run openapi` writes it to
 * openapi/openapi.json; a test fails when that file differs from what this module builds.
 */
import { readFileSync } from 'node:fs';
import { type ConversionConfig, toJsonSchema } from '@valibot/to-json-schema';
import * as v from 'valibot';
import { UPDATE_SUCCEEDED } from '../functions/chat-config/operations';
import { problemHeadersOf, problemOf } from '../functions/chat-config/problems';
import { replaceConfigRequestSchema, sessionIdSchema } from '../functions/chat-config/requests';
import { ALL_SCOPES, CHAT_CONFIG_PATH, REQUIRED_SCOPE } from '../functions/chat-config/routes';
import { ENTITY_TAG_PATTERN, MAX_ENTITY_TAGS } from '../functions/http/entity-tags';
import {
  BadRequestError,
  MAX_LISTED_VIOLATIONS,
  PayloadTooLargeError,
  PreconditionRequiredError,
  RequestHeaderFieldsTooLargeError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from '../functions/http/errors';
import { MAX_HEADER_VALUE_BYTES } from '../functions/http/events';
import {
  JSON_MEDIA_TYPE,
  MAX_BODY_BYTES,
  MAX_JSON_DEPTH,
  MERGE_PATCH_MEDIA_TYPE,
} from '../functions/http/request-body';
import {
  chatConfigPatchSchema,
  chatConfigSchema,
  storedSessionConfigSchema,
} from '../functions/sessions/config-schema';
import {
  InvalidConfigError,
  SessionNotFoundError,
  SessionTooLargeError,
  StoreUnavailableError,
  VersionConflictError,
} from '../functions/sessions/errors';

const PROBLEM_MEDIA_TYPE = 'application/problem+json';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

type Json = Record<string, unknown>;

/** Where a document's part is defined once, and what points at it. */
const refTo = (kind: 'schemas' | 'responses', id: string) => ({ $ref: `#/components/${kind}/${id}` });

const CONVERSION: ConversionConfig = {
  // OpenAPI 3.1's own dialect.
  target: 'draft-2020-12',
  // The rules JSON Schema cannot state (a lone surrogate, bytes of UTF-8, DynamoDB's smallest number) are left to
  // descriptions; a test checks that the rest agrees with the validation. A JSON number is always finite.
  ignoreActions: ['check', 'finite'],
  // "Unknown field" for each field a config does not name: JSON Schema says it as `additionalProperties: false`.
  overrideSchema: ({ valibotSchema, jsonSchema }) =>
    valibotSchema.type === 'object_with_rest' &&
    (valibotSchema as unknown as { rest: { type: string } }).rest.type === 'never'
      ? { ...jsonSchema, additionalProperties: false }
      : undefined,
};

/**
 * A schema as JSON Schema; each of `shared` it holds as a reference to the component of that name (which must not be
 * the schema itself).
 */
const jsonSchemaOf = (schema: v.GenericSchema, shared: Record<string, v.GenericSchema> = {}): Json => {
  const { $schema, $defs, ...json } = toJsonSchema(schema, { ...CONVERSION, definitions: shared }) as Json;
  return JSON.parse(JSON.stringify(json).replaceAll('"#/$defs/', '"#/components/schemas/'));
};

const SHARED = { ChatConfig: chatConfigSchema };

const SCHEMAS = {
  ChatConfig: jsonSchemaOf(chatConfigSchema),
  ChatConfigPatch: jsonSchemaOf(chatConfigPatchSchema),
  ReplaceConfigRequest: jsonSchemaOf(replaceConfigRequestSchema, SHARED),
  SessionConfig: jsonSchemaOf(storedSessionConfigSchema, SHARED),
  // What a session never written through this API holds: whatever another system stored, which no schema checked.
  UnvalidatedSessionConfig: jsonSchemaOf(
    v.strictObject({
      ...storedSessionConfigSchema.entries,
      config: v.record(v.string(), v.unknown()),
      version: v.literal(0),
      updatedAt: v.null(),
    }),
  ),
  ConfigUpdated: jsonSchemaOf(
    v.strictObject({ ...storedSessionConfigSchema.entries, message: v.literal(UPDATE_SUCCEEDED) }),
    SHARED,
  ),
};

const entityTag = jsonSchemaOf(v.pipe(v.string(), v.regex(ENTITY_TAG_PATTERN)));

const fieldViolation = v.strictObject({
  path: v.pipe(v.string(), v.description('JSON Pointer (RFC 6901) into the request body')),
  message: v.string(),
});

/** Response headers, every one always sent. */
const headersOf = (headers: Record<string, { schema: Json; description?: string }>) =>
  Object.fromEntries(
    Object.entries(headers).map(([name, { schema, description }]) => [
      name,
      { required: true, ...(description === undefined ? {} : { description }), schema },
    ]),
  );

const literal = (value: string | number) => jsonSchemaOf(v.literal(value));

/** A response as the document defines it once, under `components.responses`. */
interface ResponseComponent {
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
  if ('errors' in first) {
    entries.errors = v.pipe(v.array(fieldViolation), v.minLength(1), v.maxLength(MAX_LISTED_VIOLATIONS));
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

const ETAG = {
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
    `Unsupported Media Type: the body must be sent as ${accepted}`,
    [error],
    headersOf(Object.fromEntries(headers)),
  );
};

/** An answer of API Gateway itself, before the function runs: `{"message": "..."}`. */
const gatewayBody = (message: string) => ({
  [JSON_MEDIA_TYPE]: { schema: jsonSchemaOf(v.strictObject({ message: v.literal(message) })) },
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
    headers: headersOf(ETAG),
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
    [new VersionConflictError(7)],
    headersOf(ETAG),
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
      new InvalidConfigError([
        { path: '/config/temperature', message: 'Too big: expected number to be <=2' },
        { path: '/config/colour', message: 'Unknown field' },
      ]),
    ],
  ),
  unprocessablePatch: problems(
    'UnprocessableContentForPatch',
    `Unprocessable Content: the patch, or the config it would make, breaks the schema; \`errors\` lists the first ${MAX_LISTED_VIOLATIONS} violations, each \`path\` a JSON Pointer into the patched config. A value stored before this API validated configs is named as such`,
    [
      new InvalidConfigError([
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
    headersOf({ 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait' } }),
  ),
} satisfies Record<string, ResponseComponent>;

/** Where an operation points at a response the document defines once. */
const ref = ({ id }: ResponseComponent) => refTo('responses', id);

const SESSION_ID = {
  in: 'path',
  name: 'sessionId',
  required: true,
  description: 'The chat session: 1 to 128 of A-Z a-z 0-9 _ -',
  schema: jsonSchemaOf(sessionIdSchema),
};

/** An optional request header of entity tags. */
const condition = (name: string, description: string) => ({
  in: 'header',
  name,
  description: `${description} \`*\` or up to ${MAX_ENTITY_TAGS} entity tags, e.g. \`"7"\`.`,
  schema: { type: 'string' },
});

const ifMatchOnWrite = condition(
  'If-Match',
  'Write only if the config is at one of these versions (strong comparison), else 412. Required (and `*` refused, 428) when the deployment sets requireIfMatch.',
);

/** What an operation requires: a bearer token with the scope of its method. */
const securityOf = (method: string) => [{ [SECURITY_SCHEME]: [REQUIRED_SCOPE[method] as string] }];

const writeOperation = (
  method: string,
  operationId: string,
  summary: string,
  requestBody: Json,
  {
    unsupportedMediaType,
    unprocessable,
  }: Record<'unsupportedMediaType' | 'unprocessable', ResponseComponent>,
) => ({
  operationId,
  summary,
  security: securityOf(method),
  parameters: [SESSION_ID, ifMatchOnWrite],
  requestBody,
  responses: {
    200: {
      description: 'The config as stored by this write, with its new version as `ETag`',
      headers: headersOf(ETAG),
      content: { [JSON_MEDIA_TYPE]: { schema: refTo('schemas', 'ConfigUpdated') } },
    },
    400: ref(RESPONSES.badRequest),
    401: ref(RESPONSES.unauthorized),
    403: ref(RESPONSES.forbidden),
    404: ref(RESPONSES.notFound),
    412: ref(RESPONSES.preconditionFailed),
    413: ref(RESPONSES.contentTooLarge),
    415: ref(unsupportedMediaType),
    422: ref(unprocessable),
    428: ref(RESPONSES.preconditionRequired),
    429: ref(RESPONSES.throttled),
    431: ref(RESPONSES.headerFieldsTooLarge),
    500: ref(RESPONSES.internalError),
    503: ref(RESPONSES.unavailable),
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
          schema: refTo('schemas', 'ReplaceConfigRequest'),
          example: { config: { model: 'gpt-4', temperature: 0.7, max_tokens: 2000 } },
        },
      },
    },
    { unsupportedMediaType: RESPONSES.unsupportedJson, unprocessable: RESPONSES.unprocessableReplace },
  );

/** Every response the document defines once, by its id. */
const responseComponents = () =>
  Object.fromEntries(Object.values(RESPONSES).flatMap(({ id, ...response }) => [[id, response]]));

/** Builds the document. */
const buildOpenApiDocument = () => ({
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
        parameters: [
          SESSION_ID,
          condition('If-None-Match', 'Answer 304 without a body if the config is at one of these versions.'),
          condition('If-Match', 'Answer 412 unless the config is at one of these versions.'),
        ],
        responses: {
          200: {
            description:
              'The config as stored. A session never written through this API has version 0, `updatedAt` null, and its config as it is (`{}` if none): another system may have stored fields the ChatConfig schema refuses',
            headers: headersOf({ ...ETAG, 'Cache-Control': { schema: literal('private, no-cache') } }),
            content: {
              [JSON_MEDIA_TYPE]: {
                schema: {
                  anyOf: [refTo('schemas', 'SessionConfig'), refTo('schemas', 'UnvalidatedSessionConfig')],
                },
              },
            },
          },
          304: ref(RESPONSES.notModified),
          400: ref(RESPONSES.badRequest),
          401: ref(RESPONSES.unauthorized),
          403: ref(RESPONSES.forbidden),
          404: ref(RESPONSES.notFound),
          412: ref(RESPONSES.preconditionFailed),
          429: ref(RESPONSES.throttled),
          431: ref(RESPONSES.headerFieldsTooLarge),
          500: ref(RESPONSES.internalError),
          503: ref(RESPONSES.unavailable),
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
              schema: refTo('schemas', 'ChatConfigPatch'),
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
    responses: responseComponents(),
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
