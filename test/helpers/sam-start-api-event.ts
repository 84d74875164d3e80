import { randomUUID } from 'node:crypto';
import { CHAT_CONFIG_PATH } from '../../functions/chat-config/routes';
import { requestTime } from '../../local/http-api-event';

/** A request as a client sends it to `sam local start-api`. */
export interface SamStartApiRequest {
  readonly method: string;
  readonly sessionId: string;
  /** Header names as the client writes them. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** The query string, without its `?`. @default '' */
  readonly query?: string;
  /** The port start-api listens on. @default 3000 */
  readonly port?: number;
}

// SAM CLI's request context takes its request id and time from default arguments, which Python evaluates once: every
// event of one start-api process carries the same ones.
const SAM_PROCESS = { requestId: randomUUID(), startedAt: new Date() };

/**
 * The HTTP API payload 2.0 event SAM CLI's `start-api` sends the function for a request to the chat-config route, as
 * its `construct_v2_event_http` builds one: header names as Flask gives them (capitalized) plus `X-Forwarded-Proto`
 * and `X-Forwarded-Port`, the path decoded, the cookies from `Cookie`, the body as a string (empty without one),
 * `stageVariables` null, SAM's fixed account and API ids and user agent, one request id and time per process, and no
 * `authorizer` in the request context: SAM CLI runs no JWT authorizer.
 */
export const samStartApiEvent = ({
  method,
  sessionId,
  headers = {},
  body,
  query = '',
  port = 3000,
}: SamStartApiRequest) => {
  const path = CHAT_CONFIG_PATH.replace('{sessionId}', sessionId);
  const routeKey = `${method} ${CHAT_CONFIG_PATH}`;
  const parameters = new URLSearchParams(query);
  const cookie = Object.entries(headers).find(([name]) => name.toLowerCase() === 'cookie')?.[1];
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: query,
    cookies: cookie === undefined ? [] : cookie.split(/;\s*/),
    headers: {
      Host: `127.0.0.1:${port}`,
      'User-Agent': 'curl/8.5.0',
      Accept: '*/*',
      ...(body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) }),
      ...headers,
      'X-Forwarded-Proto': 'http',
      'X-Forwarded-Port': String(port),
    },
    requestContext: {
      accountId: '123456789012',
      apiId: '1234567890',
      http: {
        method,
        path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'Custom User Agent String',
      },
      requestId: SAM_PROCESS.requestId,
      routeKey,
      stage: '$default',
      time: requestTime(SAM_PROCESS.startedAt),
      timeEpoch: Math.floor(SAM_PROCESS.startedAt.getTime() / 1000),
      domainName: 'localhost',
      domainPrefix: 'localhost',
    },
    body: body ?? '',
    pathParameters: { sessionId },
    stageVariables: null,
    isBase64Encoded: false,
    ...(parameters.size > 0
      ? {
          queryStringParameters: Object.fromEntries(
            [...parameters.keys()].map((key) => [key, parameters.getAll(key).join(',')]),
          ),
        }
      : {}),
  };
};
