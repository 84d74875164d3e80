import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import { Logger } from '@aws-lambda-powertools/logger';
import { createDocumentClient, DynamoDbSessionStore } from '../sessions/dynamodb-session-store';
import { createChatConfigHandler } from './create-handler';

const requiredEnv = (key: string): string => {
  const value = getStringFromEnv({ key, defaultValue: '' });
  if (value === '')
    throw new Error(`Environment variable ${key} is required: the name of the sessions table`);
  return value;
};

// Read once at init: a misconfigured function fails its cold start with the variable's name, not its first request.
const tableName = requiredEnv('TABLE_NAME');
const endpoint = getStringFromEnv({ key: 'DYNAMODB_ENDPOINT', defaultValue: '' }) || undefined;

const logger = new Logger({ serviceName: 'chat-config' });
const store = new DynamoDbSessionStore(createDocumentClient({ endpoint }), tableName);

/** Lambda entry point for `POST`/`PUT /api/chat-sessions/{sessionId}/config`. */
export const handler = createChatConfigHandler({ store, logger });
