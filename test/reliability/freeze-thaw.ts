import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createHttpApiEvent } from '../helpers/events';
import type { TestResponse } from '../helpers/handler';
import { SENTINEL } from '../helpers/logs';

/**
 * A fault run: DynamoDB Local frozen and thawed in cycles while clients write, then every answer checked against the
 * writes DynamoDB really applied (its table stream). A write the SDK gave up on may land later; the run shows whether
 * a client is ever told otherwise than what happened.
 */

/** A config naming its writer and request in every field: an applied write tells which request it was, whole. */
export const requestConfig = (writer: string, request: number) => ({
  model: `${writer}-${request}`,
  max_tokens: request,
  system_prompt: `${SENTINEL} ${writer} ${request}`,
});

const between = ([min, max]: readonly [number, number]) => min + Math.random() * (max - min);

/**
 * Stops (SIGSTOP) and resumes (SIGCONT) the process `pid` in cycles, each thawed then frozen for a random time in the
 * ranges given, until `forMs` have passed; it always ends thawed. Gives the number of freezes.
 */
export const freezeInCycles = async (
  pid: number,
  { forMs, frozenMs, thawedMs }: { forMs: number; frozenMs: [number, number]; thawedMs: [number, number] },
): Promise<number> => {
  const end = performance.now() + forMs;
  let freezes = 0;
  while (performance.now() + thawedMs[0] < end) {
    await sleep(between(thawedMs));
    process.kill(pid, 'SIGSTOP');
    freezes += 1;
    try {
      await sleep(between(frozenMs));
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  }
  return freezes;
};

/** The value of a settled promise, or its failure thrown. */
export const fulfilled = <T>(outcome: PromiseSettledResult<T>): T => {
  if (outcome.status === 'rejected') throw outcome.reason;
  return outcome.value;
};

/**
 * What `read` gives once two reads a second apart agree: after a freeze, the attempts a client gave up on are
 * carried out as soon as DynamoDB resumes, and nothing changes after them.
 */
export const settled = async <T>(read: () => Promise<T>): Promise<T> => {
  let before = '';
  for (;;) {
    const value = await read();
    const now = JSON.stringify(value);
    if (now === before) return value;
    before = now;
    await sleep(1_000);
  }
};

/** What one write request was answered: its status, and the version a 200 names. */
export interface AnsweredWrite {
  readonly request: number;
  readonly status: number;
  readonly version: number | undefined;
}

type Invoke = (event: APIGatewayProxyEventV2) => Promise<TestResponse>;

// Between two requests of a client: leaves the CPU to DynamoDB Local and the other tests. It does not change what is
// tested: each freeze outlasts it many times, so every freeze finds each client with a request in flight.
const PACE_MS = 20;

const versionIn = (response: TestResponse): number => {
  const { version } = response.body;
  if (typeof version !== 'number') throw new Error(`A ${response.statusCode} without a version`);
  return version;
};

/**
 * A client replacing the config of `sessionId` with `requestConfig(writer, n)`, request after request, while `running`
 * says so. A `conditional` one sends `If-Match` with the version it last knows, and reads the session again (until it
 * is answered) after a 412 or a 503. Gives what each write was answered.
 */
export const writeWhile = async (
  invoke: Invoke,
  {
    sessionId,
    writer,
    conditional,
    running,
  }: {
    sessionId: string;
    writer: string;
    conditional: boolean;
    running: () => boolean;
  },
): Promise<AnsweredWrite[]> => {
  const read = async (): Promise<number> => {
    for (;;) {
      const response = await invoke(createHttpApiEvent({ method: 'GET', sessionId, headers: {} }));
      if (response.statusCode === 200) return versionIn(response);
      if (response.statusCode !== 503) throw new Error(`A read answered ${response.statusCode}`);
    }
  };
  const answered: AnsweredWrite[] = [];
  let known = conditional ? await read() : undefined;
  for (let request = 1; running(); request++) {
    const response = await invoke(
      createHttpApiEvent({
        method: 'PUT',
        sessionId,
        body: { config: requestConfig(writer, request) },
        headers: {
          'content-type': 'application/json',
          ...(known === undefined ? {} : { 'if-match': `"${known}"` }),
        },
      }),
    );
    const version = response.statusCode === 200 ? versionIn(response) : undefined;
    answered.push({ request, status: response.statusCode, version });
    if (conditional) known = version ?? (await read());
    await sleep(PACE_MS);
  }
  return answered;
};

/** One client's answers set against the writes the table's stream holds for its session. */
export interface WriterAudit {
  readonly sent: number;
  /** How many writes were answered with each status. */
  readonly statuses: Readonly<Record<number, number>>;
  /** Requests answered 412 whose write was applied. */
  readonly appliedThough412: readonly number[];
  /** Requests answered 200 whose write was not applied, or not at the version the answer named. */
  readonly answered200NotApplied: readonly number[];
  /** Requests answered 503 whose write was applied all the same (allowed: the client was told it may have been). */
  readonly appliedThough503: number;
  /** Requests whose write was applied more than once. */
  readonly appliedTwice: readonly number[];
  /** Applied writes that are not one request's whole config. */
  readonly mixed: readonly Record<string, unknown>[];
  /** Requests applied, each counted once. */
  readonly applied: number;
  /** The versions the writes were applied at, in order. */
  readonly versions: readonly number[];
  /** The config of the last write applied. */
  readonly lastConfig: unknown;
  /** The session's final version less its first. */
  readonly versionRise: number;
  readonly finalConfig: unknown;
}

/**
 * Sets the answers of `writer` on `sessionId` against `images`, the session's items after each applied write (from
 * the table's stream), those at or below `initialVersion` left out, and against the session as it ended, `final`.
 */
export const auditWriter = (
  answers: readonly AnsweredWrite[],
  images: readonly Record<string, unknown>[],
  final: Record<string, unknown> | undefined,
  { sessionId, writer, initialVersion }: { sessionId: string; writer: string; initialVersion: number },
): WriterAudit => {
  const writes = images
    .filter((image) => image.sessionId === sessionId && Number(image.configVersion) > initialVersion)
    .map((image) => {
      const config = image.config as Record<string, unknown> | undefined;
      return { request: Number(config?.max_tokens), version: Number(image.configVersion), config, image };
    })
    .sort((a, b) => a.version - b.version);
  const appliedAt = new Map<number, number[]>();
  for (const { request, version } of writes)
    appliedAt.set(request, [...(appliedAt.get(request) ?? []), version]);
  const applied = (request: number) => appliedAt.has(request);

  const statuses: Record<number, number> = {};
  for (const { status } of answers) statuses[status] = (statuses[status] ?? 0) + 1;
  const answeredWith = (status: number) => answers.filter((answer) => answer.status === status);
  return {
    sent: answers.length,
    statuses,
    appliedThough412: answeredWith(412)
      .filter(({ request }) => applied(request))
      .map(({ request }) => request),
    answered200NotApplied: answeredWith(200)
      .filter(({ request, version }) => !appliedAt.get(request)?.includes(version ?? Number.NaN))
      .map(({ request }) => request),
    appliedThough503: answeredWith(503).filter(({ request }) => applied(request)).length,
    appliedTwice: [...appliedAt].filter(([, versions]) => versions.length > 1).map(([request]) => request),
    mixed: writes
      .filter(({ request, config }) => !isDeepStrictEqual(config, requestConfig(writer, request)))
      .map(({ image }) => image),
    applied: appliedAt.size,
    versions: writes.map(({ version }) => version),
    lastConfig: writes.at(-1)?.config,
    versionRise: Number(final?.configVersion) - initialVersion,
    finalConfig: final?.config,
  };
};

/** The figures of an audit, for the suite's line. */
export const auditFigures = ({
  sent,
  statuses,
  appliedThough412,
  answered200NotApplied,
  appliedThough503,
  applied,
  versionRise,
}: WriterAudit): string =>
  [
    `${sent} writes sent`,
    ...[...new Set(['200', '412', '503', ...Object.keys(statuses)])].map(
      (status) => `${statuses[Number(status)] ?? 0} × ${status}`,
    ),
    `${appliedThough412.length} 412s really applied`,
    `${answered200NotApplied.length} 200s not applied`,
    `${appliedThough503} 503s applied`,
    `final version − initial version = ${versionRise} for ${applied} writes applied`,
  ].join(', ');
