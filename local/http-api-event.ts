import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { claimsAsPassedOn, type JwtAuthorizerContext } from '../functions/api-gateway/jwt-authorizer';
import { CHAT_CONFIG_PATH } from '../functions/chat-config/routes';

export type { JwtAuthorizerContext };

/** What an HTTP request is made of, as API Gateway sees it. */
export interface HttpApiRequest {
  readonly method: string;
  /** Path as sent, percent-encoding kept; the query string may follow a `?`. */
  readonly url: string;
  /** Route key template this request matched, e.g. `/api/chat-sessions/{sessionId}/config`. */
  readonly routePath: string;
  readonly pathParameters?: Record<string, string>;
  /** Header names in any case; a repeated header joined with commas. */
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  readonly sourceIp?: string;
  /** API Gateway's request id. @default - a random UUID */
  readonly requestId?: string;
  /** When API Gateway received the request. @default - now */
  readonly receivedAt?: Date;
  /** What a JWT authorizer verified, passed on to the function. @default - none: a route without authorizer */
  readonly authorizer?: JwtAuthorizerContext;
}

/** An access token as a Cognito user pool issues one, and the authorizer verified. */
export interface VerifiedAccessToken {
  readonly sub: string;
  readonly issuer: string;
  readonly clientId: string;
  /** When it was issued, in seconds since the epoch; it is valid for an hour from then. */
  readonly issuedAt: number;
  readonly scopes: readonly string[];
  readonly jti: string;
}

/** The claims of such a token, as a Cognito user pool writes them: valid for an hour, Cognito's default. */
export const accessTokenClaims = ({ sub, issuer, clientId, issuedAt, scopes, jti }: VerifiedAccessToken) => ({
  sub,
  iss: issuer,
  client_id: clientId,
  token_use: 'access',
  scope: scopes.join(' '),
  auth_time: issuedAt,
  iat: issuedAt,
  exp: issuedAt + 3600,
  jti,
  username: sub,
});

/** What API Gateway's JWT authorizer passes on to the function for that token. */
export const authorizerContextOf = (token: VerifiedAccessToken): JwtAuthorizerContext => ({
  claims: claimsAsPassedOn(accessTokenClaims(token)),
  scopes: [...token.scopes],
});

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** API Gateway's `requestContext.time` format, e.g. `26/Nov/2026:04:41:20 +0000`. */
export const requestTime = (d: Date) =>
  `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
  `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;

/**
 * Builds an API Gateway HTTP API event (payload format 2.0), the one factory for the local API, the tests and the
 * sample events: what reaches the handler locally is shaped exactly like what API Gateway sends.
 */
export const toHttpApiEvent = (request: HttpApiRequest): APIGatewayProxyEventV2 => {
  const method = request.method.toUpperCase();
  const [rawPath = '', rawQueryString = ''] = request.url.split(/\?(.*)/s);
  const headers = Object.fromEntries(
    Object.entries(request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const { cookie, ...headersWithoutCookie } = headers;
  const query = new URLSearchParams(rawQueryString);
  const now = request.receivedAt ?? new Date();
  const routeKey = `${method} ${request.routePath}`;
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    ...(cookie ? { cookies: cookie.split(/;\s*/) } : {}),
    headers: headersWithoutCookie,
    // API Gateway joins a repeated query parameter's values with commas.
    ...(query.size > 0
      ? {
          queryStringParameters: Object.fromEntries(
            [...query.keys()].map((k) => [k, query.getAll(k).join(',')]),
          ),
        }
      : {}),
    ...(request.pathParameters ? { pathParameters: request.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: request.requestId ?? randomUUID(),
      routeKey,
      stage: '$default',
      time: requestTime(now),
      timeEpoch: now.getTime(),
      ...(request.authorizer
        ? { authorizer: { jwt: { claims: request.authorizer.claims, scopes: request.authorizer.scopes } } }
        : {}),
    },
    ...(request.body === undefined ? {} : { body: request.body }),
    isBase64Encoded: request.isBase64Encoded ?? false,
  };
};

/** A request to the chat-config route: the path and its parameter follow from `sessionId`. */
export interface ChatConfigRequest extends Omit<HttpApiRequest, 'url' | 'routePath' | 'pathParameters'> {
  /** Sent percent-encoded in the path, and decoded as the path parameter; `null` leaves the parameter out. */
  readonly sessionId: string | null;
}

/** An HTTP API event for the chat-config route, as API Gateway would send it for `sessionId`. */
export const toChatConfigEvent = ({ sessionId, ...request }: ChatConfigRequest): APIGatewayProxyEventV2 =>
  toHttpApiEvent({
    ...request,
    url: CHAT_CONFIG_PATH.replace('{sessionId}', encodeURIComponent(sessionId ?? '')),
    routePath: CHAT_CONFIG_PATH,
    ...(sessionId === null ? {} : { pathParameters: { sessionId } }),
  });
