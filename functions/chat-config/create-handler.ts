import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import {
  type ApiGatewayEvent,
  type ApiGatewayResult,
  jsonResponse,
  methodOf,
  requestIdOf,
} from '../http/events';
import { problemDetails } from '../http/problem-details';
import { jsonRequestBody } from '../http/request-body';
import {
  isMalformedRequest,
  replaceConfigRequestSchema,
  sessionIdSchema,
  toFieldViolations,
} from '../sessions/config-schema';
import {
  BadRequestError,
  MethodNotAllowedError,
  StoreUnavailableError,
  ValidationError,
} from '../sessions/errors';
import type { SessionStore } from '../sessions/session-store';
import { updateSessionConfig } from '../sessions/update-session-config';
import { CHAT_CONFIG_METHODS } from './routes';

/** The sentence clients of the original endpoint read on success. */
export const UPDATE_SUCCEEDED = 'Chat configuration updated successfully';

// Answer 503 this long before the Lambda deadline rather than be cut off without a response.
const TIMEOUT_EARLY_MS = 500;

export interface ChatConfigHandlerDependencies {
  readonly store: SessionStore;
  readonly logger: Logger;
}

/** `POST`/`PUT /api/chat-sessions/{sessionId}/config`: validate, replace the session's config, answer the stored state. */
export const createChatConfigHandler = ({ store, logger }: ChatConfigHandlerDependencies) =>
  middy<ApiGatewayEvent, ApiGatewayResult>({
    timeoutEarlyInMillis: TIMEOUT_EARLY_MS,
    timeoutEarlyResponse: () => {
      throw new StoreUnavailableError();
    },
  })
    .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
    .use(problemDetails({ log: logger }))
    .use(httpHeaderNormalizer())
    .before(({ event }) => {
      logger.appendKeys({ requestId: requestIdOf(event) });
      const method = methodOf(event);
      if (!CHAT_CONFIG_METHODS.includes(method)) throw new MethodNotAllowedError(method, CHAT_CONFIG_METHODS);
    })
    .use(jsonRequestBody())
    .handler(async (event, _context, { signal }) => {
      const sessionId = sessionIdSchema.safeParse(event.pathParameters?.sessionId);
      if (!sessionId.success) {
        throw new BadRequestError('sessionId must be 1 to 128 characters of A-Z, a-z, 0-9, _ and -');
      }
      const request = replaceConfigRequestSchema.safeParse(event.body);
      if (!request.success) {
        if (isMalformedRequest(request.error)) {
          throw new BadRequestError('The request body must be a JSON object with a "config" object');
        }
        throw new ValidationError(toFieldViolations(request.error));
      }
      // `signal` aborts when Middy answers 503 ahead of the Lambda deadline: the store then stops retrying.
      const stored = await updateSessionConfig(
        { store, audit: logger },
        {
          sessionId: sessionId.data,
          config: request.data.config,
          signal,
        },
      );
      return jsonResponse(200, { message: UPDATE_SUCCEEDED, ...stored });
    });
