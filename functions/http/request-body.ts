import type { MiddlewareObj, Request } from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { Context } from 'aws-lambda';
import {
  BadRequestError,
  PayloadTooLargeError,
  UnprocessableContentError,
  UnsupportedMediaTypeError,
} from './errors';
import type { ApiGatewayEvent } from './events';
import { jsonShapeProblemOf } from './json-scan';

// The text @middy/http-json-body-parser throws for a `__proto__` or `constructor.prototype` key: the only 422 it
// throws that is not a syntax error. A test pins it, so an upgrade that changes it fails loudly.
const FORBIDDEN_KEY_MESSAGE = 'Forbidden key in JSON body';

const hasStatusCode = (error: unknown): error is Error & { statusCode: number } =>
  error instanceof Error && typeof (error as { statusCode?: unknown }).statusCode === 'number';

/** The media type of JSON: full configs (`POST`, `PUT`) and every response but problems. */
export const JSON_MEDIA_TYPE = 'application/json';

/** The media type of a JSON Merge Patch (RFC 7396), which `PATCH` takes. */
export const MERGE_PATCH_MEDIA_TYPE = 'application/merge-patch+json';

// Fatal: a body that is not UTF-8 is refused rather than read with U+FFFD in place of its bad bytes.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text: API Gateway base64-encodes what it does not take for text, and JSON is UTF-8 (RFC 8259 §8.1). */
const textOf = (body: string, isBase64Encoded: boolean | undefined): string => {
  if (!isBase64Encoded) return body;
  try {
    return utf8.decode(Buffer.from(body, 'base64'));
  } catch {
    throw new BadRequestError('The request body is not valid UTF-8');
  }
};

const mediaTypeOf = (contentType: string | undefined): string =>
  (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';

/** A parameter's value, its quotes and backslash escapes taken off when it is a quoted string (RFC 9110 §5.6.4). */
const unquoted = (value: string): string =>
  value.length >= 2 && value.startsWith('"') && value.endsWith('"')
    ? value.slice(1, -1).replace(/\\(.)/g, '$1')
    : value;

/** The values of a content type's `charset` parameters (names and values compare case-insensitively). */
const charsetsOf = (contentType: string | undefined): string[] =>
  (contentType ?? '')
    .split(';')
    .slice(1)
    .map((parameter) => parameter.split('='))
    .filter(([name = '']) => name.trim().toLowerCase() === 'charset')
    .map(([, ...value]) => unquoted(value.join('=').trim()).toLowerCase());

/** What a 415 says of a charset other than UTF-8. */
export const UTF8_ONLY = 'Only UTF-8 is accepted: send the body in UTF-8, with charset=utf-8 or no charset';

// A full config may come in any JSON type, `+json` suffixes included (as the original endpoint took them), but a merge
// patch: sent to a full replace, the fields it leaves out would be dropped rather than kept.
const isAccepted = (mediaType: string, accepted: string): boolean =>
  accepted === JSON_MEDIA_TYPE
    ? /^application\/([\w.-]+\+)?json$/.test(mediaType) && mediaType !== MERGE_PATCH_MEDIA_TYPE
    : mediaType === accepted;

/**
 * For each method that takes a body, the media type it takes: JSON (`application/json` or a `+json` type) for a
 * full replace, and only `application/merge-patch+json` for a PATCH.
 * Methods not named take no body (a body sent with them is ignored).
 */
export type RequestMediaTypes = Readonly<Record<string, string>>;

/** The media type a request's body must have, or `undefined` when it takes none (a body sent is then ignored). */
export type AcceptedMediaType<C extends Context> = (
  request: Request<ApiGatewayEvent, unknown, Error, C>,
) => string | undefined;

/**
 * Checks the content type against the method's media type and its charset, if any, against UTF-8 (415), rejects
 * bodies over `maxBytes` (413, counted after base64 decoding and before anything is read), decodes base64 (400 unless
 * UTF-8), rejects nesting deeper than `MAX_JSON_DEPTH` or more values than `MAX_JSON_VALUES` (400, found by a scan
 * before parsing), then parses JSON with Middy's parser (prototype keys refused) and turns its errors into this API's:
 * 400 for a missing or malformed body, 422 for a forbidden key.
 */
export const jsonRequestBody = <C extends Context>(
  acceptedOf: AcceptedMediaType<C>,
  maxBytes: number,
): MiddlewareObj<ApiGatewayEvent, unknown, Error, C> => {
  const parser = httpJsonBodyParser();
  const parse = parser.before as (request: Request<ApiGatewayEvent, unknown, Error, C>) => void;
  return {
    before: (request) => {
      const accepted = acceptedOf(request);
      if (accepted === undefined) return;
      const { body, isBase64Encoded, headers } = request.event;
      const contentType = headers?.['content-type'];
      if (!isAccepted(mediaTypeOf(contentType), accepted)) throw new UnsupportedMediaTypeError(accepted);
      // JSON is UTF-8 (RFC 8259 §8.1): a body labelled otherwise would be read as other characters than were meant.
      if (charsetsOf(contentType).some((charset) => charset !== 'utf-8')) {
        throw new UnsupportedMediaTypeError(accepted, UTF8_ONLY);
      }
      if (body != null && Buffer.byteLength(body, isBase64Encoded ? 'base64' : 'utf8') > maxBytes) {
        throw new PayloadTooLargeError(maxBytes);
      }
      if (body != null) {
        const text = textOf(body, isBase64Encoded);
        const shapeProblem = jsonShapeProblemOf(text);
        if (shapeProblem !== undefined) throw new BadRequestError(shapeProblem);
        request.event.body = text;
        request.event.isBase64Encoded = false;
      }
      try {
        parse(request);
      } catch (error) {
        if (!hasStatusCode(error)) throw error;
        if (error.statusCode === 415) throw new UnsupportedMediaTypeError(accepted);
        if (error.message === FORBIDDEN_KEY_MESSAGE) {
          throw new UnprocessableContentError([
            { path: '', message: 'Forbidden key: __proto__ or constructor.prototype' },
          ]);
        }
        throw new BadRequestError(body ? 'The request body is not valid JSON' : 'A JSON body is required');
      }
    },
  };
};
