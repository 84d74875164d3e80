import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A stand-in for DynamoDB on loopback, for what DynamoDB Local cannot be made to do; it counts the requests. */
export interface FakeDynamoDb {
  readonly endpoint: string;
  /** How many requests reached it (the SDK's attempts). */
  readonly requests: () => number;
  close(): Promise<void>;
}

const startFakeDynamoDb = async (
  answer: (res: ServerResponse, request: number) => void,
): Promise<FakeDynamoDb> => {
  let requests = 0;
  const server = createServer((req: IncomingMessage, res) => {
    requests += 1;
    const request = requests;
    req.resume();
    req.on('end', () => answer(res, request));
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

/** Throttles every request, as DynamoDB Local never does: DynamoDB's wire format (JSON 1.0 protocol, HTTP 400). */
export const startThrottlingDynamoDb = (): Promise<FakeDynamoDb> =>
  startFakeDynamoDb((res, request) => {
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
  });

/**
 * Reads every request and never answers. A frozen DynamoDB Local does the same; this one also counts the attempts
 * that reach it, so a test can tell whether the client kept retrying.
 */
export const startSilentDynamoDb = (): Promise<FakeDynamoDb> => startFakeDynamoDb(() => undefined);

/** An endpoint that refuses connections: port 1 (tcpmux) on loopback, where nothing listens, unlike a "free" port
 * that a parallel test may take between the check and the use. */
export const REFUSING_ENDPOINT = 'http://127.0.0.1:1';
