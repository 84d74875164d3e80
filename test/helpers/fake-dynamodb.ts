import { once } from 'node:events';
import { createServer, request as httpRequest, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';

/** A proxy on loopback in front of a real DynamoDB (Local), for what DynamoDB Local cannot be made to do. */
export interface DynamoDbProxy {
  readonly endpoint: string;
  /** How many requests reached it (the SDK's attempts). */
  readonly requests: () => number;
  close(): Promise<void>;
}

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

/**
 * Starts a proxy to `target` that counts the requests (the SDK's attempts), answers those `throttles` picks (by their
 * number, from 1) as a throttling DynamoDB, which DynamoDB Local never is, and passes the others on unchanged.
 */
export const startDynamoDbProxy = async (
  target: string,
  { throttles = () => false }: { throttles?: (request: number) => boolean } = {},
): Promise<DynamoDbProxy> => {
  const { hostname, port: targetPort } = new URL(target);
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    const request = requests;
    if (throttles(request)) {
      req.resume();
      req.on('end', () => throttle(res, request));
      return;
    }
    // No shared agent: the proxy's connections to DynamoDB end with each request, not after the proxy is closed.
    const upstream = httpRequest(
      { hostname, port: targetPort, method: req.method, path: req.url, headers: req.headers, agent: false },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
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

/** An endpoint that refuses connections: port 1 (tcpmux) on loopback, where nothing listens, unlike a "free" port
 * that a parallel test may take between the check and the use. */
export const REFUSING_ENDPOINT = 'http://127.0.0.1:1';

/**
 * Starts an endpoint that accepts connections and never answers: a DynamoDB behind a dead network, for what DynamoDB
 * Local (shared by the run's test files, so not to be frozen) cannot be made to do.
 */
export const startSilentEndpoint = async (): Promise<{ readonly endpoint: string; close(): void }> => {
  const sockets: Socket[] = [];
  const server = createTcpServer((socket) => sockets.push(socket)).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
};
