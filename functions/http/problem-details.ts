import type { MiddlewareObj } from '@middy/core';
import {
  HttpError,
  MethodNotAllowedError,
  PreconditionFailedError,
  SessionNotFoundError,
  StoreUnavailableError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../sessions/errors';
import { entityTagOf } from './entity-tags';
import { type ApiGatewayEvent, type ApiGatewayResult, jsonResponse } from './events';
import { MERGE_PATCH_MEDIA_TYPE } from './request-body';
import { originalLocationOf } from './source-locations';

/** The sentence clients of the original endpoint read on any failed update (but a missing session). */
export const UPDATE_FAILED = 'Failed to update chat configuration';

/** Where failures are logged. Nothing a client sent is passed to it. */
export interface ErrorLog {
  info(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

const MAX_FRAMES = 10;
// `    at fn (file:line:col)` or `    at file:line:col`: only the location is kept.
const FRAME = /^\s+at (?:.* \()?(\S+:\d+:\d+)\)?$/;

/**
 * Where an error was thrown: the locations (`file:line:col`) of its stack frames, which the bundle's source map points
 * at our TypeScript. Nothing else of the stack: not the message heading it, nor function names (a computed method
 * name can be data). Only when the stack is headed by the error's current name and message, so that no other text
 * (a message changed later, a stack copied from another error) can be mistaken for frames.
 */
const framesOf = (error: Error): string[] => {
  const header = `${Error.prototype.toString.call(error)}\n`;
  if (!error.stack?.startsWith(header)) return [];
  return error.stack
    .slice(header.length)
    .split('\n')
    .flatMap((line) => FRAME.exec(line)?.[1] ?? [])
    .slice(0, MAX_FRAMES)
    .map(originalLocationOf);
};

/**
 * What of an error may be logged: its identity, where it was thrown, and the message only of an error DynamoDB itself
 * answered (service text about the request). Never a client-side message, which may quote what the client sent.
 */
const describe = (error: unknown, depth = 0): Record<string, unknown> => {
  if (!(error instanceof Error)) return { name: typeof error };
  const { $metadata, $fault, code } = error as Error & {
    $metadata?: { httpStatusCode?: number };
    $fault?: string;
    code?: string;
  };
  const frames = framesOf(error);
  return {
    name: error.name,
    ...(code ? { code } : {}),
    ...($fault ? { fault: $fault } : {}),
    ...($metadata ? { metadata: $metadata } : {}),
    ...($metadata?.httpStatusCode ? { message: error.message } : {}),
    ...(frames.length > 0 ? { frames } : {}),
    ...(error.cause !== undefined && depth < 2 ? { cause: describe(error.cause, depth + 1) } : {}),
  };
};

/** The body of the problem an error becomes: what clients read. */
export const problemOf = (error: unknown) => {
  if (error instanceof HttpError && error.expose) {
    const { type, title, statusCode: status, message } = error;
    return {
      type,
      title,
      status,
      detail: message,
      error: error instanceof SessionNotFoundError ? message : UPDATE_FAILED,
      ...(error instanceof ValidationError ? { errors: error.errors } : {}),
    };
  }
  return {
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    detail: 'An unexpected error occurred',
    error: UPDATE_FAILED,
  };
};

/** The headers a problem response carries besides its content type, by what the error says. */
export const problemHeadersOf = (error: unknown): Record<string, string> => {
  const headers: Record<string, string> = {};
  // RFC 6750 §3: the scheme the client must authenticate with.
  if (error instanceof UnauthorizedError) headers['www-authenticate'] = 'Bearer';
  if (error instanceof StoreUnavailableError) headers['retry-after'] = String(error.retryAfterSeconds);
  if (error instanceof MethodNotAllowedError) headers.allow = error.allow.join(', ');
  // RFC 9110 §12.5.1 (Accept in a response: what the request's content may be); RFC 5789 §2.2 for PATCH.
  if (error instanceof UnsupportedMediaTypeError) {
    headers.accept = error.accepted;
    if (error.accepted === MERGE_PATCH_MEDIA_TYPE) headers['accept-patch'] = error.accepted;
  }
  // The version the client must read before it retries.
  if (error instanceof PreconditionFailedError) headers.etag = entityTagOf(error.currentVersion);
  return headers;
};

/**
 * The one place errors become responses: RFC 9457 problem details (`application/problem+json`) that also carry the
 * original endpoint's `error` member. 4xx say in `detail` what was wrong; 5xx say only a fixed sentence.
 */
export const problemDetails = ({
  log,
}: {
  log: ErrorLog;
}): MiddlewareObj<ApiGatewayEvent, ApiGatewayResult> => ({
  onError: (request) => {
    const { error } = request;
    const body = problemOf(error);
    if (body.status < 500) {
      log.info('Request rejected', {
        status: body.status,
        type: body.type,
        ...(error instanceof ValidationError ? { violations: error.count } : {}),
      });
    } else {
      log.error('Request failed', { status: body.status, error: describe(error) });
    }
    const headers = problemHeadersOf(error);
    request.response = jsonResponse(body.status, body, 'application/problem+json', headers);
  },
});
