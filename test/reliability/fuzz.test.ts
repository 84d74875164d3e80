import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { CHAT_CONFIG_PATH } from '../../functions/chat-config/routes';
import { createTestTable, type TestTable } from '../helpers/dynamodb';
import { createHttpApiEvent, createRestApiEvent } from '../helpers/events';
import { printFigure } from '../helpers/figures';
import { createTestHandler, type TestResponse, testRequestLog } from '../helpers/handler';
import { useSentinelLogs } from '../helpers/logs';
import { openApiViolations } from '../helpers/openapi';
import { specViolations } from './config-spec';
import { type ConditionChoice, FUZZ_SESSIONS, type FuzzRequest, fuzzRequest } from './fuzz-requests';

// Fuzz: thousands of generated requests through the handler on DynamoDB Local, each checked against what must hold
// whatever arrives. Replay a failure with FUZZ_SEED=<seed> (printed with it); FUZZ_RUNS sets the number of requests.
const RUNS = Number(process.env.FUZZ_RUNS ?? 5_000);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
// Independent lanes run at once, each on sessions of its own with seed SEED + lane: DynamoDB Local answers several
// requests at a time, and a lane replays the same whatever the others do.
const LANES = 4;
const laneSession = (sessionId: string, lane: number) => `${sessionId}-${lane}`;
const SESSION_IDS = new Set<string>(Object.values(FUZZ_SESSIONS));

type Item = Record<string, unknown>;

const DOCUMENTED_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH']);
const SESSIONS: Item[] = [
  { sessionId: FUZZ_SESSIONS.alice, ownerId: 'alice', config: { model: 'gpt-4' }, configVersion: 3 },
  { sessionId: FUZZ_SESSIONS.aliceToo, ownerId: 'alice', messages: [{ role: 'user', content: 'hi' }] },
  // Written before this API validated configs: no version, and fields the schema refuses.
  { sessionId: FUZZ_SESSIONS.legacy, ownerId: 'alice', config: { colour: 'blue', temperature: 7 } },
  { sessionId: FUZZ_SESSIONS.bob, ownerId: 'bob', config: { model: 'bobs' }, configVersion: 1 },
  { sessionId: FUZZ_SESSIONS.ownerless, config: { model: 'nobody' }, configVersion: 2 },
];

const { expectNoConfigValueLogged } = useSentinelLogs();
let table: TestTable;
let invoke: ReturnType<typeof createTestHandler>;
// What each session holds, as DynamoDB's typed attributes in JSON: the model every response is checked against.
const held = new Map<string, string | undefined>();

beforeAll(async () => {
  table = await createTestTable();
  for (let lane = 0; lane < LANES; lane++) {
    for (const item of SESSIONS)
      await table.put({ ...item, sessionId: laneSession(String(item.sessionId), lane) });
    for (const id of SESSION_IDS) held.set(laneSession(id, lane), await table.getRaw(laneSession(id, lane)));
  }
  invoke = createTestHandler(table.store, { log: testRequestLog({ quiet: false }) });
});
afterAll(async () => table.drop());

const itemOf = (raw: string | undefined): Item | undefined =>
  raw === undefined ? undefined : unmarshall(JSON.parse(raw) as Record<string, AttributeValue>);

const versionOf = (item: Item | undefined): number =>
  typeof item?.configVersion === 'number' ? item.configVersion : 0;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** JSON with sorted keys: equal for equal values whatever their order, and `-0` as `0`, as a client reads it. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_, v: unknown) =>
    isRecord(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );

const conditionValue = (choice: ConditionChoice, version: number, garbage: string): string =>
  ({
    current: `"${version}"`,
    stale: `"${Math.max(0, version - 1)}"`,
    next: `"${version + 1}"`,
    star: '*',
    'weak-current': `W/"${version}"`,
    list: `"${version + 5}", "${version}"`,
    garbage,
  })[choice];

