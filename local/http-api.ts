import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { JwtAuthorizer } from '../functions/api-gateway/jwt-authorizer';
import { type CorsPolicy, preflightAnswer, withCorsHeaders } from '../lib/cors-policy';
import { toHttpApiEvent } from './http-api-event';

/** A Lambda handler as the local API invokes it. */
export type HttpApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
  options: { signal: AbortSignal },
) => Promise<APIGatewayProxyResultV2>;

/** One route of the API, as `METHOD /path/{param}`, with the scopes its authorizer requires (any one of them). */
export interface Route {
  readonly method: string;
  readonly path: string;
  readonly scopes?: readonly string[];
}

/** One answered request, as API Gateway's access log records it. */
export interface AccessLogEntry {
  readonly requestId: string;
  readonly receivedAt: Date;
  readonly method: string;
  readonly path: string;
  /** The route the request matched (`GET /api/chat-sessions/{sessionId}/config`), if any. */
  readonly routeKey?: string;
  readonly status: number;
  readonly latencyMs: number;
  /** The verified caller (the token's `sub`), once the authorizer let the request through. */
  readonly caller?: string;
  /** Why API Gateway answered itself: no route, the authorizer's refusal, a payload too large, a failed invocation. */
  readonly error?: string;
  /** The response body, when the function answered: what it says of a failure. */
  readonly body?: string;
}

export interface LocalHttpApiOptions {
  readonly routes: readonly Route[];
  readonly handler: HttpApiHandler;
  /** The JWT authorizer every route has; without one, requests reach the handler with no verified caller. */
  readonly authorizer?: JwtAuthorizer;
  /** The function's timeout, as the handler's context reports it. @default 5_000, the deployed function's */
  readonly timeoutMs?: number;
  /** Called once per answered request, refusals included. @default - nothing is logged */
  readonly accessLog?: (entry: AccessLogEntry) => void;
  /**
   * The API's CORS configuration, applied as API Gateway applies it (see `lib/cors-policy.ts`): preflights answered
   * before routes and the authorizer, the headers added to every answer to an allowed origin.
   * @default - no CORS: a preflight is an unknown route's 404, and no answer carries CORS headers
   */
  readonly cors?: CorsPolicy;
}

/** API Gateway HTTP APIs refuse payloads over 10 MB before any integration runs. */
export const API_GATEWAY_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
// API Gateway passes bodies of these types as text when they are UTF-8; anything else arrives base64-encoded.
const TEXT_CONTENT_TYPE =
  /^(text\/|application\/([\w.+-]+\+)?(json|xml|javascript|x-www-form-urlencoded)\b)/i;

