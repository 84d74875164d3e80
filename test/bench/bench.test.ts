/**
 * `npm run bench` in miniature: a few rounds of each measure, to prove that it builds the three bundles, that each
 * answers the sample event as it should on the canned transport and on DynamoDB Local, each in a process of its own,
 * that it records every ratio with its target, and that the oracle probes every method on every case. No figure is
 * checked here: speed lives in `npm run bench`, whose numbers never fail a build.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { OracleResult } from '../../bench/oracle';
import { resultsFileOf } from '../../bench/report';
import { worstBodies } from '../../bench/worst-bodies';
import { MAX_BODY_BYTES } from '../../functions/chat-config/body-size';

const run = promisify(execFile);

interface WarmCpu {
  medianMicroseconds: Record<string, number>;
  rounds: Record<string, number[]>;
  requests?: Record<string, Record<string, number>>;
}

interface Results {
  commit: string;
  machine: { node: string };
  bundles: Record<string, { bytes: number; gzipBytes: number }>;
  oursOverFloor: { source: string; bytes: number }[];
  coldInit: { medianNetMs: Record<string, number>; medianPeakRssBytes: Record<string, number> };
  warmCpu: Record<'canned' | 'sockets', WarmCpu>;
  throughput: Record<string, Record<'raw' | 'ours', { median: { perSecond: number; p99Ms: number } }>>;
  worstBodies: {
    targetMs: number;
    slowest: { name: string; medianMs: number };
    bodies: { name: string; bytes: number; status: number; medianMs: number }[];
  };
  ratios: { measure: string; value: number; target: number; atLeast?: boolean; met: boolean }[];
  oracle: OracleResult & { commit: string };
}

const ROUNDS = 2;
const INVOCATIONS = 20;

let workDir: string;
let results: Results;
let printed: string;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'chat-config-bench-test-'));
  const resultsFile = join(workDir, 'results.json');
  const { stdout } = await run('npm', ['run', 'bench'], {
    env: {
      ...process.env,
      BENCH_ROUNDS: String(ROUNDS),
      BENCH_INVOCATIONS: String(INVOCATIONS),
      BENCH_ROUND_MS: '200',
      BENCH_ORACLE_PROBES: '5',
      BENCH_ORACLE_WARM_UP: '1',
      BENCH_RESULTS_FILE: resultsFile,
    },
    maxBuffer: 16 * 1024 * 1024,
    // Before jest gives up: the bench then stops its children and its DynamoDB Local itself.
    timeout: 200_000,
  });
  printed = stdout;
  results = JSON.parse(readFileSync(resultsFile, 'utf8'));
}, 240_000);

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

const BUNDLES = ['floor', 'peer', 'ours'];
const isPositive = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value > 0;

describe('npm run bench', () => {
  it('measures floor, peer and ours on Node.js 24, each bundle by every measure', () => {
    expect(results.machine.node).toMatch(/^v24\./);
    for (const measure of [
      Object.fromEntries(BUNDLES.map((name) => [name, results.bundles[name]?.bytes])),
      results.coldInit.medianNetMs,
      results.coldInit.medianPeakRssBytes,
      results.warmCpu.canned.medianMicroseconds,
      results.warmCpu.sockets.medianMicroseconds,
    ]) {
      expect(Object.keys(measure).sort()).toEqual([...BUNDLES].sort());
      for (const value of Object.values(measure)) expect(isPositive(value)).toBe(true);
    }
  });

  it('times the warm CPU of each bundle in every round, on the canned transport and on real sockets', () => {
    for (const { rounds } of [results.warmCpu.canned, results.warmCpu.sockets]) {
      expect(Object.keys(rounds).sort()).toEqual([...BUNDLES].sort());
      for (const values of Object.values(rounds)) {
        expect(values).toHaveLength(ROUNDS);
        for (const value of values) expect(isPositive(value)).toBe(true);
      }
    }
    expect(printed).toContain('| warm CPU, canned transport (µs per invocation) |');
    expect(printed).toContain('| warm CPU, real sockets (µs per invocation) |');
  });

  it('runs each bundle on the canned transport in a process of its own, which sent only its own writes', () => {
    // One process for all would have sent every bundle's writes through one transport.
    const ownWrites = { 'DynamoDB_20120810.UpdateItem': INVOCATIONS + ROUNDS * INVOCATIONS };
    expect(results.warmCpu.canned.requests).toEqual(
      Object.fromEntries(BUNDLES.map((name) => [name, ownWrites])),
    );
  });

  it('compares ours with a raw UpdateCommand on DynamoDB Local at concurrency 1 and 16', () => {
    expect(Object.keys(results.throughput)).toEqual(['1', '16']);
    for (const sides of Object.values(results.throughput)) {
      expect(isPositive(sides.raw.median.perSecond)).toBe(true);
      expect(isPositive(sides.ours.median.perSecond)).toBe(true);
    }
  });

  it('times ours on each worst body at the size limit, each answered as it must be, against its target', () => {
    const { bodies, slowest, targetMs } = results.worstBodies;

    expect(bodies.map(({ name, status }) => [name, status])).toEqual(
      worstBodies().map(({ name, status }) => [name, status]),
    );
    for (const body of bodies) {
      expect(body.bytes).toBe(MAX_BODY_BYTES);
      expect(isPositive(body.medianMs)).toBe(true);
    }
    expect(bodies.map(({ name }) => name)).toContain(slowest.name);
    expect(isPositive(targetMs)).toBe(true);
    expect(printed).toContain('| worst body (');
  });

  it('records each ratio with its target and whether it is met, and prints them in the targets table', () => {
    const bound = (atLeast?: boolean) => (atLeast ? '≥' : '≤');
    expect(results.ratios.map(({ measure, atLeast, target }) => [measure, bound(atLeast), target])).toEqual([
      ['bundle bytes, ours/floor', '≤', 1.3],
      ['cold init, ours/floor', '≤', 1.15],
      ['warm CPU, canned transport, ours/floor', '≤', 1.25],
      ['warm CPU, real sockets, ours/floor', '≤', 1.25],
      ['throughput at concurrency 1, ours/raw UpdateCommand', '≥', 0.9],
      ['throughput at concurrency 16, ours/raw UpdateCommand', '≥', 0.9],
      ['bundle bytes, ours/peer', '≤', 0.6],
      ['cold init, ours/peer', '≤', 0.8],
      ['warm CPU, canned transport, ours/peer', '≤', 0.8],
      ['warm CPU, real sockets, ours/peer', '≤', 0.8],
    ]);
    for (const { value, met } of results.ratios) {
      expect(isPositive(value)).toBe(true);
      expect(typeof met).toBe('boolean');
    }
    expect(printed).toContain('| bundle (bytes) |');
    expect(printed).toContain('| measure | value | target | met |');
    const rows = printed.split('\n');
    for (const { measure, target, atLeast, met } of results.ratios) {
      const cells = rows.find((row) => row.startsWith(`| ${measure} | `))?.split(' | ');
      expect(cells?.slice(2)).toEqual([`${bound(atLeast)} ${target.toFixed(2)}`, `${met ? '✓' : '✗'} |`]);
    }
    expect(printed).toContain('| in ours, not in floor | bytes |');
  });

  it('tells where the bytes ours adds to the floor come from, our own code among them', () => {
    const sources = results.oursOverFloor.map(({ source }) => source);
    expect(sources).toEqual(
      expect.arrayContaining(['@aws-lambda-powertools/idempotency', 'valibot', 'functions/sessions']),
    );
    expect(sources).not.toContain('zod');
  });
});

describe("npm run bench's oracle", () => {
  it('times GET, PUT, PUT with If-Match and PATCH on each case, every probe answered 404', () => {
    // The run fails on any other answer; here, each case of each method has its probes and its figures.
    expect(Object.keys(results.oracle.methods)).toEqual(['GET', 'PUT', 'PUT If-Match "1"', 'PATCH']);
    for (const { cases, z } of Object.values(results.oracle.methods)) {
      expect(Object.keys(cases)).toEqual(['missing', 'config', 'crowded']);
      for (const { samplesMs, p50Ms } of Object.values(cases)) {
        expect(samplesMs).toHaveLength(5);
        expect(isPositive(p50Ms)).toBe(true);
      }
      expect(Number.isFinite(z.configVsMissing) && Number.isFinite(z.crowdedVsMissing)).toBe(true);
    }
    expect(printed).toContain('| as mallory |');
  });

  it('runs alone when named, keeping the results of the other parts in the file', async () => {
    // GIVEN a results file an earlier run of every part wrote
    const resultsFile = join(workDir, 'earlier.json');
    writeFileSync(resultsFile, JSON.stringify({ ...results, oracle: { commit: 'earlier' } }));

    // WHEN only the oracle runs
    await run('npm', ['run', 'bench', '--', 'oracle'], {
      env: {
        ...process.env,
        BENCH_ORACLE_PROBES: '2',
        BENCH_ORACLE_WARM_UP: '1',
        BENCH_RESULTS_FILE: resultsFile,
      },
      timeout: 100_000,
    });

    // THEN its results are new, the others' as they were
    const after = JSON.parse(readFileSync(resultsFile, 'utf8')) as Results;
    expect(after.oracle.commit).not.toBe('earlier');
    expect(after.oracle.settings.probes).toBe(2);
    expect(after.bundles).toEqual(results.bundles);
    expect(after.commit).toBe(results.commit);
  }, 120_000);
});

describe("the bench's results file", () => {
  const projectRoot = process.cwd();
  const git = (...args: string[]) => run('git', args, { cwd: projectRoot });

  it('is one git ignores unless the run is recorded, so that a run leaves the tree clean', async () => {
    const file = resultsFileOf({ projectRoot, record: false });

    expect(file).toBe(join(projectRoot, 'bench', 'results.local.json'));
    await expect(git('check-ignore', '-q', file)).resolves.toBeDefined();
  });

  it('is the tracked bench/results.json with --record', async () => {
    const file = resultsFileOf({ projectRoot, record: true });

    expect(file).toBe(join(projectRoot, 'bench', 'results.json'));
    await expect(git('ls-files', '--error-unmatch', file)).resolves.toBeDefined();
  });

  it('is BENCH_RESULTS_FILE when set, recorded or not', () => {
    for (const record of [false, true]) {
      expect(resultsFileOf({ projectRoot, record, chosen: 'out/bench.json' })).toBe(
        join(projectRoot, 'out', 'bench.json'),
      );
    }
  });
});
