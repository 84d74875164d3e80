import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { afterAll, beforeAll, beforeEach, expect } from '@jest/globals';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult } from 'aws-lambda';
import { createChatConfigHandler } from '../../functions/chat-config/create-handler';
import { RequestLog } from '../../functions/chat-config/request-log';
import type { SessionStore } from '../../functions/sessions/session-store';
import { createTestTable, idempotencyRecordsAt, type TestTable } from './dynamodb';
import { createContext, invokeOptions, TEST_CALLER } from './events';

/** A parsed handler response. */
export interface TestResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown>;
  readonly rawBody: string;
}

/** The namespace of the metrics tests read. */
export const TEST_METRICS_NAMESPACE = 'ChatConfigTest';

/** The request log as the function builds it, printing each request's line unless `quiet`. */
export const testRequestLog = ({ quiet }: { quiet: boolean }): RequestLog =>
  new RequestLog({ namespace: TEST_METRICS_NAMESPACE, serviceName: 'chat-config', silent: quiet });

/** What a test handler may be given besides its store. */
export interface TestHandlerOptions {
  readonly log?: RequestLog;
  readonly requireIfMatch?: boolean;
  readonly requireIdempotencyKey?: boolean;
  /** @default - records on the run's idempotency table */
  readonly idempotencyRecords?: BasePersistenceLayer;
}

/**
 * The function's Middy handler on `store`, with a logger and metrics that write nothing unless given (no tracer).
 */
export const testChatConfigHandler = (
  store: SessionStore,
  {
    log = testRequestLog({ quiet: true }),
    requireIfMatch = false,
    requireIdempotencyKey = false,
    idempotencyRecords = idempotencyRecordsAt(),
  }: TestHandlerOptions = {},
) =>
  createChatConfigHandler({
    store,
    log,
    requireIfMatch,
    requireIdempotencyKey,
    idempotencyRecords,
  });

/** The Middy handler on `store` (see `testChatConfigHandler`), invoked as Lambda would, its response parsed. */
export const createTestHandler = (
  store: SessionStore,
  options: Parameters<typeof testChatConfigHandler>[1] = {},
) => {
  const handler = testChatConfigHandler(store, options);
  return async (
    event: APIGatewayProxyEventV2 | APIGatewayProxyEvent,
    timeoutMs?: number,
  ): Promise<TestResponse> => {
    const result: APIGatewayProxyResult | undefined = await handler(
      event,
      createContext(timeoutMs),
      invokeOptions(),
    );
    if (!result) throw new Error('The handler returned no response');
    return {
      statusCode: result.statusCode,
      headers: (result.headers ?? {}) as Record<string, string>,
      // A 304 has no body.
      body: (result.body === '' ? {} : JSON.parse(result.body)) as Record<string, unknown>,
      rawBody: result.body,
    };
  };
};

/** Asserts that a response is a problem (RFC 9457) of `status`, whose `detail` matches `detail` when given. */
export const expectProblem = (response: TestResponse, status: number, detail?: string | RegExp): void => {
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toBe('application/problem+json');
  expect(response.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
  expect(response.body.detail).toEqual(expect.any(String));
  expect(response.body.error).toEqual(expect.any(String));
  if (detail !== undefined) expect(response.body.detail).toMatch(detail);
};

/**
 * A session of the test caller that this API wrote (at version 4), as a test file seeds it; `overrides` give what
 * the file's tests need.
 */
export const storedSession = (overrides: Record<string, unknown> = {}) => ({
  sessionId: 'session-1',
  ownerId: TEST_CALLER,
  config: { model: 'gpt-4' },
  configVersion: 4,
  updatedAt: '2026-11-26T10:00:00.000Z',
  ...overrides,
});

/**
 * For a test file: its own sessions table on DynamoDB Local with `item` put afresh before each test, and the handler
 * on that table. Call it at the top of the file; `table` and `invoke` work inside the file's hooks and tests.
 */
export const useSessionFixture = (item: { readonly sessionId: string } & Record<string, unknown>) => {
  let created: TestTable | undefined;
  let handler: ReturnType<typeof createTestHandler> | undefined;
  beforeAll(async () => {
    created = await createTestTable();
    handler = createTestHandler(created.store);
  });
  afterAll(async () => created?.drop());
  beforeEach(async () => created?.put(item));

  const ready = () => {
    if (created === undefined || handler === undefined)
      throw new Error('useSessionFixture: used outside a test');
    return { table: created, invoke: handler };
  };
  const table: TestTable = {
    get tableName() {
      return ready().table.tableName;
    },
    get endpoint() {
      return ready().table.endpoint;
    },
    get store() {
      return ready().table.store;
    },
    put: (value) => ready().table.put(value),
    get: (sessionId) => ready().table.get(sessionId),
    putRaw: (value) => ready().table.putRaw(value),
    getRaw: (sessionId) => ready().table.getRaw(sessionId),
    drop: () => ready().table.drop(),
  };
  return {
    table,
    invoke: (...args: Parameters<ReturnType<typeof createTestHandler>>) => ready().invoke(...args),
    /** Asserts that the session is exactly `item` still: the request changed nothing. */
    expectSessionUnchanged: async () => expect(await table.get(item.sessionId)).toEqual(item),
  };
};

/**
 * `store`, its writes held: each waits until `release` is called, and `arrived` resolves as the first starts waiting.
 * A request can so be kept running, deterministically, while another is sent.
 */
export const holdingWrites = (store: SessionStore) => {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let arrive = () => {};
  const arrived = new Promise<void>((resolve) => {
    arrive = resolve;
  });
  const held =
    <R, T>(write: (request: R) => Promise<T>) =>
    async (request: R): Promise<T> => {
      arrive();
      await released;
      return write(request);
    };
  const holding: SessionStore = {
    getConfig: (request) => store.getConfig(request),
    replaceConfig: held((request) => store.replaceConfig(request)),
    patchConfig: held((request) => store.patchConfig(request)),
  };
  return { store: holding, arrived, release };
};
