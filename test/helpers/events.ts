import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { ALL_SCOPES, CHAT_CONFIG_PATH } from '../../functions/chat-config/routes';
import { lambdaContext } from '../../local/http-api';
import {
  authorizerContextOf,
  type JwtAuthorizerContext,
  toChatConfigEvent,
} from '../../local/http-api-event';

export interface TestRequest {
  readonly method?: string;
  /** Becomes the path parameter as API Gateway would decode it; `null` leaves it out of the event. */
  readonly sessionId?: string | null;
  /** An object is sent as its JSON; a string as is. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly isBase64Encoded?: boolean;
  /**
   * The user the authorizer verified (`sub`), with both scopes; `null`: a request that reached the function without
   * an authorizer. @default TEST_CALLER
   */
  readonly caller?: string | null;
}

/** The user test requests come from unless they say otherwise; the test sessions belong to them. */
export const TEST_CALLER = 'alice';

/** What API Gateway's JWT authorizer would pass on for a valid token of `sub` with both scopes. */
export const authorizerContextFor = (sub: string): JwtAuthorizerContext =>
  authorizerContextOf({
    sub,
    issuer: 'https://issuer.example.com',
    clientId: 'test-client',
    issuedAt: Math.floor(Date.now() / 1000),
    scopes: ALL_SCOPES,
    jti: randomUUID(),
  });

const bodyText = (body: unknown): string | undefined =>
  body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);

/** An HTTP API (payload 2.0) event for the config route, JSON by default. */
export const createHttpApiEvent = ({
  method = 'POST',
  sessionId = 'session-1',
  body,
  headers = { 'content-type': 'application/json' },
  isBase64Encoded = false,
  caller = TEST_CALLER,
}: TestRequest = {}): APIGatewayProxyEventV2 => {
  const text = bodyText(body);
  return toChatConfigEvent({
    method,
    sessionId,
    headers,
    ...(caller === null ? {} : { authorizer: authorizerContextFor(caller) }),
    ...(text === undefined ? {} : { body: text, isBase64Encoded }),
  });
};

/** A REST API (payload 1.0) event for the same route, as an existing REST API would send it. */
export const createRestApiEvent = ({
  method = 'POST',
  sessionId = 'session-1',
  body,
  headers = { 'Content-Type': 'application/json' },
  isBase64Encoded = false,
  caller = TEST_CALLER,
}: TestRequest = {}): APIGatewayProxyEvent => {
  // REST events carry the path decoded.
  const path = CHAT_CONFIG_PATH.replace('{sessionId}', String(sessionId));
  return {
    resource: CHAT_CONFIG_PATH,
    path,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: sessionId === null ? null : { sessionId },
    stageVariables: null,
    body: bodyText(body) ?? null,
    isBase64Encoded,
    requestContext: {
      accountId: '000000000000',
      apiId: 'rest',
      // A REST API's Cognito user pool authorizer passes the claims without the `jwt` level.
      authorizer: caller === null ? null : { claims: authorizerContextFor(caller).claims },
      protocol: 'HTTP/1.1',
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '127.0.0.1',
        user: null,
        userAgent: 'jest',
        userArn: null,
      },
      path: `/prod${path}`,
      stage: 'prod',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'abc123',
      resourcePath: CHAT_CONFIG_PATH,
    },
  };
};

/** A Lambda context whose deadline is `timeoutMs` away. */
export const createContext = (timeoutMs = 10_000): Context => lambdaContext(timeoutMs);

/** Options Middy passes as the handler's third argument. */
export const invokeOptions = () => ({ signal: new AbortController().signal });
