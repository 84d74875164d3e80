import type { MiddlewareObj, Request } from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import {
  BadRequestError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../sessions/errors';
import type { ApiGatewayEvent } from './events';

/** Largest request body accepted, in bytes (after base64 decoding). */
export const MAX_BODY_BYTES = 512 * 1024;

// The text @middy/http-json-body-parser throws for a `__proto__` or `constructor.prototype` key: the only 422 it
// throws that is not a syntax error. A test pins it, so an upgrade that changes it fails loudly.
const FORBIDDEN_KEY_MESSAGE = 'Forbidden key in JSON body';

// A JSON Merge Patch (RFC 7396) keeps the fields it leaves out: sent to a full replace, it would drop them instead.
const MERGE_PATCH = /^application\/merge-patch\+json\s*(;|$)/i;

const hasStatusCode = (error: unknown): error is Error & { statusCode: number } =>
  error instanceof Error && typeof (error as { statusCode?: unknown }).statusCode === 'number';

/**
 * Rejects bodies over `maxBytes` (413), then parses JSON with Middy's parser (content type checked, base64 decoded,
 * prototype keys refused) and turns its errors into this API's: 415, 400 for a missing or malformed body, 422 for a
 * forbidden key.
 */
export const jsonRequestBody = (maxBytes = MAX_BODY_BYTES): MiddlewareObj<ApiGatewayEvent> => {
  const parser = httpJsonBodyParser();
  const parse = parser.before as (request: Request<ApiGatewayEvent>) => void;
  return {
    before: (request) => {
      const { body, isBase64Encoded, headers } = request.event;
      if (MERGE_PATCH.test(headers?.['content-type'] ?? '')) {
        throw new UnsupportedMediaTypeError(
          'A JSON Merge Patch cannot replace the config: send the whole config as application/json',
        );
      }
      if (body != null && Buffer.byteLength(body, isBase64Encoded ? 'base64' : 'utf8') > maxBytes) {
        throw new PayloadTooLargeError(maxBytes);
      }
      try {
        parse(request);
      } catch (error) {
        if (!hasStatusCode(error)) throw error;
        if (error.statusCode === 415) throw new UnsupportedMediaTypeError();
        if (error.message === FORBIDDEN_KEY_MESSAGE) {
          throw new ValidationError([
            { path: '', message: 'Forbidden key: __proto__ or constructor.prototype' },
          ]);
        }
        throw new BadRequestError(
          body ? 'The request body is not valid JSON' : 'A JSON body with a "config" object is required',
        );
      }
    },
  };
};
