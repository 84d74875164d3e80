import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A stand-in for DynamoDB on loopback that throttles every request, as DynamoDB Local cannot be made to. */
export interface ThrottlingDynamoDb {
  readonly endpoint: string;
  /** How many requests reached it (the SDK's attempts). */
  readonly requests: () => number;
  close(): Promise<void>;
}

export const startThrottlingDynamoDb = async (): Promise<ThrottlingDynamoDb> => {
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    req.resume();
    req.on('end', () => {
      // The wire format of DynamoDB's throttling error (JSON 1.0 protocol, HTTP 400).
      res.writeHead(400, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': `throttled-${requests}`,
      });
      res.end(
        JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
          message: 'The level of configured provisioned throughput for the table was exceeded.',
        }),
      );
    });
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
