/**
 * Child process of `npm run bench`: throughput and latency against DynamoDB Local, of a raw DocumentClient
 * `UpdateCommand` making the same write as ours (set the config, count the version, stamp the time, on the owner's
 * session only) and of our bundled handler, invoked in this process with the sample `POST` event. Each worker keeps
 * one request in flight on its own session; rounds alternate raw and ours.
 * Input: a JSON `ThroughputInput` in argv[2]. Output: a `ThroughputResult` sent to the parent.
 */
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { lambdaContext } from '../local/http-api';
import { importHandler } from './lambda';
import { median, quantile, rotated } from './stats';

export interface ThroughputInput {
  readonly endpoint: string;
  readonly tableName: string;
  readonly ownerAttribute: string;
  readonly oursFile: string;
  readonly eventFile: string;
  readonly concurrencies: readonly number[];
  readonly rounds: number;
  readonly roundMs: number;
  /** Unmeasured load before each concurrency's rounds, per side; three times as long at first. */
  readonly warmUpMs: number;
}

/** One side at one concurrency: requests per second, p50 and p99 latency (ms), each round's and their medians. */
export interface ThroughputFigures {
  readonly perSecond: number[];
  readonly p50Ms: number[];
  readonly p99Ms: number[];
  readonly median: { readonly perSecond: number; readonly p50Ms: number; readonly p99Ms: number };
}

export type Side = 'raw' | 'ours';

/** By concurrency, then by side. */
export type ThroughputResult = Record<string, Record<Side, ThroughputFigures>>;

const input = JSON.parse(process.argv[2] ?? '{}') as ThroughputInput;
const sample = JSON.parse(readFileSync(input.eventFile, 'utf8')) as APIGatewayProxyEventV2 & {
  requestContext: { authorizer: { jwt: { claims: Record<string, string> } } };
};
const caller = sample.requestContext.authorizer.jwt.claims.sub ?? '';
const { config } = JSON.parse(sample.body ?? '{}') as { config: Record<string, unknown> };
const context = lambdaContext(3_600_000);

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: input.endpoint }));
const handler = await importHandler(input.oursFile);

const sessionOf = (side: Side, worker: number) => `bench-${side}-${worker}`;
const workers = Math.max(...input.concurrencies);
for (const side of ['raw', 'ours'] as const) {
  for (let worker = 0; worker < workers; worker += 1) {
    await documents.send(
      new PutCommand({
        TableName: input.tableName,
        Item: { sessionId: sessionOf(side, worker), [input.ownerAttribute]: caller },
      }),
    );
  }
}

/** The raw command: what a caller builds and sends for each write. */
const raw = (worker: number) => () =>
  documents.send(
    new UpdateCommand({
      TableName: input.tableName,
      Key: { sessionId: sessionOf('raw', worker) },
      UpdateExpression:
        'SET #version = if_not_exists(#version, :zero) + :one, #updatedAt = :updatedAt, #config = :config',
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: {
        '#owner': input.ownerAttribute,
        '#version': 'configVersion',
        '#updatedAt': 'updatedAt',
        '#config': 'config',
      },
      ExpressionAttributeValues: {
        ':owner': caller,
        ':zero': 0,
        ':one': 1,
        ':updatedAt': new Date().toISOString(),
        ':config': config,
      },
      ReturnValues: 'UPDATED_OLD',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }),
  );

/** The event API Gateway would send for each worker's session. */
const eventOf = (worker: number): APIGatewayProxyEventV2 => {
  const sessionId = sessionOf('ours', worker);
  const path = sample.rawPath.replace(/\/chat-sessions\/[^/]+\//, `/chat-sessions/${sessionId}/`);
  return {
    ...sample,
    rawPath: path,
    pathParameters: { sessionId },
    requestContext: { ...sample.requestContext, http: { ...sample.requestContext.http, path } },
  };
};

/**
 * Our handler on the worker's event. Each invocation gets its own copy of the event's top level, which is all that
 * Middy writes into (the parsed body, the normalized headers): a copy that costs next to nothing.
 */
const ours = (worker: number) => {
  const event = eventOf(worker);
  return async () => {
    const result = await handler({ ...event }, context);
    if (result.statusCode !== 200)
      throw new Error(`Our handler answered ${result.statusCode}: ${result.body}`);
  };
};

/** For each side, what one worker sends, one request after the other. */
const OPERATIONS: Record<Side, (worker: number) => () => Promise<unknown>> = { raw, ours };

/** `concurrency` workers, each sending one request after the other for `ms`: their latencies (ms) and the time. */
const load = async (side: Side, concurrency: number, ms: number) => {
  const latencies: number[] = [];
  const started = performance.now();
  const end = started + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      const send = OPERATIONS[side](worker);
      while (performance.now() < end) {
        const sent = performance.now();
        await send();
        latencies.push(performance.now() - sent);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000 };
};

// DynamoDB Local's JVM compiles its hot paths for a while: without this, the first rounds ran at half the speed of
// the last ones. Then each concurrency has its own, shorter warm-up.
const busiest = Math.max(...input.concurrencies);
for (const side of ['raw', 'ours'] as const) await load(side, busiest, 3 * input.warmUpMs);

const result: ThroughputResult = {};
for (const concurrency of input.concurrencies) {
  for (const side of ['raw', 'ours'] as const) await load(side, concurrency, input.warmUpMs);
  const rounds: Record<Side, { perSecond: number[]; p50Ms: number[]; p99Ms: number[] }> = {
    raw: { perSecond: [], p50Ms: [], p99Ms: [] },
    ours: { perSecond: [], p50Ms: [], p99Ms: [] },
  };
  for (let round = 0; round < input.rounds; round += 1) {
    for (const side of rotated(['raw', 'ours'] as const, round)) {
      const { latencies, seconds } = await load(side, concurrency, input.roundMs);
      rounds[side].perSecond.push(latencies.length / seconds);
      rounds[side].p50Ms.push(quantile(latencies, 0.5));
      rounds[side].p99Ms.push(quantile(latencies, 0.99));
    }
  }
  const figures = (side: Side): ThroughputFigures => ({
    ...rounds[side],
    median: {
      perSecond: median(rounds[side].perSecond),
      p50Ms: median(rounds[side].p50Ms),
      p99Ms: median(rounds[side].p99Ms),
    },
  });
  result[String(concurrency)] = { raw: figures('raw'), ours: figures('ours') };
}
documents.destroy();
process.send?.(result);
