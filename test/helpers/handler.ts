import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult } from 'aws-lambda';
import { createChatConfigHandler } from '../../functions/chat-config/create-handler';
import type { SessionStore } from '../../functions/sessions/session-store';
import { createContext, invokeOptions } from './events';

/** A parsed handler response. */
export interface TestResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown>;
  readonly rawBody: string;
}

/** The Middy handler on `store`, with a logger that writes nothing unless `logger` is given. */
export const createTestHandler = (
  store: SessionStore,
  logger = new Logger({ logLevel: 'SILENT' }),
  { requireIfMatch = false } = {},
) => {
  const handler = createChatConfigHandler({ store, logger, requireIfMatch });
  return async (
    event: APIGatewayProxyEventV2 | APIGatewayProxyEvent,
    timeoutMs?: number,
  ): Promise<TestResponse> => {
    const result: APIGatewayProxyResult | undefined = await handler(
      event,
      createContext(timeoutMs),
      invokeOptions(),
    );
    if (!result) throw new Error('The handler returned no response');
    return {
      statusCode: result.statusCode,
      headers: (result.headers ?? {}) as Record<string, string>,
      // A 304 has no body.
      body: (result.body === '' ? {} : JSON.parse(result.body)) as Record<string, unknown>,
      rawBody: result.body,
    };
  };
};
