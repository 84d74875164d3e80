/**
 * `npm run bench [-- <part>…] [--record]`: runs the bench's parts, all of them unless some are named.
 * - cost (bench/cost.ts): floor, peer and ours built, and their size, cold init, CPU per warm invocation (each in a
 *   process of its own, on the canned transport and on real sockets), and ours' throughput against a raw
 *   `UpdateCommand` on DynamoDB Local, each against its target;
 * - oracle (bench/oracle.ts): whether the time of a 404 tells another user's session from no session.
 *
 * Prints each part's tables, and writes the results to bench/results.local.json (ignored by git), or with
 * `--record` to bench/results.json, the figures the project keeps. A run of some parts replaces only their results
 * in the file. It never fails on a number; it fails if a bundle does not answer as it should.
 *
 * Settings (environment):
 * - BENCH_ROUNDS: rounds of each cost measure (20; twice that for cold init);
 * - BENCH_INVOCATIONS: invocations per warm CPU round on the canned transport (1000, and as many to warm up on
 *   either transport), a fifth of it per round on real sockets, and a twentieth of it per worst body and round;
 * - BENCH_ROUND_MS: length of a throughput round (1000; twice that to warm up each concurrency, six times at first);
 * - BENCH_ORACLE_PROBES: oracle probes of each case and method (300);
 * - BENCH_ORACLE_WARM_UP: unrecorded oracle rounds first (100);
 * - BENCH_RESULTS_FILE: where the results go, whether recorded or not;
 * - BENCH_CPU_PROF_DIR: a folder where each warm CPU process writes a `--cpu-prof` profile, in
 *   `<canned|sockets>/<bundle>/`.
 */
import { type ChildProcess, fork, type Serializable } from 'node:child_process';
import { on, once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type DynamoDbLocal, startDynamoDbLocal } from '../local/dynamodb-local';
import { measureCost } from './cost';
import { measureOracle, ORACLE_DEFAULTS, oracleTable } from './oracle';
import { commit, machine, resultsFileOf } from './report';
import type { BenchChild } from './warm-cpu-rounds';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const PARTS = ['cost', 'oracle'] as const;
type Part = (typeof PARTS)[number];
const { values: options, positionals } = parseArgs({
  options: { record: { type: 'boolean', default: false } },
  allowPositionals: true,
  strict: true,
});
const unknownParts = positionals.filter((name) => !(PARTS as readonly string[]).includes(name));
if (unknownParts.length > 0) {
  throw new Error(`No bench part named ${unknownParts.join(', ')}: the parts are ${PARTS.join(', ')}`);
}
const parts = new Set<Part>(positionals.length > 0 ? (positionals as Part[]) : PARTS);
const RESULTS_FILE = resultsFileOf({
  projectRoot,
  record: options.record,
  chosen: process.env.BENCH_RESULTS_FILE,
});

