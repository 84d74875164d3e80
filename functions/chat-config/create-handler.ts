import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import middy, { type MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { callerOf } from '../http/caller';
import { MethodNotAllowedError, RequestHeaderFieldsTooLargeError } from '../http/errors';
import {
  type ApiGatewayEvent,
  type ApiGatewayResult,
  headerValueBytesOf,
  MAX_HEADER_VALUE_BYTES,
  methodOf,
} from '../http/events';
import { problemDetails } from '../http/problem-details';
import { jsonRequestBody } from '../http/request-body';
import { StoreUnavailableError } from '../sessions/errors';
import type { SessionStore } from '../sessions/session-store';
import { MAX_BODY_BYTES } from './body-size';
import { idempotentWrites } from './idempotent-writes';
import { type ChatConfigContext, chatConfigOperations } from './operations';
import { CHAT_CONFIG_PROBLEMS } from './problems';
import { type RequestLog, requestLogging } from './request-log';
import { CHAT_CONFIG_METHODS, WRITE_MEDIA_TYPES } from './routes';

// Answer 503 this long before the Lambda deadline rather than be cut off without a response.
const TIMEOUT_EARLY_MS = 500;

export interface ChatConfigHandlerDependencies {
  readonly store: SessionStore;
  /** Where each request's line goes once it is answered: its audit or error, its ids, its calls, its metrics. */
  readonly log: RequestLog;
  /** Runs around each invocation before any other middleware: the traced entry's X-Ray subsegment. */
  readonly outermost?: MiddlewareObj<ApiGatewayEvent, ApiGatewayResult, Error, ChatConfigContext> | undefined;
  /** Whether writes must carry `If-Match` with a version (428 otherwise). @default false */
  readonly requireIfMatch?: boolean;
  /** Whether writes must carry an `Idempotency-Key` (400 otherwise). @default false */
  readonly requireIdempotencyKey?: boolean;
  /** Where the first response to each write sent with an `Idempotency-Key` is kept for its retries. */
  readonly idempotencyRecords: BasePersistenceLayer;
}

/**
 * `/api/chat-sessions/{sessionId}/config`: `GET` reads the session's config, `POST`/`PUT` replace it, `PATCH` merges
 * into it, each only for the session's owner (the caller API Gateway's authorizer verified). Errors become problem
 * details in one place; the operation for the method does the rest.
 */
export const createChatConfigHandler = ({
  store,
  log,
  outermost,
  requireIfMatch = false,
  requireIdempotencyKey = false,
  idempotencyRecords,
}: ChatConfigHandlerDependencies) => {
  const operations = chatConfigOperations({
    store,
    audit: log,
    requireIfMatch,
    requireIdempotencyKey,
    idempotentWrites: idempotentWrites(idempotencyRecords),
  });
  return (
    middy<ApiGatewayEvent, ApiGatewayResult, Error, ChatConfigContext>({
      timeoutEarlyInMillis: TIMEOUT_EARLY_MS,
      timeoutEarlyResponse: () => {
        throw new StoreUnavailableError();
      },
    })
      .use(outermost ? [outermost] : [])
      // After-hooks run in reverse: the request's line is printed once problemDetails has made the response.
      .use(requestLogging(log))
      .use(problemDetails({ log, problems: CHAT_CONFIG_PROBLEMS }))
      .use(httpHeaderNormalizer())
      .before(({ event, context }) => {
        const method = methodOf(event);
        // Resolved anew for each request, whatever context object it comes with.
        Object.assign(context, { method, callerId: undefined, resolved: undefined });
        if (headerValueBytesOf(event) > MAX_HEADER_VALUE_BYTES) {
          throw new RequestHeaderFieldsTooLargeError(MAX_HEADER_VALUE_BYTES);
        }
        // Before anything else: a request without a verified caller learns nothing, not even which methods exist.
        // The request's line then names the caller, the 404s of probing included.
        const callerId = callerOf(event);
        context.callerId = callerId;
        // Before the body is looked at: an unsupported method is a 405 whatever it sent.
        const operation = operations[method];
        if (operation === undefined) throw new MethodNotAllowedError(method, CHAT_CONFIG_METHODS);
        context.resolved = { callerId, operation };
      })
      .use(
        jsonRequestBody<ChatConfigContext>(
          ({ context }) => WRITE_MEDIA_TYPES[context.method ?? ''],
          MAX_BODY_BYTES,
        ),
      )
      // `signal` aborts when Middy answers 503 ahead of the Lambda deadline: the store then stops retrying.
      .handler((event, context, { signal }) => {
        const { resolved } = context;
        if (resolved === undefined) throw new Error('The request reached the handler unresolved');
        return resolved.operation({ event, callerId: resolved.callerId, signal, context });
      })
  );
};