const matcherOf = (path: string) =>
  new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`);

/** API Gateway's own answers that the local API gives too: `{"message": …}` in JSON. */
export const API_GATEWAY_MESSAGES = {
  400: 'Bad Request',
  404: 'Not Found',
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
} as const;

const readBody = async (req: IncomingMessage): Promise<Buffer | undefined> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > API_GATEWAY_MAX_PAYLOAD_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
};

const headersOf = (req: IncomingMessage): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = String(req.rawHeaders[i]).toLowerCase();
    const value = String(req.rawHeaders[i + 1]);
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return headers;
};

/** A Lambda context whose deadline is `timeoutMs` from now, as the Lambda runtime gives one. */
export const lambdaContext = (timeoutMs: number): Context => {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'chat-config-local',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:chat-config-local',
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/chat-config-local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

/**
 * An HTTP server that behaves like API Gateway in front of the handler: its CORS configuration, if any (preflights
 * answered first, the headers added to every answer), route matching (404 otherwise), the JWT authorizer (401/403), the
 * 10 MB payload limit, payload format 2.0 events (the body as text when it is UTF-8 of a text type, base64-encoded
 * otherwise), and the handler's result written back as the HTTP response.
 */
export const createLocalHttpApi = ({
  routes,
  handler,
  authorizer,
  timeoutMs = 5_000,
  accessLog,
  cors,
}: LocalHttpApiOptions): Server => {
  const matchers = routes.map((route) => ({ ...route, pattern: matcherOf(route.path) }));
  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const receivedAt = new Date();
    const started = performance.now();
    const requestId = randomUUID();
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    const route = matchers.find((r) => r.method === method && r.pattern.test(path));
    const headers = headersOf(req);
    let caller: string | undefined;

    const log = (status: number, details: { error?: string; body?: string }) =>
      accessLog?.({
        requestId,
        receivedAt,
        method,
        path,
        ...(route ? { routeKey: `${route.method} ${route.path}` } : {}),
        status,
        latencyMs: performance.now() - started,
        ...(caller === undefined ? {} : { caller }),
        ...details,
      });
    /** Every answer as API Gateway sends it: its CORS headers, if any, and its request id. */
    const writeHead = (status: number, responseHeaders: Record<string, string | string[]>) =>
      res.writeHead(status, {
        ...(cors ? withCorsHeaders(cors, headers.origin, responseHeaders) : responseHeaders),
        'apigw-requestid': requestId,
      });
    const answer = (
      status: number,
      body: string,
      responseHeaders: Record<string, string>,
      logged: { error?: string },
    ) => {
      writeHead(status, responseHeaders);
      res.end(body);
      log(status, logged);
    };
    const refuse = (status: keyof typeof API_GATEWAY_MESSAGES, why?: string) => {
      const message = API_GATEWAY_MESSAGES[status];
      answer(
        status,
        JSON.stringify({ message }),
        { 'content-type': 'application/json' },
        {
          error: why === undefined ? message : `${message}: ${why}`,
        },
      );
    };

    try {
      // A preflight is API Gateway's to answer, whatever the path, before any route or authorizer.
      const preflight = cors && preflightAnswer(cors, method, headers);
      if (preflight) {
        res.writeHead(preflight.statusCode, { ...preflight.headers, 'apigw-requestid': requestId });
        res.end();
        return log(preflight.statusCode, {});
      }
      if (!route) return refuse(404);

      const authorization = await authorizer?.(headers.authorization, route.scopes ?? []);
      if (authorization?.allowed === false) {
        return answer(authorization.statusCode, authorization.body, authorization.headers, {
          error: authorization.reason,
        });
      }
      caller = authorization?.context.claims.sub;

      let body: Buffer | undefined;
      try {
        body = await readBody(req);
      } catch {
        // The client went away before its body was in: there is nothing to invoke, nor anybody to answer.
        res.destroy();
        return;
      }
      if (!body) return refuse(413);

      // Bytes that are not UTF-8 reach the function as they came, never with U+FFFD in place of the bad ones.
      const isText = TEXT_CONTENT_TYPE.test(headers['content-type'] ?? '') && isUtf8(body);
      let pathParameters: Record<string, string>;
      try {
        pathParameters = Object.fromEntries(
          Object.entries(route.pattern.exec(path)?.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]),
        );
      } catch {
        return refuse(400, 'the path is not valid percent-encoding');
      }
      const event = toHttpApiEvent({
        method,
        url,
        routePath: route.path,
        pathParameters,
        headers,
        ...(body.length > 0
          ? { body: body.toString(isText ? 'utf8' : 'base64'), isBase64Encoded: !isText }
          : {}),
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        requestId,
        receivedAt,
        ...(authorization?.allowed ? { authorizer: authorization.context } : {}),
      });

      // A handler that throws is a failed invocation: the catch below answers API Gateway's own 500.
      const result = await handler(event, lambdaContext(timeoutMs), { signal: new AbortController().signal });
      if (typeof result === 'string') return answer(200, result, { 'content-type': 'application/json' }, {});
      const responseBody = result.isBase64Encoded
        ? Buffer.from(result.body ?? '', 'base64')
        : (result.body ?? '');
      writeHead(result.statusCode ?? 200, {
        ...(result.headers as Record<string, string> | undefined),
        ...(result.cookies?.length ? { 'set-cookie': result.cookies } : {}),
      });
      res.end(responseBody);
      log(result.statusCode ?? 200, { body: responseBody.toString() });
    } catch (error: unknown) {
      // The handler failed (Lambda would log it too).
      console.error('Invocation failed:', error);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      refuse(500, error instanceof Error ? error.name : 'the invocation failed');
    }
  };
  return createServer((req, res) => void serve(req, res));
};