const eventOf = (request: FuzzRequest, version: number) => {
  const headers: Record<string, string> = { ...request.extraHeaders };
  if (request.contentType === 'matching') {
    headers['content-type'] =
      request.method.toUpperCase() === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
  } else if (request.contentType !== undefined) headers['content-type'] = request.contentType;
  if (request.ifMatch)
    headers['if-match'] = conditionValue(request.ifMatch, version, request.garbageCondition);
  if (request.ifNoneMatch)
    headers['if-none-match'] = conditionValue(request.ifNoneMatch, version, request.garbageCondition);
  const common = {
    method: request.method,
    sessionId: request.sessionId,
    caller: request.caller,
    ...(request.body === undefined ? {} : { body: request.body, isBase64Encoded: request.isBase64Encoded }),
  };
  if (request.payload === 'REST') {
    // A REST API passes header names as the client wrote them.
    const named = Object.entries(headers).map(([name, value], i) => [
      i % 2 === 0 ? name.toUpperCase() : name.replace(/(^|-)[a-z]/g, (m) => m.toUpperCase()),
      value,
    ]);
    return createRestApiEvent({ ...common, headers: Object.fromEntries(named) });
  }
  const event = createHttpApiEvent({ ...common, headers });
  // The method exactly as generated (the local API upper-cases it), as a direct invocation may send it.
  return {
    ...event,
    requestContext: {
      ...event.requestContext,
      http: { ...event.requestContext.http, method: request.method },
    },
  };
};

/** The JSON the client sent, as the handler must have read it once it answered 2xx. */
const sentJson = (request: FuzzRequest): unknown =>
  JSON.parse(
    request.isBase64Encoded
      ? Buffer.from(request.body ?? '', 'base64').toString('utf8')
      : (request.body ?? ''),
  );

/** RFC 7396 on a config: `null` removes a field, any other value replaces it. The oracle's own, not the product's. */
const mergePatch = (target: unknown, patch: Record<string, unknown>): Record<string, unknown> => {
  const merged: Record<string, unknown> = { ...(isRecord(target) ? target : {}) };
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete merged[name];
    else merged[name] = value;
  }
  return merged;
};

/** What every response must be: below 500, and as the OpenAPI document describes it (a problem for other methods). */
const checkResponse = (request: FuzzRequest, response: TestResponse) => {
  expect(response.statusCode).toBeLessThan(500);
  if (DOCUMENTED_METHODS.has(request.method)) {
    expect(
      openApiViolations(CHAT_CONFIG_PATH, request.method, {
        status: response.statusCode,
        headers: new Headers(response.headers),
        body: response.rawBody,
      }),
    ).toEqual([]);
  } else {
    expect([401, 405, 431]).toContain(response.statusCode);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.body.status).toBe(response.statusCode);
  }
};

/** What a 2xx must have done, given the session before and after. */
const checkSuccess = (request: FuzzRequest, response: TestResponse, before: Item, after: Item) => {
  // Only the owner gets a 2xx, and only on a session that exists.
  expect(before.ownerId).toBe(request.caller);
  const { config: configBefore, configVersion: _v, updatedAt: _u, configWriteId: _w, ...restBefore } = before;
  const { config: configAfter, configVersion, updatedAt, configWriteId: _id, ...restAfter } = after;
  expect(restAfter).toEqual(restBefore);
  if (request.method === 'GET') {
    expect(after).toEqual(before);
    expect(canonical(response.body.config)).toBe(canonical(isRecord(configBefore) ? configBefore : {}));
    expect(response.body.version).toBe(versionOf(before));
    return;
  }
  // A patch that names no field writes nothing and answers the session as it stands.
  const sent = sentJson(request);
  if (request.method === 'PATCH' && isRecord(sent) && Object.keys(sent).length === 0) {
    expect(after).toEqual(before);
    expect(response.body.version).toBe(versionOf(before));
    return;
  }
  // A write stores exactly the config sent, or the patch sent merged into the config, counts it, and what it stores
  // keeps the documented rules (checked without the product's schema).
  const expected =
    request.method === 'PATCH'
      ? mergePatch(configBefore, sent as Record<string, unknown>)
      : (sent as { config: unknown }).config;
  expect(canonical(configAfter)).toBe(canonical(expected));
  expect(specViolations(configAfter)).toEqual([]);
  expect(canonical(response.body.config)).toBe(canonical(configAfter));
  expect(configVersion).toBe(versionOf(before) + 1);
  expect(response.body.version).toBe(configVersion);
  expect(response.headers.etag).toBe(`"${String(configVersion)}"`);
  expect(response.body.updatedAt).toBe(updatedAt);
};

