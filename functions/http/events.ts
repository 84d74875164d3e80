import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult } from 'aws-lambda';

/** What API Gateway sends: an HTTP API event (payload 2.0) or a REST API event (payload 1.0). */
export type ApiGatewayEvent = APIGatewayProxyEventV2 | APIGatewayProxyEvent;

/** What both payload versions accept back. */
export type ApiGatewayResult = APIGatewayProxyResult;

/** The HTTP method, whichever payload version carried it. */
export const methodOf = (event: ApiGatewayEvent): string =>
  'httpMethod' in event ? event.httpMethod : event.requestContext.http.method;

/** API Gateway's own id for the request (the `apigw-requestid` clients see). */
export const requestIdOf = (event: ApiGatewayEvent): string => event.requestContext.requestId;

/** A JSON response that no cache may keep. */
export const jsonResponse = (
  statusCode: number,
  body: unknown,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): ApiGatewayResult => ({
  statusCode,
  headers: { 'content-type': contentType, 'cache-control': 'no-store', ...headers },
  body: JSON.stringify(body),
});

/**
 * Largest size of a request's header values, in bytes: API Gateway's own limit (10,240 with the request line), applied
 * again behind any other front (a REST API, `sam local`, a direct invocation).
 */
export const MAX_HEADER_VALUE_BYTES = 10_240;

/**
 * The size of a request's header values, in bytes of UTF-8: what API Gateway's HTTP APIs cap at 10,240 (with the
 * request line) before the function runs.
 */
export const headerValueBytesOf = (event: ApiGatewayEvent): number => {
  let bytes = 0;
  for (const value of Object.values(event.headers ?? {})) bytes += Buffer.byteLength(value ?? '', 'utf8');
  return bytes;
};
