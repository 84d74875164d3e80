import { getBooleanFromEnv, getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import {
  createDocumentClient,
  type DynamoDbClientOptions,
  DynamoDbSessionStore,
} from '../sessions/dynamodb-session-store';
import { withNotFoundFloor } from '../sessions/not-found-floor';
import { DEFAULT_OWNER_ATTRIBUTE, ownerAttributeProblem } from '../sessions/session-table';
import { type ChatConfigHandlerDependencies, createChatConfigHandler } from './create-handler';
import { idempotencyRecordsOn } from './idempotent-writes';
import { SERVICE_NAME } from './metrics';
import { RequestLog } from './request-log';
import { isSamLocal, loadSamLocalAuthorizer, withSamLocalAuthorizer } from './sam-local';

// Read once at init: a misconfigured function fails its cold start with the variable's name, not its first request.
// (Powertools' getter trims, and an empty name is as missing as an absent one.)
const required = (key: string, what: string): string => {
  const value = getStringFromEnv({ key, defaultValue: '' });
  if (value === '') throw new Error(`Environment variable ${key} is required: ${what}`);
  return value;
};
const tableName = required('TABLE_NAME', 'the name of the sessions table');
const idempotencyTableName = required(
  'IDEMPOTENCY_TABLE_NAME',
  'the table where writes sent with an Idempotency-Key keep their first response',
);
const endpoint = getStringFromEnv({ key: 'DYNAMODB_ENDPOINT', defaultValue: '' }) || undefined;
if (endpoint !== undefined && !/^https?:$/.test(URL.parse(endpoint)?.protocol ?? '')) {
  throw new Error(
    'Environment variable DYNAMODB_ENDPOINT must be an http(s) URL, e.g. http://127.0.0.1:8000',
  );
}

/** The function's `service` in its logs, metrics and traces. */
export const serviceName = getStringFromEnv({ key: 'POWERTOOLS_SERVICE_NAME', defaultValue: SERVICE_NAME });
// No namespace is a safe default: the dashboard and alarms read the one the stack sets.
const namespace = required(
  'POWERTOOLS_METRICS_NAMESPACE',
  "the CloudWatch namespace of the function's metrics, which its dashboard reads",
);
const log = new RequestLog({
  namespace,
  serviceName,
  metricsDisabled: getBooleanFromEnv({ key: 'POWERTOOLS_METRICS_DISABLED', defaultValue: false }),
});
// Whether writes must name the version they replace (If-Match), or get 428: "true" or "false", anything else fails
// the cold start.
const requireIfMatch = getBooleanFromEnv({ key: 'REQUIRE_IF_MATCH', defaultValue: false });
// Whether writes must carry an Idempotency-Key, or get 400: read as REQUIRE_IF_MATCH is.
const requireIdempotencyKey = getBooleanFromEnv({ key: 'REQUIRE_IDEMPOTENCY_KEY', defaultValue: false });
/** The attribute naming each session's owner, for tables that call it otherwise: as read and checked here, once. */
export const ownerAttribute = getStringFromEnv({
  key: 'OWNER_ATTRIBUTE',
  defaultValue: DEFAULT_OWNER_ATTRIBUTE,
});
const ownerAttributeIsWrong = ownerAttributeProblem(ownerAttribute);
if (ownerAttributeIsWrong !== undefined) {
  throw new Error(`Environment variable OWNER_ATTRIBUTE is wrong: ${ownerAttributeIsWrong}`);
}
/** What an entry adds to trace the function: how to wrap its DynamoDB client, and what runs around each invocation. */
export interface Tracing {
  readonly instrument: NonNullable<DynamoDbClientOptions['instrument']>;
  readonly outermost: NonNullable<ChatConfigHandlerDependencies['outermost']>;
}

/**
 * The Lambda handler for `GET`/`POST`/`PUT`/`PATCH /api/chat-sessions/{sessionId}/config`, built once per cold start
 * on the environment read above, traced as `tracing` says (the default entry passes nothing: no tracing library in its
 * bundle), and under SAM local behind the stand-in for the routes' authorizer (see sam-local.ts).
 */
export const chatConfigHandler = (tracing?: Tracing) => {
  const clientOptions: DynamoDbClientOptions = { endpoint, instrument: tracing?.instrument };
  // Another user's session and a missing one answer their 404 in the same time (see withNotFoundFloor).
  const store = withNotFoundFloor(
    new DynamoDbSessionStore(createDocumentClient(clientOptions), tableName, {
      ownerAttribute,
      onCall: log.storeCall,
    }),
  );
  const handler = createChatConfigHandler({
    store,
    log,
    outermost: tracing?.outermost,
    requireIfMatch,
    requireIdempotencyKey,
    idempotencyRecords: idempotencyRecordsOn(idempotencyTableName, clientOptions),
  });
  // Decided once, at init: in Lambda the handler is the one above, with nothing in front of it.
  return isSamLocal() ? withSamLocalAuthorizer(handler, loadSamLocalAuthorizer) : handler;
};
