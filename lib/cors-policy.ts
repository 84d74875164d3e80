import { CHAT_CONFIG_METHODS } from '../functions/chat-config/routes';
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER } from '../functions/http/idempotency-key';

/**
 * The API's CORS policy, and how API Gateway HTTP APIs apply a CORS configuration: one module for the construct, which
 * writes the policy into the API's `CorsConfiguration`, and for the local API, which answers as API Gateway then does.
 * It imports no CDK, so that `npm start` loads none.
 *
 * What API Gateway does, as its developer guide ("Configure CORS for HTTP APIs") says: it answers a preflight itself,
 * even without an OPTIONS route, so before routes and authorizers; a preflight is an `OPTIONS` request with `Origin`
 * and `Access-Control-Request-Method`; it adds the CORS headers to the integration's answer, and ignores the ones the
 * integration returns. The rest, which the guide leaves unsaid, is assumed here: a preflight is a 204 without a body,
 * on any path; it carries the CORS headers only when the origin, the method and every requested header are allowed; an
 * allowed origin is echoed as sent (`*` when any is allowed); every answer to a request from an allowed origin carries
 * them, API Gateway's own refusals included; no `Vary` is added.
 */

/** What the API allows browsers on other origins, as an HTTP API's CORS configuration holds it. */
export interface CorsPolicy {
  /** Exact origins (`https://app.example.com`), or `['*']` for any. */
  readonly allowOrigins: readonly string[];
  readonly allowMethods: readonly string[];
  /** Lower-case header names a request may carry. */
  readonly allowHeaders: readonly string[];
  /** Lower-case header names of a response that scripts may read. */
  readonly exposeHeaders: readonly string[];
  /** How long a browser may keep a preflight's answer. */
  readonly maxAgeSeconds: number;
}

/**
 * The chat-config API's policy but its origins: its methods; a token, a JSON body, the conditions and an idempotency
 * key in; the version, when to retry, why a token was refused and whether an answer was replayed, out. A preflight is
 * kept an hour: browsers cap it lower anyway (Chromium at 2 hours, Firefox at 24).
 */
export const CHAT_CONFIG_CORS: Omit<CorsPolicy, 'allowOrigins'> = {
  allowMethods: CHAT_CONFIG_METHODS,
  allowHeaders: ['authorization', 'content-type', 'if-match', 'if-none-match', IDEMPOTENCY_KEY_HEADER],
  exposeHeaders: ['etag', 'retry-after', 'www-authenticate', IDEMPOTENT_REPLAYED_HEADER],
  maxAgeSeconds: 3600,
};

/** The chat-config API's policy for these origins, or `undefined` (no CORS) when there are none. */
export const chatConfigCorsPolicy = (allowOrigins: readonly string[]): CorsPolicy | undefined =>
  allowOrigins.length === 0 ? undefined : { ...CHAT_CONFIG_CORS, allowOrigins };

const ANY_ORIGIN = '*';

const isOrigin = (value: string): boolean => {
  const url = URL.parse(value);
  return (
    url !== null && /^https?:$/.test(url.protocol) && !url.hostname.includes('*') && url.origin === value
  );
};

/**
 * Why `origins` cannot be the allowed origins, as the rest of a sentence naming them, or `undefined` if they can: each
 * an exact http(s) origin as browsers send it (a lower-case host, no path, no wildcard), or `*` alone. Origins for which
 * `isKnown` is false (values resolved only at deploy) are left unchecked.
 */
export const allowedOriginsProblem = (
  origins: readonly string[],
  isKnown: (origin: string) => boolean = () => true,
): string | undefined => {
  const wrong = origins
    .filter(isKnown)
    .find((origin) => (origin === ANY_ORIGIN ? origins.length > 1 : !isOrigin(origin)));
  return wrong === undefined
    ? undefined
    : `must hold origins such as "https://app.example.com" (http or https, a lower-case host without wildcards, no path), or only "*"; "${wrong}" is not allowed`;
};

/** Request headers by lower-case name, as the local API reads them. */
type RequestHeaders = Readonly<Record<string, string | undefined>>;

/** The `Access-Control-Allow-Origin` the policy gives a request from `origin`, or `undefined` if none. */
const allowedOriginFor = (policy: CorsPolicy, origin: string | undefined): string | undefined => {
  if (origin === undefined) return undefined;
  if (policy.allowOrigins.includes(ANY_ORIGIN)) return ANY_ORIGIN;
  return policy.allowOrigins.includes(origin) ? origin : undefined;
};

/** The answer to a preflight: its status and headers, without a body. */
export interface PreflightAnswer {
  readonly statusCode: 204;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * API Gateway's own answer to a request that is a preflight (`OPTIONS` with `Origin` and
 * `Access-Control-Request-Method`), whatever its path, or `undefined` for any other request, which goes on to the
 * routes. The CORS headers come only when the origin, the method and every requested header are allowed; without them
 * the browser refuses the request it asked about.
 */
export const preflightAnswer = (
  policy: CorsPolicy,
  method: string,
  headers: RequestHeaders,
): PreflightAnswer | undefined => {
  const requestedMethod = headers['access-control-request-method'];
  if (method !== 'OPTIONS' || headers.origin === undefined || requestedMethod === undefined) return undefined;
  const allowOrigin = allowedOriginFor(policy, headers.origin);
  const requestedHeaders = (headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const allowed =
    allowOrigin !== undefined &&
    policy.allowMethods.includes(requestedMethod.trim()) &&
    requestedHeaders.every((name) => policy.allowHeaders.includes(name));
  return {
    statusCode: 204,
    headers: allowed
      ? {
          'access-control-allow-origin': allowOrigin,
          'access-control-allow-methods': policy.allowMethods.join(','),
          'access-control-allow-headers': policy.allowHeaders.join(','),
          'access-control-max-age': String(policy.maxAgeSeconds),
        }
      : {},
  };
};

/**
 * An answer's headers as API Gateway sends them under the policy: without any CORS header the integration set, and
 * with the allowed origin and the exposed headers when the request came from an allowed origin.
 */
export const withCorsHeaders = <V>(
  policy: CorsPolicy,
  requestOrigin: string | undefined,
  responseHeaders: Readonly<Record<string, V>>,
): Record<string, V | string> => {
  const headers: Record<string, V | string> = Object.fromEntries(
    Object.entries(responseHeaders).filter(([name]) => !name.toLowerCase().startsWith('access-control-')),
  );
  const allowOrigin = allowedOriginFor(policy, requestOrigin);
  if (allowOrigin !== undefined) {
    headers['access-control-allow-origin'] = allowOrigin;
    headers['access-control-expose-headers'] = policy.exposeHeaders.join(',');
  }
  return headers;
};
