/**
 * The oracle part of `npm run bench`: whether a caller can tell, by how long the 404 takes, another user's session
 * from no session at all. The handler is built as the tests build it (in this process, logs and metrics silenced) on
 * a table of DynamoDB Local; "mallory" asks for (a) a session that does not exist, (b) a session of "alice" whose config
 * is the largest the schema takes, (c) a session of hers whose item is near DynamoDB's 400 KB, another system's data
 * beside the config. Each method's probes run after a warm-up, in rounds that take the cases in random order; for each
 * method, the median and p90 of each case, and the Mann–Whitney z of (b) and of (c) against (a).
 *
 * On its own, on a DynamoDB Local of its own, printing its table: `npx tsx bench/oracle.ts [--probes N] [--warm-up N]`.
 */
import { parseArgs } from 'node:util';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createChatConfigHandler } from '../functions/chat-config/create-handler';
import { idempotencyRecordsOn } from '../functions/chat-config/idempotent-writes';
import { RequestLog } from '../functions/chat-config/request-log';
import { MAX_CONFIG_BYTES } from '../functions/sessions/config-schema';
import { createDocumentClient, DynamoDbSessionStore } from '../functions/sessions/dynamodb-session-store';
import { withNotFoundFloor } from '../functions/sessions/not-found-floor';
import type { SessionStore } from '../functions/sessions/session-store';
import { DEFAULT_OWNER_ATTRIBUTE } from '../functions/sessions/session-table';
import { ensureSessionsTable, localDynamoDbClient, startDynamoDbLocal } from '../local/dynamodb-local';
import { lambdaContext } from '../local/http-api';
import { LARGEST_CONFIG } from '../test/helpers/configs';
import { createHttpApiEvent } from '../test/helpers/events';
import { format, markdownTable } from './report';
import { mannWhitneyZ, quantile, rotated, shuffled } from './stats';

const TABLE_NAME = 'bench-oracle';
const CALLER = 'mallory';

/** The sessions probed, by case. */
const CASES = {
  missing: { sessionId: 'oracle-missing', label: '(a) no session' },
  config: { sessionId: 'oracle-config', label: "(b) alice's, largest config" },
  crowded: { sessionId: 'oracle-crowded', label: "(c) alice's, item near 400 KB" },
} as const;
type Case = keyof typeof CASES;
const CASE_NAMES = Object.keys(CASES) as Case[];

const JSON_HEADERS = { 'content-type': 'application/json' };
const REPLACEMENT = { config: { model: 'gpt-4', temperature: 0.7 } };
/** Each request probed: a valid one, which only the session's owner would see succeed. */
const PROBES = {
  GET: { method: 'GET', headers: {} },
  PUT: { method: 'PUT', headers: JSON_HEADERS, body: REPLACEMENT },
  'PUT If-Match "1"': { method: 'PUT', headers: { ...JSON_HEADERS, 'if-match': '"1"' }, body: REPLACEMENT },
  PATCH: {
    method: 'PATCH',
    headers: { 'content-type': 'application/merge-patch+json' },
    body: { top_p: 0.9 },
  },
} as const;
type ProbeName = keyof typeof PROBES;
const PROBE_NAMES = Object.keys(PROBES) as ProbeName[];

const alicesSession = {
  [DEFAULT_OWNER_ATTRIBUTE]: 'alice',
  config: LARGEST_CONFIG,
  configVersion: 1,
  updatedAt: '2026-11-26T10:00:00.000Z',
};
// What another system keeps on the item: messages of 5 KiB, one fewer than would take it past DynamoDB's 400 KB with
// the largest config.
const MESSAGE_BYTES = 5 * 1024;
const messages = Array.from(
  { length: Math.floor((400 * 1024 - MAX_CONFIG_BYTES) / MESSAGE_BYTES) - 1 },
  (_, i) => `message ${i} `.padEnd(MESSAGE_BYTES, 'm'),
);
const ITEMS = [
  { sessionId: CASES.config.sessionId, ...alicesSession },
  { sessionId: CASES.crowded.sessionId, ...alicesSession, messages },
];

/** One method's figures: each case's latencies (ms), and the z of (b) and of (c) against (a), positive when slower. */
export interface MethodFigures {
  readonly cases: Record<
    Case,
    { readonly p50Ms: number; readonly p90Ms: number; readonly samplesMs: number[] }
  >;
  readonly z: { readonly configVsMissing: number; readonly crowdedVsMissing: number };
}

/** The settings unless the run gives others. */
export const ORACLE_DEFAULTS = { probes: 300, warmUpRounds: 100 } as const;

export interface OracleSettings {
  /** Probes of each case, per method. */
  readonly probes: number;
  /** Unrecorded rounds first, each one probe of every case and method. */
  readonly warmUpRounds: number;
}

export type OracleResult = Awaited<ReturnType<typeof measureOracle>>;

