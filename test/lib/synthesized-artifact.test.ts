/**
 * What ships and what sam local runs: `npm run synth`'s cdk.out, its template's metadata, and the bundled asset
 * itself, executed in a fresh Node.js 24 process against DynamoDB Local with env.json's settings.
 */
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { outcomeOf } from '../../functions/chat-config/metrics';
import { SAM_LOCAL_AUTHORIZER_FILE } from '../../functions/chat-config/sam-local';
import { IDEMPOTENT_REPLAYED_HEADER } from '../../functions/http/idempotency-key';
import { NOT_FOUND_FLOOR_MS } from '../../functions/sessions/not-found-floor';
import { DEMO_SESSION } from '../../local/demo-session';
import { LOCAL_IDEMPOTENCY_TABLE_NAME, LOCAL_TABLE_NAME } from '../../local/dynamodb-local';
import { createIdempotencyTestTable, createTestTable, type TestTable } from '../helpers/dynamodb';
import { REFUSING_ENDPOINT } from '../helpers/fake-dynamodb';
import { emfMetricsOf } from '../helpers/logs';
import {
  assetDirOf,
  envJsonFor,
  envJsonOf,
  functionProperties,
  runBundle,
  STACK,
  type Synthesized,
  samFunctionIdOf,
  synthesize,
} from '../helpers/shipped-asset';

const EVENTS_DIR = resolve('events');
const SYSTEM_PROMPT = 'You are a helpful assistant';

/** Where this file's synths keep the local issuer's key and their env.json. */
const issuerDir = mkdtempSync(join(tmpdir(), 'chat-config-issuer-'));
let shipped: Synthesized;
/** With `chat-config:traceDynamoDbCalls`: the entry that runs the X-Ray SDK. */
let traced: Synthesized;
let table: TestTable;
/** Stands where Lambda's X-Ray daemon listens: what the function sends it, as received. */
let xrayDaemon: Socket;
let xrayDocuments: string[] = [];

beforeAll(async () => {
  const issuerKeyFile = join(issuerDir, 'signing-key.jwk.json');
  shipped = await synthesize([], issuerKeyFile);
  traced = await synthesize(['-c', 'chat-config:traceDynamoDbCalls=true'], issuerKeyFile);
  // The table env.json names, on this run's DynamoDB Local.
  table = await createTestTable(envJson().ChatConfigFunction?.TABLE_NAME);
  xrayDaemon = createSocket('udp4').on('message', (message) => xrayDocuments.push(message.toString()));
  await new Promise<void>((resolve) => xrayDaemon.bind(0, '127.0.0.1', resolve));
}, 180_000);

afterAll(async () => {
  xrayDaemon?.close();
  await table?.drop();
  for (const { outdir } of [shipped, traced]) rmSync(outdir, { recursive: true, force: true });
  rmSync(issuerDir, { recursive: true, force: true });
});

const fn = (synthesized = shipped) => functionProperties(synthesized);
const assetDir = (synthesized = shipped) => assetDirOf(synthesized);
const samFunctionId = () => samFunctionIdOf(shipped);
const envJson = () => envJsonOf(shipped);

/** The X-Ray segment documents of a daemon's datagrams (each a header line, then the document). */
const segmentsOf = (datagrams: string[]): Record<string, unknown>[] =>
  datagrams.map((datagram) => JSON.parse(datagram.slice(datagram.indexOf('\n') + 1)));

/**
 * Invokes the bundled handler once per event file, in a fresh Node.js process, with the function's environment and
 * env.json's settings; gives its results, its output, and the trace segments it sent.
 */
