/**
 * `npm run bench`: builds floor, peer and ours (bench/bundles.ts) and measures, each the median of rounds that
 * alternate the bundles: their size, their cold init, their CPU per warm invocation, and ours' throughput against a
 * raw `UpdateCommand` on DynamoDB Local. Prints a table of the figures and of each ratio against its target, and
 * writes the results to bench/results.local.json (ignored by git), or with `-- --record` to bench/results.json, the
 * figures the project keeps. It never fails on a number; it fails if a bundle does not answer as it should.
 *
 * Settings (environment):
 * - BENCH_ROUNDS: rounds of each measure (20; twice that for cold init);
 * - BENCH_INVOCATIONS: invocations per warm CPU round (1000, and as many to warm up);
 * - BENCH_ROUND_MS: length of a throughput round (1000; twice that to warm up each concurrency, six times at first);
 * - BENCH_RESULTS_FILE: where the results go, whether recorded or not;
 * - BENCH_CPU_PROF_DIR: a folder where the warm CPU process writes a `--cpu-prof` profile.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_OWNER_ATTRIBUTE } from '../functions/sessions/session-table';
import {
  type DynamoDbLocal,
  ensureSessionsTable,
  LOCAL_AWS_ENV,
  localDynamoDbClient,
  startDynamoDbLocal,
} from '../local/dynamodb-local';
import { BUNDLE_NAMES, type BundleName, buildBundles } from './bundles';
import { measureColdInit } from './cold-init';
import {
  commit,
  format,
  isMet,
  machine,
  markdownTable,
  type Ratio,
  ratioCell,
  resultsFileOf,
} from './report';
import { median, medians, pairedRatio } from './stats';
import type { ThroughputInput, ThroughputResult } from './throughput';
import type { WarmCpuInput, WarmCpuResult } from './warm-cpu';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const EVENT_FILE = join(projectRoot, 'events', '200-config-replaced.json');
const { values: options } = parseArgs({
  options: { record: { type: 'boolean', default: false } },
  strict: true,
});
const RESULTS_FILE = resultsFileOf({
  projectRoot,
  record: options.record,
  chosen: process.env.BENCH_RESULTS_FILE,
});
const TABLE_NAME = 'bench-sessions';
const CONCURRENCIES = [1, 16];

const setting = (name: string, fallback: number): number => {
  const value = Number(process.env[name] || fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
};
const invocationsPerRound = setting('BENCH_INVOCATIONS', 1_000);
const roundMs = setting('BENCH_ROUND_MS', 1_000);
const rounds = setting('BENCH_ROUNDS', 20);
const settings = {
  rounds,
  coldRounds: 2 * rounds,
  invocationsPerRound,
  warmUpInvocations: invocationsPerRound,
  roundMs,
  warmUpMs: 2 * roundMs,
};
const cpuProfileDir = process.env.BENCH_CPU_PROF_DIR ? resolve(process.env.BENCH_CPU_PROF_DIR) : undefined;

if (!process.version.startsWith('v24.')) {
  throw new Error(`The bench runs on Node.js 24, the Lambda runtime nodejs24.x; this is ${process.version}`);
}

/** What a stopped run must not leave behind: its child processes, its DynamoDB Local, its folder. */
const running = new Set<ChildProcess>();
let dynamoDb: DynamoDbLocal | undefined;
const workDir = mkdtempSync(join(tmpdir(), 'chat-config-bench-'));
const cleanUp = async () => {
  for (const child of running) child.kill('SIGKILL');
  await dynamoDb?.stop();
  rmSync(workDir, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`Stopped by ${signal}`);
    void cleanUp().finally(() => process.exit(1));
  });
}

