/**
 * The OpenAPI 3.1 document of the API, built from what the code itself uses: the routes and media types of
 * functions/chat-config/routes.ts, the config schema (validation and type) of functions/sessions/config-schema.ts,
 * the request shapes of functions/chat-config/requests.ts, and the problem bodies that functions/chat-config/problems.ts
 * makes of each error (./responses.ts). `npm run openapi` writes it to openapi/openapi.json; a test fails when that
 * file differs from what this module builds.
 */
import { readFileSync } from 'node:fs';
import { IDEMPOTENCY_KEY_LIFETIME_SECONDS } from '../functions/chat-config/idempotent-writes';
import { sessionIdSchema } from '../functions/chat-config/requests';
import { CHAT_CONFIG_PATH, REQUIRED_SCOPE } from '../functions/chat-config/routes';
import { SCOPES_WITH_DESCRIPTIONS } from '../functions/chat-config/scope-descriptions';
import { ENTITY_TAG_CONDITION_PATTERN, MAX_ENTITY_TAGS } from '../functions/http/entity-tags';
import {
  IDEMPOTENCY_KEY_PATTERN,
  IDEMPOTENT_REPLAYED_HEADER,
  MAX_IDEMPOTENCY_KEY_LENGTH,
} from '../functions/http/idempotency-key';
import { JSON_MEDIA_TYPE, MERGE_PATCH_MEDIA_TYPE } from '../functions/http/request-body';
import { LOCAL_API_DEFAULT_PORT, LOCAL_API_HOST } from '../local/routes';

import { type Json, jsonSchemaOf, literal, refTo, SCHEMAS } from './json-schemas';
import {
  ETAG,
  headersOf,
  RESPONSES,
  type ResponseComponent,
  ref,
  responseComponents,
  SECURITY_SCHEME,
} from './responses';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const SESSION_ID = {
  in: 'path',
  name: 'sessionId',
  required: true,
  description: 'The chat session: 1 to 128 of A-Z a-z 0-9 _ -',
  schema: jsonSchemaOf(sessionIdSchema),
};

/** An optional request header of entity tags, its pattern the very one the function parses it by. */
const condition = (name: string, description: string) => ({
  in: 'header',
  name,
  description: `${description} \`*\`, or a comma-separated list of up to ${MAX_ENTITY_TAGS} entity tags, strong or weak, e.g. \`"7"\` or \`"7", W/"8"\`.`,
  schema: { type: 'string', pattern: ENTITY_TAG_CONDITION_PATTERN.source },
});

const ifMatchOnWrite = condition(
  'If-Match',
  'Write only if the config is at one of these versions (strong comparison), else 412. Required (and `*` refused, 428) when the deployment sets requireIfMatch.',
);

// The header as the document names it: each word capitalized.
const REPLAYED_HEADER_NAME = IDEMPOTENT_REPLAYED_HEADER.replace(/(^|-)([a-z])/g, (letter) =>
  letter.toUpperCase(),
);

const IDEMPOTENCY_KEY = {
  in: 'header',
  name: 'Idempotency-Key',
  description:
    `A new unique value for this write (a UUID), sent again unchanged on each retry of it: a Structured Field String of 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters, quoted (\`"…"\`, a quote or backslash inside escaped by a backslash) or unquoted (then without spaces, quotes, backslashes or commas), both the same key. ` +
    `For ${IDEMPOTENCY_KEY_LIFETIME_SECONDS / 3600} hours, a retry by the same user on the same session gets the first 200 again, with Idempotent-Replayed, and writes nothing; the same key with another method, If-Match or body is a 422, while the first still runs a 409. ` +
    'Required (400 without it) when the deployment sets requireIdempotencyKey.',
  schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN.source },
};

// A user pool's login domain, `<prefix>.auth.<region>.amazoncognito.com`, as the stack output `LoginUrl` names it: here
// that of the stack ChatConfigApi in an example account (123456789012) and region.
const EXAMPLE_LOGIN_URL = 'https://chatconfigapi-123456789012.auth.us-east-1.amazoncognito.com';

/**
 * How a client gets its tokens: OAuth 2.0 with the scopes declared (which an `http` bearer scheme cannot carry), by
 * the authorization code flow of the stack's user pool.
 */
const SECURITY = {
  type: 'oauth2',
  description:
    "An OAuth 2.0 access token (a JWT), sent as `Authorization: Bearer <token>`. API Gateway checks it before the function runs; the function serves only the user it names (`sub`), on that user's own sessions. " +
    "By default the deployment's issuer is its Cognito user pool, whose app client (the stack output `AppClientId`) is public, without a secret: its authorization code flow requires PKCE (`code_challenge_method=S256`). " +
    "The URLs below are an example of Cognito's, `https://<domain prefix>.auth.<region>.amazoncognito.com/oauth2/…`: a deployment's are `<LoginUrl>/oauth2/authorize` and `<LoginUrl>/oauth2/token`, `LoginUrl` being its stack output (`npm run -s output -- LoginUrl`). " +
    "A deployment given its own issuer (`chat-config:jwtIssuer`) takes that issuer's tokens instead, with the same scopes. Locally, `npm run token` prints one.",
  flows: {
    authorizationCode: {
      authorizationUrl: `${EXAMPLE_LOGIN_URL}/oauth2/authorize`,
      tokenUrl: `${EXAMPLE_LOGIN_URL}/oauth2/token`,
      scopes: SCOPES_WITH_DESCRIPTIONS,
    },
  },
};

