import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { gatherOutput } from '../helpers/child-output';
import { createTestTable, type TestTable } from '../helpers/dynamodb';
import { printFigure } from '../helpers/figures';
import { testRequestLog } from '../helpers/handler';
import { serveLocalApi } from '../helpers/local-api';
import { SENTINEL, useSentinelLogs } from '../helpers/logs';
import { bearer } from '../helpers/tokens';
import type { LoadPlan, LoadResult } from './load-generator';

// Load: the local API (authorizer, handler, DynamoDB Local) under a bounded load from a second process on loopback:
// autocannon, 32 connections for 30 s (LOAD_SECONDS), mixed GET/PUT/PATCH over 100 sessions. It stops by itself.
const CONNECTIONS = 32;
const SECONDS = Number(process.env.LOAD_SECONDS ?? 30);
const WARMUP_SECONDS = 5;
const SESSIONS = Array.from({ length: 100 }, (_, i) => `load-${i}`);
const SEEDED_VERSION = 1;

let table: TestTable;
let api: { baseUrl: string; close: () => void };
const { expectNoConfigValueLogged } = useSentinelLogs();

beforeAll(async () => {
  table = await createTestTable();
  for (const sessionId of SESSIONS) {
    await table.put({
      sessionId,
      ownerId: 'alice',
      config: { model: 'gpt-4' },
      configVersion: SEEDED_VERSION,
    });
  }
  api = await serveLocalApi(table.store, { log: testRequestLog({ quiet: false }) });
});
afterAll(async () => {
  api.close();
  await table.drop();
});

/** Runs the load generator in a process of its own, and reads its one line of results. */
const runLoad = async (plan: LoadPlan): Promise<LoadResult> => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/reliability/load-generator.ts', JSON.stringify(plan)],
    { stdio: ['ignore', 'pipe', 'pipe'], timeout: (plan.warmupSeconds + plan.seconds + 60) * 1000 },
  );
  const output = gatherOutput(child);
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`The load generator exited with ${code}: ${output.stderr}`);
  return JSON.parse(output.stdout.trim().split('\n').at(-1) ?? '') as LoadResult;
};

describe('load: the local API under 32 connections from another process', () => {
  it(
    `answers ${SECONDS} s of mixed GET/PUT/PATCH over ${SESSIONS.length} sessions without an unexpected answer`,
    async () => {
      // WHEN
      const result = await runLoad({
        baseUrl: api.baseUrl,
        authorization: await bearer('alice', { expiresIn: SECONDS + 600 }),
        sessions: SESSIONS,
        missingSession: 'load-missing',
        connections: CONNECTIONS,
        warmupSeconds: WARMUP_SECONDS,
        seconds: SECONDS,
        sentinel: SENTINEL,
      });

      // THEN no error, no time-out, and only what the mix expects: 200/304 to GET, 200/412 to writes, 404 when missing
      expect(result.errors).toBe(0);
      expect(result.timeouts).toBe(0);
      expect(result.unexpected).toEqual({});
      expect(Object.keys(result.statuses).sort()).toEqual(['200', '304', '404', '412']);
      expect(result.requests).toBeGreaterThan(SECONDS * 10);
      // ... no write lost: each session's version counts at least its seed and the writes acknowledged to it; and
      // beyond those, at most one write a connection at the end of the warm-up and of the run, the one in flight when
      // the time was up (autocannon drops it)
      let landedUnanswered = 0;
      for (const sessionId of SESSIONS) {
        const acknowledged = SEEDED_VERSION + (result.writesBySession[sessionId] ?? 0);
        const version = (await table.get(sessionId))?.configVersion as number;
        expect({ sessionId, short: version < acknowledged }).toEqual({ sessionId, short: false });
        landedUnanswered += version - acknowledged;
      }
      expect(landedUnanswered).toBeLessThanOrEqual(2 * CONNECTIONS);
      // ... and no config value logged
      const logLines = expectNoConfigValueLogged();

      const statuses = Object.entries(result.statuses).map(([status, count]) => `${status}: ${count}`);
      const writes = Object.values(result.writesBySession).reduce((total, n) => total + n, 0);
      const { p50, p90, p99, max } = result.latencyMs;
      printFigure(
        `load: ${CONNECTIONS} connections × ${SECONDS} s (after ${WARMUP_SECONDS} s of warm-up) from a second process, GET/PUT/PATCH over ${SESSIONS.length} sessions: ${result.requests} requests (${Math.round(result.requestsPerSecond)} req/s; ${statuses.join(', ')}), 0 errors, 0 unexpected; latency p50 ${p50} ms, p90 ${p90} ms, p99 ${p99} ms, max ${max} ms; ${writes} writes acknowledged, none lost (${landedUnanswered} more landed unanswered at the cut-off); ${logLines} log lines without a config value`,
      );
    },
    (WARMUP_SECONDS + SECONDS + 120) * 1000,
  );
});