describe('fuzz: generated requests through the handler on DynamoDB Local', () => {
  const statuses = new Map<number, number>();
  const succeeded = new Set<string>();
  let requests = 0;
  let started = 0;
  let invariantsHeld = false;

  beforeAll(() => {
    started = performance.now();
  });

  it(`holds its invariants over ${RUNS} requests (seed ${SEED}, lanes ${LANES})`, async () => {
    const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

    const check = async (lane: number, generated: FuzzRequest) => {
      const request =
        generated.sessionId !== null && SESSION_IDS.has(generated.sessionId)
          ? { ...generated, sessionId: laneSession(generated.sessionId, lane) }
          : generated;
      const target = request.sessionId ?? '';
      const known = held.has(target);
      const before = itemOf(held.get(target));

      const response = await invoke(eventOf(request, versionOf(before)));
      requests += 1;
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);

      checkResponse(request, response);
      if (!known) {
        // Not one of the sessions: it neither existed nor does now.
        expect(response.statusCode).not.toBeLessThan(300);
        return;
      }
      const raw = await table.getRaw(target);
      const rawBefore = held.get(target);
      held.set(target, raw);
      if (response.statusCode >= 300) {
        // Refused, or not modified: the item is byte for byte what it was.
        expect(raw).toBe(rawBefore);
        if (response.statusCode === 304) expect(response.headers.etag).toBe(`"${versionOf(before)}"`);
        return;
      }
      checkSuccess(request, response, before as Item, itemOf(raw) as Item);
      succeeded.add(request.method);
    };

    // Every lane runs to its end (or its failure) before the first failure, with its seed, is reported.
    const lanes = await Promise.allSettled(
      Array.from({ length: LANES }, (_, lane) =>
        fc.assert(
          fc.asyncProperty(fuzzRequest, (request) => check(lane, request)),
          { numRuns: Math.ceil(RUNS / LANES), seed: SEED + lane, endOnFailure: true },
        ),
      ),
    );
    for (const lane of lanes) if (lane.status === 'rejected') throw lane.reason;

    // No key reached Object.prototype. (That the missing session stayed missing, each request to it checked.)
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    // Writes did happen, of both kinds, and refusals of each sort: the run exercised what it claims to.
    const expectedStatuses = [200, 304, 400, 401, 404, 405, 412, 413, 415, 422, 431];
    expect(expectedStatuses.filter((status) => !statuses.has(status))).toEqual([]);
    expect([...succeeded].sort()).toEqual(['GET', 'PATCH', 'POST', 'PUT']);
    invariantsHeld = true;
  }, 180_000);

  it('logged no config value (each carried a sentinel)', () => {
    const lines = expectNoConfigValueLogged();

    const byStatus = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`);
    const serverErrors = [...statuses].filter(([status]) => status >= 500).reduce((sum, [, n]) => sum + n, 0);
    printFigure(
      `fuzz: ${requests} requests (seed ${SEED}, ${LANES} lanes), ${invariantsHeld ? 'every invariant held' : 'AN INVARIANT BROKE'}, ${serverErrors} 5xx, ${lines} log lines without a config value; statuses ${byStatus.join(', ')}; ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  });
});
