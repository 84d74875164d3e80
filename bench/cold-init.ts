/**
 * Cold init: a fresh Node.js process that imports a bundle (as the Lambda runtime imports the handler's module), timed
 * from spawn to exit, net of a bare `node -e 0` timed in the same round; and its peak RSS once the import is done.
 * Rounds alternate the order of the processes, so that drift on the machine hits each alike.
 */
import { spawnSync } from 'node:child_process';
import { rotated } from './stats';

export interface ColdInitResult {
  /** Each round's time (ms) of importing the bundle, net of `node -e 0`, by bundle. */
  readonly netMs: Record<string, number[]>;
  /** Each round's peak RSS (bytes) after the import, by bundle. */
  readonly peakRssBytes: Record<string, number[]>;
  /** Each round's time (ms) of `node -e 0`. */
  readonly bareNodeMs: number[];
}

// Imports the bundle named by argv[1], then prints the process's peak RSS (KiB). Linux's VmHWM counts this program
// only: getrusage's maxRSS would still count the parent's, from before the exec.
const IMPORT_AND_REPORT = `import(process.argv[1]).then(() => {
  const status = require('node:fs').readFileSync('/proc/self/status', 'utf8');
  process.stdout.write(/VmHWM:\\s+(\\d+) kB/.exec(status)?.[1] ?? String(process.resourceUsage().maxRSS));
})`;

const timed = (args: string[], env: NodeJS.ProcessEnv) => {
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${child.stderr}`);
  return { ms, stdout: child.stdout };
};

/** Each bundle with its environment; `node -e 0` runs with `bareEnv`. */
export const measureColdInit = (
  bundles: Record<string, { readonly file: string; readonly env: NodeJS.ProcessEnv }>,
  bareEnv: NodeJS.ProcessEnv,
  rounds: number,
): ColdInitResult => {
  const names = Object.keys(bundles);
  const netMs: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  const peakRssBytes: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  const bareNodeMs: number[] = [];
  // One unrecorded round first: the files into the page cache, for every bundle alike.
  for (let round = -1; round < rounds; round += 1) {
    const times: Record<string, number> = {};
    for (const name of rotated(['node -e 0', ...names], Math.max(round, 0))) {
      const bundle = bundles[name];
      const { ms, stdout } = timed(
        bundle === undefined ? ['-e', '0'] : ['-e', IMPORT_AND_REPORT, bundle.file],
        bundle?.env ?? bareEnv,
      );
      times[name] = ms;
      if (round >= 0 && bundle !== undefined) peakRssBytes[name]?.push(Number(stdout) * 1024);
    }
    if (round < 0) continue;
    const bare = times['node -e 0'] ?? Number.NaN;
    bareNodeMs.push(bare);
    for (const name of names) netMs[name]?.push((times[name] ?? Number.NaN) - bare);
  }
  return { netMs, peakRssBytes, bareNodeMs };
};