/** What an operation requires: a token with the scope of its method. */
const securityOf = (method: string) => [{ [SECURITY_SCHEME]: [REQUIRED_SCOPE[method] as string] }];

/** The one tag of every operation, which generators make a client class of. */
const TAG = {
  name: 'chat-config',
  description: 'The configuration of a chat session of yours: read it, replace it, patch it',
};

/** What documents an operation: its id, summary and description (with the scope it requires), its tag. */
const about = (method: string, operationId: string, summary: string, description: string) => ({
  operationId,
  summary,
  description: `${description} Requires a token with the scope \`${REQUIRED_SCOPE[method]}\`.`,
  tags: [TAG.name],
  security: securityOf(method),
});

// What every write does the same way, whatever its body.
const WRITES =
  "The session must exist and be yours: a write never creates one, and answers 404 for another user's. " +
  'Send the version you read in `If-Match` to write only over it (412 otherwise, nothing written), and an `Idempotency-Key` to retry the write safely.';

const writeOperation = (
  identity: ReturnType<typeof about>,
  requestBody: Json,
  {
    unsupportedMediaType,
    unprocessable,
  }: Record<'unsupportedMediaType' | 'unprocessable', ResponseComponent>,
) => ({
  ...identity,
  parameters: [SESSION_ID, ifMatchOnWrite, IDEMPOTENCY_KEY],
  requestBody,
  responses: {
    200: {
      description:
        'The config as stored by this write, with its new version as `ETag`; or, to a retry with the same Idempotency-Key, the very response of the first request',
      headers: {
        ...headersOf(ETAG),
        [REPLAYED_HEADER_NAME]: {
          required: false,
          description:
            'Sent only on a replay: this is the response of an earlier request with the same Idempotency-Key',
          schema: literal('true'),
        },
      },
      content: { [JSON_MEDIA_TYPE]: { schema: refTo('schemas', 'ConfigUpdated') } },
    },
    400: ref(RESPONSES.badRequestOnWrite),
    401: ref(RESPONSES.unauthorized),
    403: ref(RESPONSES.forbidden),
    404: ref(RESPONSES.notFound),
    409: ref(RESPONSES.idempotencyKeyInUse),
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

const replaceOperation = (identity: ReturnType<typeof about>) =>
  writeOperation(
    identity,
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

/**
 * Where the API is served: by `npm start`, and by API Gateway, whose URL (the stack output `ApiUrl`) holds the API's
 * id, its region and, for a stage other than `$default`, the stage's name as the first path segment.
 */
const SERVERS = [
  {
    url: `http://${LOCAL_API_HOST}:${LOCAL_API_DEFAULT_PORT}`,
    description: `The local API of \`npm start\` (on another port with \`PORT\`), on DynamoDB Local; \`npm run token\` makes its tokens`,
  },
  {
    url: 'https://{apiId}.execute-api.{region}.amazonaws.com{stagePath}',
    description:
      'A deployed stack: its `ApiUrl` output (`npm run -s output -- ApiUrl`) is this URL, with a `/` at the end',
    variables: {
      apiId: { default: 'abcdef1234', description: "The HTTP API's id, the first label of `ApiUrl`" },
      region: { default: 'us-east-1', description: 'The AWS region of the stack' },
      stagePath: {
        default: '',
        description:
          'Empty for the `$default` stage (the default); `/` and the stage name (`/v1`) when the deployment sets another `chat-config:stageName`',
      },
    },
  },
];

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
  servers: SERVERS,
  tags: [TAG],
  paths: {
    [CHAT_CONFIG_PATH]: {
      get: {
        ...about(
          'GET',
          'getChatConfig',
          'Read the config, its version and the time of its last write',
          "Answers the config of one of your sessions as stored, with its version (also its `ETag`) and the time of its last write; another user's session is answered as a missing one, 404. " +
            'With `If-None-Match` naming the current version, answers 304 without a body; with `If-Match` not naming it, 412.',
        ),
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
        about(
          'POST',
          'updateChatConfig',
          'Replace the whole config (as the original endpoint did)',
          `Replaces the whole config with the body's \`config\`, validated whole, and answers it as stored with its new version and the original endpoint's \`message\`. ${WRITES}`,
        ),
      ),
      put: replaceOperation(
        about(
          'PUT',
          'replaceChatConfig',
          'Replace the whole config',
          `The replace of POST, under the method HTTP names for it: same body, same answers. ${WRITES}`,
        ),
      ),
      patch: writeOperation(
        about(
          'PATCH',
          'patchChatConfig',
          'Merge a JSON Merge Patch (RFC 7396) into the config: set the fields given, remove those set to null',
          `Sets each field the patch gives, removes each it sets to null, keeps the others, and answers the config as stored with its new version; the config it makes must be valid as a whole. Concurrent patches of different fields both land. ${WRITES}`,
        ),
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
    securitySchemes: { [SECURITY_SCHEME]: SECURITY },
  },
});

/** The document as `npm run openapi` writes it. */
export const openApiFile = (): string => `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