const setting = (name: string, fallback: number): number => {
  const value = Number(process.env[name] || fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
};
const invocationsPerRound = setting('BENCH_INVOCATIONS', 1_000);
const roundMs = setting('BENCH_ROUND_MS', 1_000);
const rounds = setting('BENCH_ROUNDS', 20);
const costSettings = {
  rounds,
  coldRounds: 2 * rounds,
  invocationsPerRound,
  // An invocation on real sockets waits for DynamoDB Local: fewer of them make a round about as long.
  socketInvocationsPerRound: Math.ceil(invocationsPerRound / 5),
  warmUpInvocations: invocationsPerRound,
  // A worst body takes longer than the sample event: fewer of it make a round as long.
  worstBodyInvocations: Math.ceil(invocationsPerRound / 20),
  roundMs,
  warmUpMs: 2 * roundMs,
};
const oracleSettings = {
  probes: setting('BENCH_ORACLE_PROBES', ORACLE_DEFAULTS.probes),
  warmUpRounds: setting('BENCH_ORACLE_WARM_UP', ORACLE_DEFAULTS.warmUpRounds),
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

/** Forks a bench script with its input in argv[2] and `env`, run by tsx with `execArgv`. */
const forkChild = (script: string, input: unknown, env: NodeJS.ProcessEnv, execArgv: string[]) => {
  const child = fork(join(projectRoot, 'bench', script), [JSON.stringify(input)], {
    cwd: projectRoot,
    env,
    execArgv: ['--import', 'tsx', ...execArgv],
    // The handlers' logs are not read: written to /dev/null, as cheaply as the Lambda runtime takes them.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  running.add(child);
  return child;
};

/** Runs a bench script in a child process with `env`, and returns what it sends back. */
const runChild = async <T>(
  script: string,
  input: unknown,
  env: NodeJS.ProcessEnv,
  execArgv: string[] = [],
) => {
  const child = forkChild(script, input, env, execArgv);
  const messages: T[] = [];
  child.on('message', (message) => messages.push(message as T));
  const [code] = await once(child, 'exit');
  running.delete(child);
  const [message] = messages;
  if (code !== 0 || message === undefined) throw new Error(`bench/${script} failed (exit code ${code})`);
  return message;
};

/** Starts a bench script that answers each message it is sent, once it has said it is ready. */
const startChild = async (
  script: string,
  input: unknown,
  env: NodeJS.ProcessEnv,
  execArgv: string[] = [],
): Promise<BenchChild> => {
  const child = forkChild(script, input, env, execArgv);
  const exit = once(child, 'exit').then(([code]) => {
    running.delete(child);
    return code as number | null;
  });
  const messages = on(child, 'message', { close: ['exit'] });
  const next = async () => {
    const { value, done } = await messages.next();
    if (done) throw new Error(`bench/${script} exited (exit code ${await exit}) before it answered`);
    return (value as unknown[])[0];
  };
  await next();
  return {
    ask: async <T>(message: unknown) => {
      await new Promise<void>((sent, failed) =>
        child.send(message as Serializable, (error) => (error ? failed(error) : sent())),
      );
      return (await next()) as T;
    },
    exited: async () => {
      const code = await exit;
      if (code !== 0) throw new Error(`bench/${script} failed (exit code ${code})`);
    },
  };
};

/** One DynamoDB Local for the parts that need it, started when the first one does. */
const dynamoDbEndpoint = async () => {
  dynamoDb ??= await startDynamoDbLocal();
  return dynamoDb.endpoint;
};

/** The results an earlier run wrote, which a run of some parts keeps for the others. */
const earlierResults = (): Record<string, unknown> =>
  parts.size < PARTS.length && existsSync(RESULTS_FILE) ? JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) : {};

// The code measured is the tree as the run starts.
const measuredCommit = commit();
const provenance = () => ({ commit: measuredCommit, ranAt: new Date().toISOString(), machine: machine() });
try {
  const results = earlierResults();
  const printed: string[] = [];
  if (parts.has('cost')) {
    const cost = await measureCost({
      settings: costSettings,
      workDir,
      cpuProfileDir,
      runChild,
      startChild,
      dynamoDbEndpoint,
    });
    // At the top of the file, where they were before the bench had parts.
    Object.assign(results, provenance(), cost.results);
    printed.push(cost.printed);
  }
  if (parts.has('oracle')) {
    const oracle = await measureOracle(await dynamoDbEndpoint(), oracleSettings);
    results.oracle = { ...provenance(), ...oracle };
    printed.push(oracleTable(oracle));
  }

  // Three decimals say all that rounds of noisy timings can.
  const rounded = (_: string, value: unknown) =>
    typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1000) / 1000 : value;
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, rounded, 2)}\n`);

  const { cpu, cores, node } = machine();
  console.log(`\n${printed.join('\n\n')}\n`);
  console.log(`Commit ${measuredCommit}, ${cpu} × ${cores}, Node.js ${node}. Written to ${RESULTS_FILE}.`);
} finally {
  await cleanUp();
}
