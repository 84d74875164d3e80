import { getBooleanFromEnv, getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient, DynamoDbSessionStore } from '../sessions/dynamodb-session-store';
import { DEFAULT_OWNER_ATTRIBUTE, ownerAttributeProblem } from '../sessions/session-item';
import { createChatConfigHandler } from './create-handler';

// Read once at init: a misconfigured function fails its cold start with the variable's name, not its first request.
// (Powertools' getter trims, and an empty name is as missing as an absent one.)
const tableName = getStringFromEnv({ key: 'TABLE_NAME', defaultValue: '' });
if (tableName === '')
  throw new Error('Environment variable TABLE_NAME is required: the name of the sessions table');
const endpoint = getStringFromEnv({ key: 'DYNAMODB_ENDPOINT', defaultValue: '' }) || undefined;
if (endpoint !== undefined && !/^https?:$/.test(URL.parse(endpoint)?.protocol ?? '')) {
  throw new Error(
    'Environment variable DYNAMODB_ENDPOINT must be an http(s) URL, e.g. http://127.0.0.1:8000',
  );
}

const logger = new Logger({
  serviceName: getStringFromEnv({ key: 'POWERTOOLS_SERVICE_NAME', defaultValue: 'chat-config' }),
});
// Whether writes must name the version they replace (If-Match), or get 428: "true" or "false", anything else fails
// the cold start.
const requireIfMatch = getBooleanFromEnv({ key: 'REQUIRE_IF_MATCH', defaultValue: false });
/** The attribute naming each session's owner, for tables that call it otherwise: as read and checked here, once. */
export const ownerAttribute = getStringFromEnv({
  key: 'OWNER_ATTRIBUTE',
  defaultValue: DEFAULT_OWNER_ATTRIBUTE,
});
const ownerAttributeIsWrong = ownerAttributeProblem(ownerAttribute);
if (ownerAttributeIsWrong !== undefined) {
  throw new Error(`Environment variable OWNER_ATTRIBUTE is wrong: ${ownerAttributeIsWrong}`);
}
const store = new DynamoDbSessionStore(createDocumentClient({ endpoint }), tableName, { ownerAttribute });

/** Lambda entry point for `GET`/`POST`/`PUT`/`PATCH /api/chat-sessions/{sessionId}/config`. */
export const handler = createChatConfigHandler({ store, logger, requireIfMatch });
