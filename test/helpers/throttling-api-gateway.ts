import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { problemOf } from '../../functions/chat-config/problems';
import { StoreUnavailableError } from '../../functions/sessions/errors';

/**
 * One answer the gateway gives in place of the API's: API Gateway's throttling (429 `{"message":"Too Many
 * Requests"}`, before anything runs), or the function's 503 when DynamoDB throttles (a problem; with `landed`, the
 * request is passed on and applied first, its answer then lost: what a write answered 503 may have done).
 */
export interface ThrottledAnswer {
  readonly status: 429 | 503;
  /** The `Retry-After` header sent, if any. */
  readonly retryAfter?: string;
  /** Pass the request on to the API, and answer 503 whatever it answered. @default false */
  readonly landed?: boolean;
}

/** A request as the gateway received it. */
export interface GatewayRequest {
  readonly method: string;
  readonly idempotencyKey: string | undefined;
  /** What the gateway answered: the API's status, or the throttled answer's. */
  readonly status: number;
  /** When it arrived (`performance.now()`). */
  readonly receivedAt: number;
}

export interface ThrottlingApiGateway {
  readonly baseUrl: string;
  /** Every request received, in order. */
  readonly requests: readonly GatewayRequest[];
  /** Resolves once `count` requests have been answered. */
  answered(count: number): Promise<void>;
  close(): Promise<void>;
}

const throttledBody = (status: 429 | 503) =>
  JSON.stringify(status === 429 ? { message: 'Too Many Requests' } : problemOf(new StoreUnavailableError()));

/** Passes `req` on to the API at `upstream`, and calls `answer` with its status, headers and body. */
const passOn = (
  upstream: URL,
  req: IncomingMessage,
  answer: (status: number, headers: IncomingMessage['headers'], body: Buffer) => void,
) => {
  const forwarded = httpRequest(
    {
      hostname: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
      agent: false,
    },
    (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => answer(response.statusCode ?? 502, response.headers, Buffer.concat(chunks)));
    },
  );
  req.pipe(forwarded);
};

/**
 * A stand-in for API Gateway in front of the API at `upstream`, for what the local API cannot be made to answer on
 * demand: it answers its first requests as `script` says (one answer each, in order), and passes the rest on unchanged.
 */
export const throttlingApiGateway = async (
  upstream: string,
  script: readonly ThrottledAnswer[],
): Promise<ThrottlingApiGateway> => {
  const answers = [...script];
  const requests: GatewayRequest[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const record = (req: IncomingMessage, status: number, receivedAt: number) => {
    const key = req.headers['idempotency-key'];
    requests.push({
      method: String(req.method),
      idempotencyKey: typeof key === 'string' ? key : undefined,
      status,
      receivedAt,
    });
    for (const waiter of waiters.filter(({ count }) => requests.length >= count)) waiter.resolve();
  };
  const throttled = (
    req: IncomingMessage,
    res: ServerResponse,
    { status, retryAfter }: ThrottledAnswer,
    receivedAt: number,
  ) => {
    res.writeHead(status, {
      'content-type': status === 429 ? 'application/json' : 'application/problem+json',
      ...(retryAfter === undefined ? {} : { 'retry-after': retryAfter }),
    });
    res.end(throttledBody(status));
    record(req, status, receivedAt);
  };
  const server = createServer((req, res) => {
    const receivedAt = performance.now();
    const answer = answers.shift();
    if (answer !== undefined && !answer.landed) {
      req.resume();
      req.on('end', () => throttled(req, res, answer, receivedAt));
      return;
    }
    passOn(new URL(upstream), req, (status, headers, body) => {
      if (answer !== undefined) return throttled(req, res, answer, receivedAt);
      res.writeHead(status, headers);
      res.end(body);
      record(req, status, receivedAt);
    });
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    answered: (count) =>
      requests.length >= count
        ? Promise.resolve()
        : new Promise((resolve) => {
            waiters.push({ count, resolve });
          }),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
};
