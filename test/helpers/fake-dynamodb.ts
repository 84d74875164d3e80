import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A stand-in for DynamoDB on loopback, for what DynamoDB Local cannot be made to do; it counts the requests. */
export interface FakeDynamoDb {
  readonly endpoint: string;
  /** How many requests reached it (the SDK's attempts). */
  readonly requests: () => number;
  close(): Promise<void>;
}

/** Serves the `request`-th request (from 1). */
type Serve = (req: IncomingMessage, res: ServerResponse, request: number) => void;

/** Reads the whole request, then answers. */
const afterBody =
  (answer: (res: ServerResponse, request: number) => void): Serve =>
  (req, res, request) => {
    req.resume();
    req.on('end', () => answer(res, request));
  };

const startFakeDynamoDb = async (serve: Serve): Promise<FakeDynamoDb> => {
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    serve(req, res, requests);
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
};

/** Answers as DynamoDB does when it throttles: its wire format (JSON 1.0 protocol, HTTP 400). */
const throttle = (res: ServerResponse, request: number) => {
  res.writeHead(400, {
    'content-type': 'application/x-amz-json-1.0',
    'x-amzn-requestid': `throttled-${request}`,
  });
  res.end(
    JSON.stringify({
      __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
      message: 'The level of configured provisioned throughput for the table was exceeded.',
    }),
  );
};

/** Throttles every request, as DynamoDB Local never does. */
export const startThrottlingDynamoDb = (): Promise<FakeDynamoDb> => startFakeDynamoDb(afterBody(throttle));

/**
 * A proxy on the transport to a real DynamoDB (Local) that throttles the requests `throttles` picks (by their number,
 * from 1) and passes the others on unchanged: throttling where DynamoDB Local never throttles.
 */
export const startThrottlingProxy = (
  target: string,
  throttles: (request: number) => boolean,
): Promise<FakeDynamoDb> => {
  const { hostname, port } = new URL(target);
  const throttled = afterBody(throttle);
  return startFakeDynamoDb((req, res, request) => {
    if (throttles(request)) return throttled(req, res, request);
    const upstream = httpRequest(
      { hostname, port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
};

/**
 * Reads every request and never answers. A frozen DynamoDB Local does the same; this one also counts the attempts
 * that reach it, so a test can tell whether the client kept retrying.
 */
export const startSilentDynamoDb = (): Promise<FakeDynamoDb> => startFakeDynamoDb(afterBody(() => undefined));

/** An endpoint that refuses connections: port 1 (tcpmux) on loopback, where nothing listens, unlike a "free" port
 * that a parallel test may take between the check and the use. */
export const REFUSING_ENDPOINT = 'http://127.0.0.1:1';
