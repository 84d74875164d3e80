/** What `npm run bench` prints and records: the figures, each ratio against its target, and the machine. */
import { execFileSync } from 'node:child_process';
import { arch, cpus, totalmem, type } from 'node:os';
import { join, resolve } from 'node:path';

/** A ratio with a target: `ours / other` at most (or, for throughput, at least) `target`. */
export interface Ratio {
  readonly measure: string;
  readonly value: number;
  readonly target: number;
  readonly atLeast?: boolean;
}

export const isMet = ({ value, target, atLeast = false }: Ratio): boolean =>
  atLeast ? value >= target : value <= target;

export const machine = () => ({
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  os: `${type()} ${arch()}`,
  node: process.version,
});

/**
 * Where a run's results go: the file chosen (BENCH_RESULTS_FILE), else bench/results.json when the run is to be
 * recorded (`--record`), else bench/results.local.json, which git ignores, so that a run leaves the tree clean.
 */
export const resultsFileOf = ({
  projectRoot,
  record,
  chosen,
}: {
  projectRoot: string;
  record: boolean;
  chosen?: string | undefined;
}): string => resolve(chosen || join(projectRoot, 'bench', record ? 'results.json' : 'results.local.json'));

/** The commit measured, `-dirty` when the work tree had changes (but to the results an earlier run wrote). */
export const commit = (): string => {
  try {
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim();
    const changes = execFileSync('git', ['status', '--porcelain', '--', '.', ':!bench/results.json'], {
      encoding: 'utf8',
    });
    const dirty = changes.trim() !== '';
    return dirty ? `${head}-dirty` : head;
  } catch {
    return 'unknown';
  }
};

const digits = (value: number, fraction = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: fraction, maximumFractionDigits: fraction });

export const format = {
  /** Bytes, µs, requests per second: whole numbers. */
  count: (value: number) => digits(value),
  ms: (value: number) => digits(value, 1),
  /** The latency of one request, whose differences can be tenths of a millisecond. */
  fineMs: (value: number) => digits(value, 2),
  /** A z score: its first decimal is all a test of noisy samples can tell. */
  z: (value: number) => digits(value, 1),
  mib: (value: number) => digits(value / 2 ** 20, 1),
  ratio: (value: number) => digits(value, 2),
};

/** `≤ 1.15`: a ratio's target. */
const targetOf = (ratio: Ratio): string => `${ratio.atLeast ? '≥' : '≤'} ${format.ratio(ratio.target)}`;

/** `✓` or `✗`: whether a ratio meets its target. */
const markOf = (ratio: Ratio): string => (isMet(ratio) ? '✓' : '✗');

/** `1.26 (≤ 1.15 ✗)`: a ratio with its target and whether it is met. */
export const ratioCell = (ratio: Ratio | undefined): string =>
  ratio === undefined ? '' : `${format.ratio(ratio.value)} (${targetOf(ratio)} ${markOf(ratio)})`;

/** A Markdown table, as bench/README.md shows it. */
export const markdownTable = (header: readonly string[], rows: readonly (readonly string[])[]): string => {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
};

/** Every ratio, one a row: its value, its target, and whether it is met. */
export const targetsTable = (ratios: readonly Ratio[]): string =>
  markdownTable(
    ['measure', 'value', 'target', 'met'],
    ratios.map((ratio) => [ratio.measure, format.ratio(ratio.value), targetOf(ratio), markOf(ratio)]),
  );
