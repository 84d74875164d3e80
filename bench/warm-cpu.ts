/**
 * Child process of `npm run bench`: CPU per invocation, in this one process, of bundles handling the same event, with
 * the SDK's network replaced by the canned transport. Rounds alternate the bundles, so that drift hits each alike.
 * Input: a JSON `WarmCpuInput` in argv[2]. Output: a `WarmCpuResult` sent to the parent.
 */
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { lambdaContext } from '../local/http-api';
import { installCannedDynamoDbTransport } from './canned-dynamodb-transport';
import { type Handler, importHandler } from './lambda';
import { medians, rotated } from './stats';

export interface WarmCpuInput {
  /** Bundle files by name. */
  readonly bundles: Record<string, string>;
  readonly eventFile: string;
  readonly rounds: number;
  readonly invocationsPerRound: number;
  readonly warmUpInvocations: number;
}

export interface WarmCpuResult {
  /** CPU time (user + system) per invocation, µs: each round's, by bundle. */
  readonly microsecondsPerInvocation: Record<string, number[]>;
  /** Each bundle's median. */
  readonly median: Record<string, number>;
}

const input = JSON.parse(process.argv[2] ?? '{}') as WarmCpuInput;
const transport = installCannedDynamoDbTransport();
const event = JSON.parse(readFileSync(input.eventFile, 'utf8')) as APIGatewayProxyEventV2;
// One context for all: a deadline far away, as for a function well inside its timeout.
const context = lambdaContext(3_600_000);

const handlers: Record<string, Handler> = {};
for (const [name, file] of Object.entries(input.bundles)) {
  handlers[name] = await importHandler(file);
}

/** Invokes `handler` on each event (a fresh copy each: Middy's body parser writes into the event). */
const invoke = async (name: string, events: readonly APIGatewayProxyEventV2[]) => {
  const handler = handlers[name] as Handler;
  for (const event of events) {
    const result = await handler(event, context);
    if (result.statusCode !== 200) {
      throw new Error(`${name} answered ${result.statusCode} on the canned transport: ${result.body}`);
    }
  }
};

const copies = (count: number) => Array.from({ length: count }, () => structuredClone(event));

const names = Object.keys(handlers);
for (const name of names) await invoke(name, copies(input.warmUpInvocations));

const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
for (let round = 0; round < input.rounds; round += 1) {
  for (const name of rotated(names, round)) {
    const events = copies(input.invocationsPerRound);
    const before = process.cpuUsage();
    await invoke(name, events);
    const { user, system } = process.cpuUsage(before);
    samples[name]?.push((user + system) / input.invocationsPerRound);
  }
}

const expected = names.length * (input.warmUpInvocations + input.rounds * input.invocationsPerRound);
const requests = Object.fromEntries(transport.counts);
if (requests['DynamoDB_20120810.UpdateItem'] !== expected || Object.keys(requests).length !== 1) {
  throw new Error(
    `Expected ${expected} UpdateItem requests and nothing else, got ${JSON.stringify(requests)}`,
  );
}
const result: WarmCpuResult = {
  microsecondsPerInvocation: samples,
  median: medians(samples),
};
process.send?.(result);
