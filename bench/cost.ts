/**
 * The cost part of `npm run bench`: builds floor, peer and ours (bench/bundles.ts) and measures, each the median of
 * rounds that alternate the bundles, their size, their cold init, their CPU per warm invocation (each bundle in a
 * process of its own, on the canned transport and on real sockets to DynamoDB Local), and ours' throughput against a
 * raw `UpdateCommand` on DynamoDB Local; and each ratio against its target.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DEFAULT_OWNER_ATTRIBUTE } from '../functions/sessions/session-table';
import { ensureSessionsTable, LOCAL_AWS_ENV, localDynamoDbClient } from '../local/dynamodb-local';
import { BUNDLE_NAMES, type BundleName, buildBundles } from './bundles';
import { measureColdInit } from './cold-init';
import { format, isMet, markdownTable, type Ratio, ratioCell, targetsTable } from './report';
import { median, medians, pairedRatio } from './stats';
import type { ThroughputInput, ThroughputResult } from './throughput';
import { measureWarmCpu, type StartChild, type WarmCpuResult } from './warm-cpu-rounds';
import { worstBodiesResults, worstBodiesTable } from './worst-bodies';
import type { WorstTimeInput, WorstTimeResult } from './worst-time';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const EVENT_FILE = join(projectRoot, 'events', '200-config-replaced.json');
const TABLE_NAME = 'bench-sessions';
const CONCURRENCIES = [1, 16];

export interface CostSettings {
  readonly rounds: number;
  readonly coldRounds: number;
  readonly invocationsPerRound: number;
  /** Invocations per round of the warm CPU measure on real sockets. */
  readonly socketInvocationsPerRound: number;
  readonly warmUpInvocations: number;
  readonly worstBodyInvocations: number;
  readonly roundMs: number;
  readonly warmUpMs: number;
}

/** What the run gives the cost part: its settings, and the means to run children and to reach DynamoDB Local. */
export interface CostRun {
  readonly settings: CostSettings;
  /** Where the bundles are built. */
  readonly workDir: string;
  /** A folder where each warm CPU process writes a `--cpu-prof` profile. */
  readonly cpuProfileDir: string | undefined;
  /** Runs a bench script in a child process with `env`, and returns what it sends back. */
  readonly runChild: <T>(
    script: string,
    input: unknown,
    env: NodeJS.ProcessEnv,
    execArgv?: string[],
  ) => Promise<T>;
  /** Starts a bench script in a child process with `env`, which answers each message it is sent. */
  readonly startChild: StartChild;
  /** The run's DynamoDB Local, started on first use. */
  readonly dynamoDbEndpoint: () => Promise<string>;
}

