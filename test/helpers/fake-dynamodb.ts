import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';

/** A proxy on loopback in front of a real DynamoDB (Local), for what DynamoDB Local cannot be made to do. */
export interface DynamoDbProxy {
  readonly endpoint: string;
  /** How many requests reached it (the SDK's attempts), or only those of `operation` (e.g. `UpdateItem`). */
  readonly requests: (operation?: string) => number;
  close(): Promise<void>;
}

/** A request as the proxy sees it: its DynamoDB operation (e.g. `UpdateItem`), and its number among those, from 1. */
export interface ProxiedRequest {
  readonly operation: string;
  readonly nth: number;
}

export interface DynamoDbProxyOptions {
  /** The requests (by their number, from 1) answered as a throttling DynamoDB. @default - none */
  readonly throttles?: (request: number) => boolean;
  /**
   * The requests carried out at once but answered `byMs` later: a DynamoDB slower than the client's attempt time-out.
   * The write lands, the client gives up on the attempt and may retry it. @default - none
   */
  readonly answersLate?: { readonly picks: (request: ProxiedRequest) => boolean; readonly byMs: number };
}

// The SDK names the operation in this header, e.g. `DynamoDB_20120810.UpdateItem`.
const operationOf = (req: IncomingMessage): string =>
  /\.(\w+)$/.exec(String(req.headers['x-amz-target']))?.[1] ?? '';

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
 * Starts a proxy to `target` that counts the requests (the SDK's attempts) and passes them on unchanged, but for those
 * an option picks: answered as a throttling DynamoDB, which DynamoDB Local never is, or answered late.
 */
export const startDynamoDbProxy = async (
  target: string,
  { throttles = () => false, answersLate }: DynamoDbProxyOptions = {},
): Promise<DynamoDbProxy> => {
  const { hostname, port: targetPort } = new URL(target);
  let requests = 0;
  const byOperation = new Map<string, number>();
  const heldAnswers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    requests += 1;
    const request = requests;
    const operation = operationOf(req);
    const nth = (byOperation.get(operation) ?? 0) + 1;
    byOperation.set(operation, nth);
    if (throttles(request)) {
      req.resume();
      req.on('end', () => throttle(res, request));
      return;
    }
    const late = answersLate?.picks({ operation, nth }) ? answersLate : undefined;
    // Before its answer, the response closes only when the client goes away (the SDK cutting its attempt).
    let clientGone = false;
    res.once('close', () => {
      clientGone = true;
    });
    // No shared agent: the proxy's connections to DynamoDB end with each request, not after the proxy is closed.
    // Nothing here aborts the request to DynamoDB when the client goes away: a write the client gave up on still lands.
    const upstream = httpRequest(
      { hostname, port: targetPort, method: req.method, path: req.url, headers: req.headers, agent: false },
      (answer) => {
        if (late === undefined) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const held = setTimeout(() => {
            heldAnswers.delete(held);
            if (clientGone) return;
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(chunks));
          }, late.byMs);
          heldAnswers.add(held);
        });
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: (operation) => (operation === undefined ? requests : (byOperation.get(operation) ?? 0)),
    close: async () => {
      for (const held of heldAnswers) clearTimeout(held);
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