const invokeBundle = async (
  eventFiles: string[],
  overrides: Record<string, string> = {},
  synthesized = shipped,
) => {
  xrayDocuments = [];
  const run = await runBundle(synthesized, eventFiles, {
    ...envJsonFor(synthesized, table.endpoint),
    AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${xrayDaemon.address().port}`,
    ...overrides,
  });
  await datagramsSettled();
  return { ...run, segments: segmentsOf(xrayDocuments) };
};

/** Waits until no datagram has come for 100 ms (2 s at most): those the bundle sent have then all been read. */
const datagramsSettled = async () => {
  const deadline = Date.now() + 2_000;
  let seen = -1;
  while (seen !== xrayDocuments.length && Date.now() < deadline) {
    seen = xrayDocuments.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/** Runs every sample event of events/ on the demo session; gives the files and what invokeBundle gives. */
const invokeSamples = async (synthesized = shipped) => {
  await table.put(DEMO_SESSION);
  const files = readdirSync(EVENTS_DIR).filter((f) => f.endsWith('.json'));
  return {
    files,
    ...(await invokeBundle(
      files.map((f) => join(EVENTS_DIR, f)),
      {},
      synthesized,
    )),
  };
};

describe('npm run synth', () => {
  it('writes cdk.out/ChatConfigApi.template.json and the bundled asset, offline and without Docker', () => {
    expect(existsSync(join(shipped.outdir, `${STACK}.template.json`))).toBe(true);
    expect(readdirSync(assetDir()).sort()).toEqual(['index.mjs', 'index.mjs.map', SAM_LOCAL_AUTHORIZER_FILE]);
  });

  it('bundles the AWS SDK into the asset: nothing is left for the Lambda runtime to provide', () => {
    const bundle = readFileSync(join(assetDir(), 'index.mjs'), 'utf8');

    // (Booleans, not the matchers: a failure would print the whole 400 KB bundle.)
    expect(/from\s*["']@(aws-sdk|smithy)\/|import\(["']@(aws-sdk|smithy)\//.test(bundle)).toBe(false);
    // DynamoDB's JSON protocol target, which only the bundled client carries.
    expect(bundle.includes('DynamoDB_20120810')).toBe(true);
  });
});

describe('the template, as SAM reads it', () => {
  it("points SAM at the bundled code through the function's asset metadata", () => {
    expect(shipped.functionResource.Metadata).toMatchObject({
      'aws:asset:path': expect.stringMatching(/^asset\.[0-9a-f]{64}$/),
      'aws:asset:property': 'Code',
    });
    expect(fn().Handler).toBe('index.handler');
  });

  it('gives the function the SAM id ChatConfigFunction, the id env.json and docs/sam-local.md use', () => {
    expect(samFunctionId()).toBe('ChatConfigFunction');
    expect(Object.keys(envJson())).toEqual(['ChatConfigFunction']);
  });

  it('sets in env.json every variable SAM cannot resolve, and only variables the template declares', () => {
    // GIVEN SAM overrides only declared variables, and turns an unresolved Ref into the logical id
    const declared = fn().Environment.Variables;
    const set = envJson().ChatConfigFunction ?? {};

    // THEN
    const unresolvable = Object.keys(declared).filter((name) => typeof declared[name] !== 'string');
    expect(unresolvable).toEqual(['TABLE_NAME', 'IDEMPOTENCY_TABLE_NAME']);
    for (const name of unresolvable) expect(set).toHaveProperty(name);
    for (const name of Object.keys(set)) expect(declared).toHaveProperty(name);
  });

  it('points the function at the tables and the DynamoDB Local that npm start gives sam local, as its doc says', () => {
    // GIVEN
    const { TABLE_NAME, IDEMPOTENCY_TABLE_NAME, DYNAMODB_ENDPOINT = '' } = envJson().ChatConfigFunction ?? {};
    const samLocalDoc = readFileSync('docs/sam-local.md', 'utf8');

    // THEN the container reaches the host's DynamoDB Local, on the port the doc starts it on
    const endpoint = new URL(DYNAMODB_ENDPOINT);
    expect(endpoint.origin).toBe(DYNAMODB_ENDPOINT);
    expect(endpoint.hostname).toBe('host.docker.internal');
    expect(samLocalDoc).toContain(`DYNAMODB_LOCAL_PORT=${endpoint.port} npm start`);
    // npm start's tables
    expect(TABLE_NAME).toBe(LOCAL_TABLE_NAME);
    expect(IDEMPOTENCY_TABLE_NAME).toBe(LOCAL_IDEMPOTENCY_TABLE_NAME);
  });

  it('declares DYNAMODB_ENDPOINT on the function, empty in AWS, so that env.json can set it', () => {
    expect(fn().Environment.Variables.DYNAMODB_ENDPOINT).toBe('');
  });
});

describe('the bundled asset, run like Lambda runs it', () => {
  it('answers every sample event in events/ with the status its name gives, on DynamoDB Local', async () => {
    // GIVEN the session the samples update, and env.json's settings pointed at this run's DynamoDB Local
    // WHEN
    const { files, results, logs } = await invokeSamples();

    // THEN
    const statuses = Object.fromEntries(
      results.map(({ eventFile, result }) => [eventFile.split('/').at(-1), result.statusCode]),
    );
    expect(statuses).toEqual(Object.fromEntries(files.map((f) => [f, Number(f.slice(0, 3))])));
    // The 2xx writes (patch, POST, PUT) each counted once; the 412 wrote nothing.
    expect(await table.get(DEMO_SESSION.sessionId)).toMatchObject({ configVersion: 3 });
    // Logs are the function's JSON lines, with its audit line, and never a config value.
    expect(logs).toContain('"message":"Chat configuration updated"');
    expect(logs).not.toContain(SYSTEM_PROMPT);
  });

  it('holds each 404 until the not-found floor, another user’s session as a missing one', async () => {
    const { results } = await invokeBundle(
      ['404-session-not-found.json', '404-session-of-another-user.json'].map((f) => join(EVENTS_DIR, f)),
    );

    for (const { result, ms } of results) {
      expect(result.statusCode).toBe(404);
      expect(ms).toBeGreaterThanOrEqual(NOT_FOUND_FLOOR_MS);
    }
  });

  it("prints each request's outcome and DynamoDB's latency as EMF, under the namespace the template sets", async () => {
    // WHEN
    const { files, logs } = await invokeSamples();

    // THEN
    const emf = emfMetricsOf(
      logs
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line)),
    );
    expect(new Set(emf.map(({ namespace }) => namespace))).toEqual(
      new Set([fn().Environment.Variables.POWERTOOLS_METRICS_NAMESPACE]),
    );
    expect(fn().Environment.Variables.POWERTOOLS_METRICS_NAMESPACE).toBe(STACK);
    const outcomes = emf
      .filter(({ name }) => name === 'ConfigUpdates' || name === 'ConfigReads')
      .map(({ members }) => members.outcome);
    expect(outcomes.sort()).toEqual(files.map((f) => outcomeOf(Number(f.slice(0, 3)))).sort());
    expect(emf.filter(({ name }) => name === 'ColdStart').map(({ members }) => members)).toEqual([
      expect.objectContaining({ function_name: 'chat-config', ColdStart: 1 }),
    ]);
    expect(emf.filter(({ name }) => name === 'DynamoDbLatency').length).toBeGreaterThan(0);
  });

  it('with traceDynamoDbCalls, traces each invocation and DynamoDB call to the X-Ray daemon, no config value in any', async () => {
    // WHEN
    const { files, segments } = await invokeSamples(traced);

    // THEN one subsegment per invocation, annotated, only the first a cold start
    const invocations = segments
      .filter((segment) => segment.name === `## ${fn(traced).Handler}`)
      .sort((a, b) => Number(a.start_time) - Number(b.start_time));
    expect(invocations).toHaveLength(files.length);
    expect(invocations.map((segment) => segment.annotations)).toEqual(
      files.map((_, i) => ({ ColdStart: i === 0, Service: 'chat-config' })),
    );
    // and one per DynamoDB call, naming the operation and the table, each inside its invocation's trace
    const calls = segments.filter((segment) => segment.name === 'DynamoDB');
    expect(new Set(calls.map((call) => (call.aws as { operation: string }).operation))).toEqual(
      new Set(['Query', 'UpdateItem']),
    );
    for (const call of calls) {
      expect(call.aws).toMatchObject({ table_name: table.tableName });
      expect(invocations.map((invocation) => invocation.id)).toContain(call.parent_id);
    }
    // A failed call keeps DynamoDB's own error (the 404 and the 412 are failed conditions), nothing of the request.
    const messages = calls.flatMap(
      (call) => (call.cause as { exceptions: { message: string }[] } | undefined)?.exceptions ?? [],
    );
    expect(messages.length).toBeGreaterThan(0);
    expect(new Set(messages.map(({ message }) => message))).toEqual(
      new Set(['The conditional request failed']),
    );
    // Neither requests' values nor responses are recorded.
    expect(JSON.stringify(segments)).not.toContain(SYSTEM_PROMPT);
    expect(JSON.stringify(segments)).not.toContain('"metadata"');
  });

  it('replays a retried write from its idempotency record, with field names for JMESPath', async () => {
    // GIVEN a write sent twice with one Idempotency-Key, and a table for its record
    await table.put(DEMO_SESSION);
    const records = await createIdempotencyTestTable();
    const eventsDir = mkdtempSync(join(tmpdir(), 'chat-config-retry-'));
    try {
      const sample = JSON.parse(readFileSync(join(EVENTS_DIR, '200-config-replaced.json'), 'utf8'));
      const retried = { ...sample, headers: { ...sample.headers, 'idempotency-key': '"retry-1"' } };
      const file = join(eventsDir, 'retried.json');
      writeFileSync(file, JSON.stringify(retried));

      // WHEN
      const { results } = await invokeBundle([file, file], { IDEMPOTENCY_TABLE_NAME: records.tableName });

      // THEN the retry gets the first answer, replayed; the bundle holds the field lookup, not the JMESPath interpreter
      expect(results.map(({ result }) => result.statusCode)).toEqual([200, 200]);
      expect(results[1]?.result.headers?.[IDEMPOTENT_REPLAYED_HEADER]).toBe('true');
      expect(results[1]?.result.body).toBe(results[0]?.result.body);
      expect(await records.items()).toHaveLength(1);
      const bundle = readFileSync(join(assetDir(), 'index.mjs'), 'utf8');
      expect(bundle.includes('JMESPath for field names only')).toBe(true);
      expect(bundle.includes('Unknown function')).toBe(false);
    } finally {
      rmSync(eventsDir, { recursive: true, force: true });
      await records.drop();
    }
  });

  it('holds no X-Ray SDK unless traceDynamoDbCalls is set, and sends the daemon nothing', async () => {
    // GIVEN an X-Ray daemon address the SDK refuses as it loads
    await table.put(DEMO_SESSION);
    const unloadable = { AWS_XRAY_DAEMON_ADDRESS: 'no-daemon-here' };
    const event = [join(EVENTS_DIR, '200-config-replaced.json')];

    // WHEN
    const withSdk = await invokeBundle(event, unloadable, traced);
    const byDefault = await invokeBundle(event, unloadable);
    const sent = await invokeBundle(event);

    // THEN with the SDK, the cold start fails on it; by default, the bundle never evaluates it, and sends nothing
    expect(withSdk.started).toBe(false);
    expect(withSdk.logs).toContain('Invalid Daemon Address');
    expect(byDefault.results[0]?.result.statusCode).toBe(200);
    expect(sent.results[0]?.result.statusCode).toBe(200);
    expect(sent.segments).toEqual([]);
  });

  it('answers an unexpected failure with 500, logging frames that the source map turns into our TypeScript lines', async () => {
    // WHEN the table does not exist: DynamoDB's ResourceNotFoundException is no expected failure
    const { results, logs } = await invokeBundle([join(EVENTS_DIR, '200-config-replaced.json')], {
      TABLE_NAME: 'no-such-table',
    });

    // THEN
    expect(results[0]?.result.statusCode).toBe(500);
    const failure = logs
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .find((line) => line.level === 'ERROR');
    expect(failure?.error.name).toBe('StoreFailedError');
    expect(failure?.error.cause.name).toBe('ResourceNotFoundException');
    expect(failure?.error.frames.join('\n')).toMatch(
      /functions\/sessions\/dynamodb-session-store\.ts:\d+:\d+/,
    );
  });

  it('answers 503 with Retry-After when DynamoDB cannot be reached', async () => {
    const { results } = await invokeBundle([join(EVENTS_DIR, '200-config-replaced.json')], {
      DYNAMODB_ENDPOINT: REFUSING_ENDPOINT,
    });

    expect(results[0]?.result).toMatchObject({
      statusCode: 503,
      headers: expect.objectContaining({ 'retry-after': '1' }),
    });
  });
});