/** Measures the cost part: what it records (every round of every measure), and its tables in Markdown. */
export const measureCost = async ({
  settings,
  workDir,
  cpuProfileDir,
  runChild,
  startChild,
  dynamoDbEndpoint,
}: CostRun): Promise<{ results: Record<string, unknown>; printed: string }> => {
  console.log('Building floor, peer and ours (npm run synth)…');
  const { bundles, functionEnvironment, oursOverFloor } = await buildBundles(workDir);
  // What Lambda gives the function, for every bundle alike: the template's variables (the metrics' namespace among
  // them), and its own.
  const lambdaEnv = {
    PATH: process.env.PATH,
    ...LOCAL_AWS_ENV,
    ...functionEnvironment,
    TABLE_NAME,
    // Never read: the bench's requests carry no Idempotency-Key.
    IDEMPOTENCY_TABLE_NAME: 'bench-idempotency',
    AWS_LAMBDA_FUNCTION_NAME: 'chat-config-bench',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    // Where Lambda puts the function's code; the X-Ray SDK takes it as the sign that it runs in Lambda. (Each
    // invocation's trace header is set by bench/lambda.ts.)
    LAMBDA_TASK_ROOT: '/var/task',
  };
  // The peer is a traced function, whatever ours' template says of its own tracing: its Tracer is on, as Powertools
  // turns it on in Lambda unless told otherwise.
  const envOf = (name: BundleName): NodeJS.ProcessEnv =>
    name === 'peer' ? { ...lambdaEnv, POWERTOOLS_TRACE_ENABLED: 'true' } : lambdaEnv;
  const asRun = (env: (name: BundleName) => NodeJS.ProcessEnv) =>
    Object.fromEntries(BUNDLE_NAMES.map((name) => [name, { file: bundles[name].file, env: env(name) }]));

  // Twice the rounds: a process start is noisier than a warm loop, and a round takes well under a second.
  console.log(`Cold init: ${settings.coldRounds} rounds of 4 processes…`);
  const coldInit = measureColdInit(asRun(envOf), lambdaEnv, settings.coldRounds);

  const warmCpuOf = (transport: 'canned' | 'sockets', env: typeof envOf, invocationsPerRound: number) =>
    measureWarmCpu({
      startChild,
      bundles: asRun(env),
      eventFile: EVENT_FILE,
      transport,
      rounds: settings.rounds,
      invocationsPerRound,
      warmUpInvocations: settings.warmUpInvocations,
      cpuProfileDir,
    });
  console.log(
    `Warm CPU, canned transport: ${settings.rounds} rounds of ${settings.invocationsPerRound} invocations per bundle…`,
  );
  const warmCanned = await warmCpuOf('canned', envOf, settings.invocationsPerRound);

  console.log(
    `Worst bodies: ${settings.rounds} rounds of ${settings.worstBodyInvocations} invocations per body…`,
  );
  const worst = await runChild<WorstTimeResult>(
    'worst-time.ts',
    {
      bundle: bundles.ours.file,
      rounds: settings.rounds,
      invocationsPerRound: settings.worstBodyInvocations,
    } satisfies WorstTimeInput,
    lambdaEnv,
  );

  // DynamoDB Local starts only now, so that its JVM runs beside none of the measures above.
  const endpoint = await dynamoDbEndpoint();
  const ownerAttribute = functionEnvironment.OWNER_ATTRIBUTE?.trim() || DEFAULT_OWNER_ATTRIBUTE;
  const client = localDynamoDbClient(endpoint);
  await ensureSessionsTable(client, TABLE_NAME);
  // The sample event's session, its caller's own: every bundle's write of it succeeds (the floor's and ours'
  // condition need its owner, the peer's the item).
  const event = JSON.parse(readFileSync(EVENT_FILE, 'utf8')) as {
    pathParameters: { sessionId: string };
    requestContext: { authorizer: { jwt: { claims: { sub: string } } } };
  };
  await client.send(
    new PutItemCommand({
      TableName: TABLE_NAME,
      Item: {
        sessionId: { S: event.pathParameters.sessionId },
        [ownerAttribute]: { S: event.requestContext.authorizer.jwt.claims.sub },
      },
    }),
  );
  client.destroy();

  console.log(
    `Warm CPU, real sockets: ${settings.rounds} rounds of ${settings.socketInvocationsPerRound} invocations per bundle…`,
  );
  // The SDK takes AWS_ENDPOINT_URL_DYNAMODB without code, for the floor's and the peer's default clients; ours reads
  // DYNAMODB_ENDPOINT.
  const onSockets = (name: BundleName) => ({
    ...envOf(name),
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    DYNAMODB_ENDPOINT: endpoint,
  });
  const warmSockets = await warmCpuOf('sockets', onSockets, settings.socketInvocationsPerRound);

  console.log(`Throughput: ${settings.rounds} rounds of ${settings.roundMs} ms per side and concurrency…`);
  const throughput = await runChild<ThroughputResult>(
    'throughput.ts',
    {
      endpoint,
      tableName: TABLE_NAME,
      ownerAttribute,
      oursFile: bundles.ours.file,
      eventFile: EVENT_FILE,
      concurrencies: CONCURRENCIES,
      rounds: settings.rounds,
      roundMs: settings.roundMs,
      warmUpMs: settings.warmUpMs,
    } satisfies ThroughputInput,
    { ...lambdaEnv, DYNAMODB_ENDPOINT: endpoint },
  );

  const coldMs = medians(coldInit.netMs);
  const rss = medians(coldInit.peakRssBytes);
  const of = (values: Record<string, number>, name: BundleName) => values[name] ?? Number.NaN;
  // Each timed ratio is the median of the rounds' own ratios: the sides of one round ran seconds apart.
  type Rounds = Record<BundleName, number[]>;
  const cold = coldInit.netMs as Rounds;
  const canned = warmCanned.microsecondsPerInvocation as Rounds;
  const sockets = warmSockets.microsecondsPerInvocation as Rounds;
  const throughputRatios: Record<string, Ratio> = Object.fromEntries(
    CONCURRENCIES.map((concurrency) => {
      const figures = throughput[String(concurrency)];
      const ratio: Ratio = {
        measure: `throughput at concurrency ${concurrency}, ours/raw UpdateCommand`,
        value: pairedRatio(figures?.ours.perSecond ?? [], figures?.raw.perSecond ?? []),
        target: 0.9,
        atLeast: true,
      };
      return [concurrency, ratio];
    }),
  );
  /** Ours against `other` by each measure that has a target: bytes as a plain ratio, the timed ones per round. */
  const against = (
    other: 'floor' | 'peer',
    targets: { bytes: number; cold: number; canned: number; sockets: number },
  ): Record<'bytes' | 'cold' | 'canned' | 'sockets', Ratio> => ({
    bytes: {
      measure: `bundle bytes, ours/${other}`,
      value: bundles.ours.bytes / bundles[other].bytes,
      target: targets.bytes,
    },
    cold: {
      measure: `cold init, ours/${other}`,
      value: pairedRatio(cold.ours, cold[other]),
      target: targets.cold,
    },
    canned: {
      measure: `warm CPU, canned transport, ours/${other}`,
      value: pairedRatio(canned.ours, canned[other]),
      target: targets.canned,
    },
    sockets: {
      measure: `warm CPU, real sockets, ours/${other}`,
      value: pairedRatio(sockets.ours, sockets[other]),
      target: targets.sockets,
    },
  });
  const floor = against('floor', { bytes: 1.3, cold: 1.15, canned: 1.25, sockets: 1.25 });
  const peer = against('peer', { bytes: 0.6, cold: 0.8, canned: 0.8, sockets: 0.8 });
  // In the order of the targets table: against the floor and the raw command, then against the peer.
  const ratios: Ratio[] = [
    ...Object.values(floor),
    ...Object.values(throughputRatios),
    ...Object.values(peer),
  ];

  const row = (label: string, values: (name: BundleName) => string, floor?: Ratio, peer?: Ratio) => [
    label,
    ...BUNDLE_NAMES.map(values),
    ratioCell(floor),
    ratioCell(peer),
  ];
  const microseconds = (warm: WarmCpuResult) => (name: BundleName) => format.count(of(warm.median, name));
  const bundleTable = markdownTable(
    ['', 'floor', 'peer', 'ours', 'ours/floor', 'ours/peer'],
    [
      row('bundle (bytes)', (n) => format.count(bundles[n].bytes), floor.bytes, peer.bytes),
      row('bundle gzip -9 (bytes)', (n) => format.count(bundles[n].gzipBytes)),
      row('cold init (ms, net of node -e 0)', (n) => format.ms(of(coldMs, n)), floor.cold, peer.cold),
      row('peak RSS after init (MiB)', (n) => format.mib(of(rss, n))),
      row(
        'warm CPU, canned transport (µs per invocation)',
        microseconds(warmCanned),
        floor.canned,
        peer.canned,
      ),
      row(
        'warm CPU, real sockets (µs per invocation)',
        microseconds(warmSockets),
        floor.sockets,
        peer.sockets,
      ),
    ],
  );
  const throughputTable = markdownTable(
    ['concurrency', 'raw (req/s)', 'ours (req/s)', 'ours/raw', 'p50 raw / ours (ms)', 'p99 raw / ours (ms)'],
    CONCURRENCIES.map((concurrency) => {
      const figures = throughput[String(concurrency)];
      const pair = (key: 'p50Ms' | 'p99Ms') =>
        `${format.ms(figures?.raw.median[key] ?? Number.NaN)} / ${format.ms(figures?.ours.median[key] ?? Number.NaN)}`;
      return [
        String(concurrency),
        format.count(figures?.raw.median.perSecond ?? Number.NaN),
        format.count(figures?.ours.median.perSecond ?? Number.NaN),
        ratioCell(throughputRatios[concurrency]),
        pair('p50Ms'),
        pair('p99Ms'),
      ];
    }),
  );
  const bytesTable = markdownTable(
    ['in ours, not in floor', 'bytes'],
    oursOverFloor.map(({ source, bytes }) => [source, format.count(bytes)]),
  );

  const warmCpuResults = (warm: WarmCpuResult) => ({
    medianMicroseconds: warm.median,
    rounds: warm.microsecondsPerInvocation,
    ...(warm.requests ? { requests: warm.requests } : {}),
  });
  const results = {
    settings,
    bundles: Object.fromEntries(
      BUNDLE_NAMES.map((name) => [name, { bytes: bundles[name].bytes, gzipBytes: bundles[name].gzipBytes }]),
    ),
    oursOverFloor,
    coldInit: {
      medianNetMs: coldMs,
      medianPeakRssBytes: rss,
      medianBareNodeMs: median(coldInit.bareNodeMs),
      rounds: coldInit,
    },
    warmCpu: { canned: warmCpuResults(warmCanned), sockets: warmCpuResults(warmSockets) },
    worstBodies: worstBodiesResults(worst),
    throughput,
    ratios: ratios.map((ratio) => ({ ...ratio, met: isMet(ratio) })),
  };
  const printed = [
    bundleTable,
    throughputTable,
    targetsTable(ratios),
    worstBodiesTable(worst),
    bytesTable,
    `Medians of ${settings.rounds} rounds.`,
  ].join('\n\n');
  return { results, printed };
};