/** Runs a bench script in a child process with `env`, and returns what it sends back. */
const runChild = async <T>(
  script: string,
  input: unknown,
  env: NodeJS.ProcessEnv,
  execArgv: string[] = [],
) => {
  const child = fork(join(projectRoot, 'bench', script), [JSON.stringify(input)], {
    cwd: projectRoot,
    env,
    execArgv: ['--import', 'tsx', ...execArgv],
    // The handlers' logs are not read: written to /dev/null, as cheaply as the Lambda runtime takes them.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  running.add(child);
  const messages: T[] = [];
  child.on('message', (message) => messages.push(message as T));
  const [code] = await once(child, 'exit');
  running.delete(child);
  const [message] = messages;
  if (code !== 0 || message === undefined) throw new Error(`bench/${script} failed (exit code ${code})`);
  return message;
};

// The code measured is the tree as the run starts.
const measuredCommit = commit();
try {
  console.log('Building floor, peer and ours (npm run synth)…');
  const { bundles, functionEnvironment, oursOverFloor } = await buildBundles(workDir);
  const files = Object.fromEntries(BUNDLE_NAMES.map((name) => [name, bundles[name].file]));
  // What Lambda gives the function, for every bundle alike: the template's variables, and its own.
  const lambdaEnv = {
    PATH: process.env.PATH,
    ...LOCAL_AWS_ENV,
    ...functionEnvironment,
    TABLE_NAME,
    AWS_LAMBDA_FUNCTION_NAME: 'chat-config-bench',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    // Where Lambda puts the function's code; the X-Ray SDK takes it as the sign that it runs in Lambda. (Each
    // invocation's trace header is set by bench/lambda.ts.)
    LAMBDA_TASK_ROOT: '/var/task',
  };

  // Twice the rounds: a process start is noisier than a warm loop, and a round takes well under a second.
  console.log(`Cold init: ${settings.coldRounds} rounds of 4 processes…`);
  const coldInit = measureColdInit(files, lambdaEnv, settings.coldRounds);

  console.log(
    `Warm CPU: ${settings.rounds} rounds of ${settings.invocationsPerRound} invocations per bundle…`,
  );
  const warmCpu = await runChild<WarmCpuResult>(
    'warm-cpu.ts',
    {
      bundles: files,
      eventFile: EVENT_FILE,
      rounds: settings.rounds,
      invocationsPerRound: settings.invocationsPerRound,
      warmUpInvocations: settings.warmUpInvocations,
    } satisfies WarmCpuInput,
    lambdaEnv,
    cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfileDir] : [],
  );

  console.log(`Throughput: ${settings.rounds} rounds of ${settings.roundMs} ms per side and concurrency…`);
  dynamoDb = await startDynamoDbLocal();
  let throughput: ThroughputResult;
  try {
    const client = localDynamoDbClient(dynamoDb.endpoint);
    await ensureSessionsTable(client, TABLE_NAME);
    client.destroy();
    throughput = await runChild<ThroughputResult>(
      'throughput.ts',
      {
        endpoint: dynamoDb.endpoint,
        tableName: TABLE_NAME,
        ownerAttribute: functionEnvironment.OWNER_ATTRIBUTE?.trim() || DEFAULT_OWNER_ATTRIBUTE,
        oursFile: bundles.ours.file,
        eventFile: EVENT_FILE,
        concurrencies: CONCURRENCIES,
        rounds: settings.rounds,
        roundMs: settings.roundMs,
        warmUpMs: settings.warmUpMs,
      } satisfies ThroughputInput,
      { ...lambdaEnv, DYNAMODB_ENDPOINT: dynamoDb.endpoint },
    );
  } finally {
    await dynamoDb.stop();
    dynamoDb = undefined;
  }

  const coldMs = medians(coldInit.netMs);
  const rss = medians(coldInit.peakRssBytes);
  const warm = warmCpu.median;
  const of = (values: Record<string, number>, name: BundleName) => values[name] ?? Number.NaN;
  // Each timed ratio is the median of the rounds' own ratios: the sides of one round ran seconds apart.
  const cold = coldInit.netMs as Record<BundleName, number[]>;
  const cpu = warmCpu.microsecondsPerInvocation as Record<BundleName, number[]>;
  const ratios: Record<string, Ratio> = {
    bundleFloor: {
      measure: 'bundle bytes, ours/floor',
      value: bundles.ours.bytes / bundles.floor.bytes,
      target: 1.15,
    },
    bundlePeer: {
      measure: 'bundle bytes, ours/peer',
      value: bundles.ours.bytes / bundles.peer.bytes,
      target: 0.5,
    },
    coldFloor: { measure: 'cold init, ours/floor', value: pairedRatio(cold.ours, cold.floor), target: 1.15 },
    coldPeer: { measure: 'cold init, ours/peer', value: pairedRatio(cold.ours, cold.peer), target: 0.7 },
    warmFloor: { measure: 'warm CPU, ours/floor', value: pairedRatio(cpu.ours, cpu.floor), target: 1.1 },
  };
  for (const concurrency of CONCURRENCIES) {
    const figures = throughput[String(concurrency)];
    ratios[`throughput${concurrency}`] = {
      measure: `throughput at concurrency ${concurrency}, ours/raw`,
      value: pairedRatio(figures?.ours.perSecond ?? [], figures?.raw.perSecond ?? []),
      target: 0.95,
      atLeast: true,
    };
  }

  const row = (label: string, values: (name: BundleName) => string, floor?: Ratio, peer?: Ratio) => [
    label,
    ...BUNDLE_NAMES.map(values),
    ratioCell(floor),
    ratioCell(peer),
  ];
  const bundleTable = markdownTable(
    ['', 'floor', 'peer', 'ours', 'ours/floor', 'ours/peer'],
    [
      row('bundle (bytes)', (n) => format.count(bundles[n].bytes), ratios.bundleFloor, ratios.bundlePeer),
      row('bundle gzip -9 (bytes)', (n) => format.count(bundles[n].gzipBytes)),
      row(
        'cold init (ms, net of node -e 0)',
        (n) => format.ms(of(coldMs, n)),
        ratios.coldFloor,
        ratios.coldPeer,
      ),
      row('peak RSS after init (MiB)', (n) => format.mib(of(rss, n))),
      row('warm CPU (µs per invocation)', (n) => format.count(of(warm, n)), ratios.warmFloor),
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
        ratioCell(ratios[`throughput${concurrency}`]),
        pair('p50Ms'),
        pair('p99Ms'),
      ];
    }),
  );
  const bytesTable = markdownTable(
    ['in ours, not in floor', 'bytes'],
    oursOverFloor.map(({ source, bytes }) => [source, format.count(bytes)]),
  );

  const results = {
    commit: measuredCommit,
    ranAt: new Date().toISOString(),
    machine: machine(),
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
    warmCpu: { medianMicroseconds: warm, rounds: warmCpu.microsecondsPerInvocation },
    throughput,
    ratios: Object.values(ratios).map((ratio) => ({ ...ratio, met: isMet(ratio) })),
  };
  // Three decimals say all that rounds of noisy timings can.
  const rounded = (_: string, value: unknown) =>
    typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1000) / 1000 : value;
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, rounded, 2)}\n`);

  console.log(`\n${bundleTable}\n\n${throughputTable}\n\n${bytesTable}\n`);
  console.log(
    `Medians of ${settings.rounds} rounds; commit ${results.commit}, ${results.machine.cpu} × ${results.machine.cores}, Node.js ${results.machine.node}. Written to ${RESULTS_FILE}.`,
  );
} finally {
  await cleanUp();
}
