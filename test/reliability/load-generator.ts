/**
 * The load suite's client, run as a process of its own: autocannon sends a mix of GET, PUT and PATCH over the given
 * sessions for a fixed time, then this prints one JSON line of results on stdout.
 *
 * Argument: JSON of `LoadPlan`. Each request picks a session and a method at random: GETs (some with If-None-Match),
 * PUTs and PATCHes with If-Match of the version last seen (412 when another connection wrote since), and a few requests
 * to a session that does not exist (404).
 */
import autocannon from 'autocannon';

export interface LoadPlan {
  readonly baseUrl: string;
  readonly authorization: string;
  readonly sessions: readonly string[];
  readonly missingSession: string;
  readonly connections: number;
  /** Seconds of the same load first, not measured (DynamoDB Local's JVM compiles its hot paths), then `seconds`. */
  readonly warmupSeconds: number;
  readonly seconds: number;
  /** Text every config sent holds, which the logs must never show. */
  readonly sentinel: string;
}

/** What was measured after the warm-up, but the counts of errors, time-outs and writes, which count it too. */
export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly statuses: Record<string, number>;
  readonly latencyMs: {
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly max: number;
  };
  readonly requestsPerSecond: number;
  /** Writes answered 200, by session. */
  readonly writesBySession: Record<string, number>;
  /** Responses whose method and status the mix does not expect, e.g. `PUT 500`. */
  readonly unexpected: Record<string, number>;
}

const plan = JSON.parse(process.argv[2] ?? '{}') as LoadPlan;
const pathOf = (session: string) => `/api/chat-sessions/${session}/config`;
const lastSeen = new Map<string, string>();
const writesBySession: Record<string, number> = {};
/** Adds one to `key` in `counts`. */
const count = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};
const unexpected: Record<string, number> = {};
// What each method may answer in this mix; anything else is an error of the service.
const EXPECTED: Record<string, readonly number[]> = {
  GET: [200, 304],
  PUT: [200, 412],
  PATCH: [200, 412],
  MISSING: [404],
};

interface Sent {
  method: string;
  session: string;
  missing: boolean;
}

const pick = <T>(values: readonly T[]): T => values[Math.floor(Math.random() * values.length)] as T;

// `warmup` is an option of autocannon's (its README) that its type definitions leave out.
const options: autocannon.Options & { warmup: { connections: number; duration: number } } = {
  url: plan.baseUrl,
  connections: plan.connections,
  duration: plan.seconds,
  warmup: { connections: plan.connections, duration: plan.warmupSeconds },
  timeout: 10,
  requests: [
    {
      setupRequest: (request, context) => {
        const roll = Math.random();
        const missing = roll < 0.05;
        const session = missing ? plan.missingSession : pick(plan.sessions);
        const etag = lastSeen.get(session);
        const headers: Record<string, string> = { authorization: plan.authorization };
        let method = 'GET';
        let body: string | undefined;
        if (roll < 0.55) {
          if (etag && Math.random() < 0.3) headers['if-none-match'] = etag;
        } else if (roll < 0.75) {
          method = 'PUT';
          headers['content-type'] = 'application/json';
          if (etag) headers['if-match'] = etag;
          body = JSON.stringify({
            config: { model: 'gpt-4', temperature: Math.random(), system_prompt: `${plan.sentinel} ${roll}` },
          });
        } else {
          method = 'PATCH';
          headers['content-type'] = 'application/merge-patch+json';
          if (etag) headers['if-match'] = etag;
          body = JSON.stringify({ max_tokens: 1 + Math.floor(Math.random() * 4096), stop: [plan.sentinel] });
        }
        (context as { sent?: Sent }).sent = { method, session, missing };
        return {
          ...request,
          method,
          path: pathOf(session),
          headers,
          ...(body ? { body } : {}),
        } as typeof request;
      },
      onResponse: (status, _body, context, headers) => {
        const { method, session, missing } = (context as { sent: Sent }).sent;
        if (!(EXPECTED[missing ? 'MISSING' : method] ?? []).includes(status))
          count(unexpected, `${method} ${status}`);
        const etag = (headers as Record<string, string | undefined>)?.etag;
        if (etag) lastSeen.set(session, etag);
        if (status === 200 && method !== 'GET') count(writesBySession, session);
      },
    },
  ],
};
const result = await autocannon(options);

const { warmup } = result as typeof result & { warmup?: { errors: number; timeouts: number } };
const statuses = Object.fromEntries(
  Object.entries(result.statusCodeStats ?? {}).map(([status, { count }]) => [status, Number(count)]),
);
const output: LoadResult = {
  requests: result.requests.total,
  errors: result.errors + (warmup?.errors ?? 0),
  timeouts: result.timeouts + (warmup?.timeouts ?? 0),
  statuses,
  latencyMs: {
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
  },
  requestsPerSecond: result.requests.average,
  writesBySession,
  unexpected,
};
process.stdout.write(`${JSON.stringify(output)}\n`);
