/**
 * Child process of `npm run bench`: one bundle, in a process of its own, handling the sample event as often as the
 * parent asks (bench/warm-cpu-rounds.ts), and the CPU time this process spent per invocation. A process of its own:
 * what a bundle installs for the whole process (the X-Ray SDK's async hooks run on every promise) costs it alone.
 * On the canned transport, or on real sockets to the DynamoDB Local that AWS_ENDPOINT_URL_DYNAMODB (and, for ours,
 * DYNAMODB_ENDPOINT) names.
 *
 * Input: a JSON `WarmCpuInput` in argv[2]. It sends `{ ready: true }` once the bundle is loaded, then answers each
 * `WarmCpuRequest` in turn; after `finish`, it exits.
 */
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { lambdaContext } from '../local/http-api';
import { installCannedDynamoDbTransport } from './canned-dynamodb-transport';
import { importHandler } from './lambda';

export type WarmCpuTransport = 'canned' | 'sockets';

export interface WarmCpuInput {
  readonly bundle: string;
  readonly eventFile: string;
  readonly transport: WarmCpuTransport;
}

/** Run `invocations` more and answer a `WarmCpuBatch`; or answer a `WarmCpuFinish` and exit. */
export type WarmCpuRequest = { readonly invocations: number } | { readonly finish: true };

export interface WarmCpuBatch {
  /** CPU time (user + system) of this process per invocation, µs. */
  readonly microsecondsPerInvocation: number;
}

export interface WarmCpuFinish {
  readonly invocations: number;
  /** On the canned transport, the requests it answered, by `X-Amz-Target`: as many UpdateItem as invocations. */
  readonly requests?: Record<string, number>;
}

const input = JSON.parse(process.argv[2] ?? '{}') as WarmCpuInput;
const transport = input.transport === 'canned' ? installCannedDynamoDbTransport() : undefined;
const event = JSON.parse(readFileSync(input.eventFile, 'utf8')) as APIGatewayProxyEventV2;
// One context for all: a deadline far away, as for a function well inside its timeout.
const context = lambdaContext(3_600_000);
const handler = await importHandler(input.bundle);
let invocations = 0;

/** Invokes the handler `count` times, one after the other, each on a fresh copy of the event (Middy writes into it). */
const batch = async (count: number): Promise<WarmCpuBatch> => {
  const events = Array.from({ length: count }, () => structuredClone(event));
  const before = process.cpuUsage();
  for (const copy of events) {
    const result = await handler(copy, context);
    if (result.statusCode !== 200) {
      const where = input.transport === 'canned' ? 'the canned transport' : 'DynamoDB Local';
      throw new Error(`${input.bundle} answered ${result.statusCode} on ${where}: ${result.body}`);
    }
  }
  const { user, system } = process.cpuUsage(before);
  invocations += count;
  return { microsecondsPerInvocation: (user + system) / count };
};

const finish = (): WarmCpuFinish => {
  if (transport === undefined) return { invocations };
  const requests = Object.fromEntries(transport.counts);
  if (requests['DynamoDB_20120810.UpdateItem'] !== invocations || Object.keys(requests).length !== 1) {
    throw new Error(
      `Expected ${invocations} UpdateItem requests and nothing else, got ${JSON.stringify(requests)}`,
    );
  }
  return { invocations, requests };
};

// One request at a time, in the order sent; a failure ends the process, which the parent sees.
let previous = Promise.resolve();
process.on('message', (request: WarmCpuRequest) => {
  previous = previous.then(async () => {
    if ('finish' in request) {
      // Exits once the answer is sent: the keep-alive sockets and the SDK's timers need not be waited for.
      process.send?.(finish(), () => process.exit(0));
      return;
    }
    process.send?.(await batch(request.invocations));
  });
});
process.send?.({ ready: true });
