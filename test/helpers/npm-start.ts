import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach } from '@jest/globals';
import { gatherOutput } from './child-output';
import { testEndpoint } from './dynamodb';

const run = promisify(execFile);

/** What `npm start` runs, for runs where npm itself is off the PATH (by its full path: it may run in another folder). */
export const START_SCRIPT = ['tsx', [join(process.cwd(), 'local', 'start.ts')]] as const;
/** Node 24 and the project's bins (tsx) but no Java: the PATH of a machine without a JRE. */
export const PATH_WITHOUT_JAVA = join(process.cwd(), 'node_modules', '.bin');

/** The URL the banner says the API listens on. */
export const listeningUrl = (banner: string) =>
  /^Local API on (http:\/\/127\.0\.0\.1:\d+),/m.exec(banner)?.[1];

/** What npm start printed after its banner: the console lines of the requests it served. */
const consoleAfterBanner = (stdout: string) =>
  stdout
    .slice(stdout.indexOf('Ctrl-C stops it.') + 'Ctrl-C stops it.'.length)
    .split('\n')
    .filter(Boolean);

/** Waits until npm start has printed `count` lines after its banner (5 s at most), and gives them. */
export const consoleLines = async (output: () => { stdout: string }, count: number): Promise<string[]> => {
  for (let waited = 0; waited < 5_000; waited += 20) {
    if (consoleAfterBanner(output().stdout).length >= count) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return consoleAfterBanner(output().stdout);
};

/**
 * For a test file that runs `npm start`: a local issuer key of its own, out of the checkout (removed after the file),
 * and every API it starts stopped, its children included, after each test (or, with `stopAfter: 'file'`, after the
 * file's last test, for an API its tests share).
 */
export const useNpmStart = ({ stopAfter = 'test' }: { stopAfter?: 'test' | 'file' } = {}) => {
  const issuerDir = mkdtempSync(join(tmpdir(), 'local-issuer-'));
  const LOCAL_ISSUER_KEY_FILE = join(issuerDir, 'signing-key.jwk.json');
  const started: ChildProcess[] = [];
  const stopAll = () => {
    for (const child of started.splice(0)) {
      if (child.pid && child.exitCode === null && child.signalCode === null)
        process.kill(-child.pid, 'SIGKILL');
    }
  };
  if (stopAfter === 'test') afterEach(stopAll);
  afterAll(() => {
    stopAll();
    rmSync(issuerDir, { recursive: true, force: true });
  });

  /** `npm run token -- <args>`, as a developer runs it: the token it prints. */
  const token = async (...args: string[]) => {
    const { stdout } = await run('tsx', ['local/token.ts', ...args], {
      env: { ...process.env, LOCAL_ISSUER_KEY_FILE, PATH: PATH_WITHOUT_JAVA },
    });
    return stdout.trim();
  };

  /** The local API in its own process group, so that every child can be stopped; in `cwd`, if given. */
  const startLocalApi = (
    env: Record<string, string>,
    [command, args]: readonly [string, readonly string[]] = START_SCRIPT,
    cwd?: string,
  ) => {
    // A developer's shell has no AWS credentials or region unless they set them: leave out the ones jest's setup set.
    const { AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ...shell } = process.env;
    const child = spawn(command, args, {
      env: { ...shell, LOCAL_ISSUER_KEY_FILE, ...env },
      detached: true,
      stdio: 'pipe',
      ...(cwd === undefined ? {} : { cwd }),
    });
    started.push(child);
    const output = gatherOutput(child);
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    const banner = new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', () => {
        if (output.stdout.includes('Ctrl-C stops it.')) resolve(output.stdout);
      });
      void exited.then(([code]) => reject(new Error(`npm start exited with ${code}: ${output.stderr}`)));
    });
    // A run that is expected to fail never shows a banner: that is not an unhandled rejection.
    banner.catch(() => undefined);
    return { child, banner, exited, output: () => ({ ...output }) };
  };

  /**
   * `npm start` on this run's DynamoDB Local (DYNAMODB_ENDPOINT: no Java needed), with tables of its own and `env`
   * besides, in `cwd` if given (a folder with a cdk.json of its own): the API, stopped after the test, and the tables'
   * names.
   */
  const startOnTestEndpoint = (env: Record<string, string> = {}, { cwd }: { cwd?: string } = {}) => {
    const tableName = `start-${randomUUID()}`;
    const idempotencyTableName = `start-idempotency-${randomUUID()}`;
    const api = startLocalApi(
      {
        PORT: '0',
        DYNAMODB_ENDPOINT: testEndpoint(),
        TABLE_NAME: tableName,
        IDEMPOTENCY_TABLE_NAME: idempotencyTableName,
        PATH: PATH_WITHOUT_JAVA,
        ...env,
      },
      START_SCRIPT,
      cwd,
    );
    return { ...api, tableName, idempotencyTableName };
  };

  return { LOCAL_ISSUER_KEY_FILE, token, startLocalApi, startOnTestEndpoint };
};