/** The function's handler on `store`, as the tests build it: its logs and EMF lines written nowhere, no tracer. */
const quietHandler = (store: SessionStore) =>
  createChatConfigHandler({
    store,
    log: new RequestLog({ namespace: 'ChatConfigBench', serviceName: 'chat-config', silent: true }),
    // Never read: the probes carry no Idempotency-Key.
    idempotencyRecords: idempotencyRecordsOn('bench-idempotency'),
  });

/** Probes the handler on the DynamoDB Local at `endpoint`; fails if any probe is answered otherwise than 404. */
export const measureOracle = async (endpoint: string, settings: OracleSettings) => {
  console.log(
    `Oracle: ${settings.probes} probes of each case and method, after ${settings.warmUpRounds} rounds…`,
  );
  const client = localDynamoDbClient(endpoint);
  const storeClient = createDocumentClient({ endpoint });
  try {
    await ensureSessionsTable(client, TABLE_NAME);
    const documents = DynamoDBDocumentClient.from(client);
    for (const item of ITEMS) await documents.send(new PutCommand({ TableName: TABLE_NAME, Item: item }));
    // Wrapped as the function wraps its own store.
    const handler = quietHandler(withNotFoundFloor(new DynamoDbSessionStore(storeClient, TABLE_NAME)));
    const context = lambdaContext(3_600_000);

    const probe = async (name: ProbeName, which: Case) => {
      const event = createHttpApiEvent({
        ...PROBES[name],
        sessionId: CASES[which].sessionId,
        caller: CALLER,
      });
      const start = performance.now();
      const response = await handler(event, context, { signal: new AbortController().signal });
      const ms = performance.now() - start;
      if (response?.statusCode !== 404) {
        throw new Error(`${name} of ${CASES[which].label} answered ${response?.statusCode}, not 404`);
      }
      return ms;
    };
    const samples = Object.fromEntries(
      PROBE_NAMES.map((name) => [
        name,
        Object.fromEntries(CASE_NAMES.map((which) => [which, [] as number[]])),
      ]),
    ) as Record<ProbeName, Record<Case, number[]>>;
    // Methods rotate and cases are shuffled in every round, so that the machine's drift hits each alike.
    for (let round = -settings.warmUpRounds; round < settings.probes; round += 1) {
      for (const name of rotated(PROBE_NAMES, round + settings.warmUpRounds)) {
        for (const which of shuffled(CASE_NAMES)) {
          const ms = await probe(name, which);
          if (round >= 0) samples[name][which].push(ms);
        }
      }
    }

    const figuresOf = (samplesMs: number[]) => ({
      p50Ms: quantile(samplesMs, 0.5),
      p90Ms: quantile(samplesMs, 0.9),
      samplesMs,
    });
    const methods = Object.fromEntries(
      Object.entries(samples).map(([name, { missing, config, crowded }]) => [
        name,
        {
          cases: { missing: figuresOf(missing), config: figuresOf(config), crowded: figuresOf(crowded) },
          z: {
            configVsMissing: mannWhitneyZ(config, missing),
            crowdedVsMissing: mannWhitneyZ(crowded, missing),
          },
        } satisfies MethodFigures,
      ]),
    ) as Record<ProbeName, MethodFigures>;
    return { settings, methods };
  } finally {
    client.destroy();
    storeClient.destroy();
  }
};

/** The figures as a Markdown table, as bench/README.md shows them. */
export const oracleTable = ({ methods }: OracleResult): string =>
  markdownTable(
    [
      'as mallory',
      ...CASE_NAMES.map((which) => `${CASES[which].label}: p50 / p90 (ms)`),
      'z (b) vs (a)',
      'z (c) vs (a)',
    ],
    PROBE_NAMES.map((name) => {
      const { cases, z } = methods[name];
      return [
        name,
        ...CASE_NAMES.map(
          (which) => `${format.fineMs(cases[which].p50Ms)} / ${format.fineMs(cases[which].p90Ms)}`,
        ),
        format.z(z.configVsMissing),
        format.z(z.crowdedVsMissing),
      ];
    }),
  );

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      probes: { type: 'string', default: String(ORACLE_DEFAULTS.probes) },
      'warm-up': { type: 'string', default: String(ORACLE_DEFAULTS.warmUpRounds) },
    },
    strict: true,
  });
  const count = (name: string, text: string) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
    return value;
  };
  const settings = {
    probes: count('probes', values.probes),
    warmUpRounds: count('warm-up', values['warm-up']),
  };
  const dynamoDb = await startDynamoDbLocal();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void dynamoDb.stop().finally(() => process.exit(1)));
  }
  try {
    console.log(`\n${oracleTable(await measureOracle(dynamoDb.endpoint, settings))}`);
  } finally {
    await dynamoDb.stop();
  }
}
