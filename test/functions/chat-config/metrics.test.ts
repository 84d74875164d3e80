import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  CHAT_CONFIG_METRICS,
  type OUTCOMES,
  outcomeOf,
  validationFieldOf,
} from '../../../functions/chat-config/metrics';
import type { RequestLog } from '../../../functions/chat-config/request-log';
import { createTestTable, storeAt, type TestTable } from '../../helpers/dynamodb';
import { createHttpApiEvent, type TestRequest } from '../../helpers/events';
import { type DynamoDbProxy, startDynamoDbProxy, startSilentEndpoint } from '../../helpers/fake-dynamodb';
import {
  createTestHandler,
  storedSession,
  TEST_METRICS_NAMESPACE,
  testRequestLog,
} from '../../helpers/handler';
import { type CapturedLogs, captureLogs, emfMetricsOf, SENTINEL } from '../../helpers/logs';

let table: TestTable;
let logs: CapturedLogs;
let log: RequestLog;

/** The handler on `endpoint` (this file's table unless given), with printing metrics and the store's latency. */
const handlerOn = (endpoint = table.endpoint, tableName = table.tableName) =>
  createTestHandler(storeAt(endpoint, tableName, { onCall: log.storeCall }), { log });

/** Sends one request (with `timeoutMs` of Lambda time left) and gives the EMF metrics it printed, by name. */
const emitted = async (request: TestRequest, invoke = handlerOn(), timeoutMs?: number) => {
  const response = await invoke(createHttpApiEvent(request), timeoutMs);
  const byName = Object.groupBy(emfMetricsOf(logs.lines()), ({ name }) => name);
  return { response, byName };
};

beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => table.drop());
beforeEach(async () => {
  await table.put(storedSession({ config: { model: 'gpt-4', temperature: 1 } }));
  log = testRequestLog({ quiet: false });
  logs = captureLogs();
});
afterEach(() => {
  logs.restore();
  // Every line is JSON, and none is a warning (Powertools warns in plain text, e.g. of a dimension added twice).
  for (const line of logs
    .text()
    .split('\n')
    .filter((text) => text.trim() !== '')) {
    expect(JSON.parse(line)).not.toHaveProperty('level', 'WARN');
  }
});

describe('the metrics of a request (EMF)', () => {
  it('counts an update by outcome under the namespace, with the service and outcome dimensions', async () => {
    const { response, byName } = await emitted({ body: { config: { model: 'gpt-4o' } } });

    expect(response.statusCode).toBe(200);
    expect(byName[CHAT_CONFIG_METRICS.updates]).toEqual([
      {
        namespace: TEST_METRICS_NAMESPACE,
        dimensions: [['service', 'outcome']],
        name: 'ConfigUpdates',
        unit: 'Count',
        members: expect.objectContaining({ service: 'chat-config', outcome: '2xx', ConfigUpdates: 1 }),
      },
    ]);
    expect(byName[CHAT_CONFIG_METRICS.reads]).toBeUndefined();
  });

  it("prints an update as one line: its count, its DynamoDB call's latency, its ids and its calls in order", async () => {
    // GIVEN the trace Lambda gives the invocation
    process.env._X_AMZN_TRACE_ID =
      'Root=1-6751a2b3-0123456789abcdef01234567;Parent=89abcdef01234567;Sampled=0';
    try {
      // WHEN
      const { response } = await emitted({ body: { config: { model: 'gpt-4o' } } });

      // THEN
      expect(response.statusCode).toBe(200);
      const lines = logs.lines();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        requestId: expect.any(String),
        function_request_id: expect.any(String),
        xray_trace_id: '1-6751a2b3-0123456789abcdef01234567',
        dynamoDbCalls: [{ operation: 'UpdateItem', milliseconds: expect.any(Number) }],
      });
      const [latency] = emfMetricsOf(lines).filter(({ name }) => name === 'DynamoDbLatency');
      expect(latency).toMatchObject({
        namespace: TEST_METRICS_NAMESPACE,
        dimensions: [['service', 'operation']],
        unit: 'Milliseconds',
        members: expect.objectContaining({ operation: 'UpdateItem' }),
      });
      expect(latency?.members.DynamoDbLatency as number).toBeGreaterThan(0);
      expect(latency?.members.DynamoDbLatency as number).toBeLessThan(2_500);
    } finally {
      delete process.env._X_AMZN_TRACE_ID;
    }
  });

  it("records DynamoDB's latency by operation: a second operation's on a line of its own", async () => {
    // WHEN a write on a session that is not the caller's: the failed write, then the read that tells why
    const { response } = await emitted({ sessionId: 'nobody', body: { config: {} } });

    // THEN
    expect(response.statusCode).toBe(404);
    const lines = logs.lines();
    expect(lines).toHaveLength(2);
    expect(lines[0]?.dynamoDbCalls).toEqual([
      { operation: 'UpdateItem', milliseconds: expect.any(Number) },
      { operation: 'Query', milliseconds: expect.any(Number) },
    ]);
    const latencies = emfMetricsOf(lines).filter(({ name }) => name === 'DynamoDbLatency');
    expect(latencies.map(({ members }) => members.operation)).toEqual(['UpdateItem', 'Query']);
    expect(latencies.every(({ members }) => typeof members.DynamoDbLatency === 'number')).toBe(true);
  });

  it('counts a cold start once, with the function name, in an on-demand environment', async () => {
    // As Lambda starts an on-demand environment: a provisioned one starts ahead of any request.
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
    try {
      log = testRequestLog({ quiet: false });
    } finally {
      delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
    }
    const invoke = handlerOn();

    const first = await emitted({ method: 'GET' }, invoke);
    const coldStarts = first.byName.ColdStart ?? [];
    await emitted({ method: 'GET' }, invoke);

    expect(coldStarts).toHaveLength(1);
    expect(coldStarts[0]?.dimensions).toEqual([['service', 'function_name']]);
    expect(emfMetricsOf(logs.lines()).filter(({ name }) => name === 'ColdStart')).toHaveLength(1);
  });

  it.each<[string, TestRequest, string, (typeof OUTCOMES)[number]]>([
    ['a read', { method: 'GET' }, 'ConfigReads', '2xx'],
    ['a read not modified', { method: 'GET', headers: { 'if-none-match': '"4"' } }, 'ConfigReads', '304'],
    ['a read of a missing session', { method: 'GET', sessionId: 'nobody' }, 'ConfigReads', '404'],
    ['a missing session', { sessionId: 'nobody', body: { config: {} } }, 'ConfigUpdates', '404'],
    [
      'a stale If-Match',
      { headers: { 'content-type': 'application/json', 'if-match': '"3"' }, body: { config: {} } },
      'ConfigUpdates',
      '412',
    ],
    ['an invalid config', { body: { config: { temperature: 9 } } }, 'ConfigUpdates', '422'],
    ['malformed JSON (400)', { body: '{"config": ' }, 'ConfigUpdates', '4xx'],
    [
      'a method not allowed (405), refused before the body is read',
      { method: 'DELETE' },
      'ConfigUpdates',
      '4xx',
    ],
    [
      'headers too large (431), refused before the caller is read',
      { method: 'GET', headers: { 'x-padding': 'a'.repeat(11_000) } },
      'ConfigReads',
      '4xx',
    ],
    ['a request without a verified caller (401)', { method: 'GET', caller: null }, 'ConfigReads', '4xx'],
    [
      'a wrong media type (415)',
      { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: { model: 'x' } },
      'ConfigUpdates',
      '4xx',
    ],
  ])('counts %s under its outcome', async (_, request, name, outcome) => {
    const { byName } = await emitted(request);

    expect(byName[name]).toHaveLength(1);
    expect(byName[name]?.[0]?.members).toMatchObject({ outcome, [name]: 1 });
  });

  describe('when DynamoDB fails', () => {
    let proxy: DynamoDbProxy;
    beforeAll(async () => {
      proxy = await startDynamoDbProxy(table.endpoint, { throttles: () => true });
    });
    afterAll(async () => proxy.close());

    it('counts a throttled update as 503, with the latency of the whole call', async () => {
      const { response, byName } = await emitted({ body: { config: {} } }, handlerOn(proxy.endpoint));

      expect(response.statusCode).toBe(503);
      expect(byName.ConfigUpdates).toHaveLength(1);
      expect(byName.ConfigUpdates?.[0]?.members).toMatchObject({ outcome: '503' });
      expect(byName.DynamoDbLatency).toHaveLength(1);
      expect(byName.DynamoDbLatency?.[0]?.members).toMatchObject({ operation: 'UpdateItem' });
    });

    it('counts the 503 answered ahead of the Lambda deadline, while DynamoDB does not answer', async () => {
      // GIVEN a DynamoDB behind a dead network, and 700 ms of Lambda time
      const silent = await startSilentEndpoint();
      try {
        // WHEN
        const { response, byName } = await emitted({ body: { config: {} } }, handlerOn(silent.endpoint), 700);

        // THEN
        expect(response.statusCode).toBe(503);
        expect(byName.ConfigUpdates).toHaveLength(1);
        expect(byName.ConfigUpdates?.[0]?.members).toMatchObject({ outcome: '503' });
      } finally {
        silent.close();
      }
    });

    it('counts an unexpected failure as 5xx', async () => {
      // A table that does not exist: DynamoDB's ResourceNotFoundException is no expected failure.
      const { response, byName } = await emitted(
        { body: { config: {} } },
        handlerOn(table.endpoint, 'no-such-table'),
      );

      expect(response.statusCode).toBe(500);
      expect(byName.ConfigUpdates).toHaveLength(1);
      expect(byName.ConfigUpdates?.[0]?.members).toMatchObject({ outcome: '5xx' });
    });
  });

  it('counts a 422 once per field it got wrong, an unknown field as "unknown", and holds no value or name sent', async () => {
    const { response, byName } = await emitted({
      body: {
        config: {
          temperature: 9,
          top_p: SENTINEL,
          stop: [SENTINEL, 1, 2],
          [`${SENTINEL}-field`]: SENTINEL,
          [`${SENTINEL}-other`]: 1,
        },
      },
    });

    expect(response.statusCode).toBe(422);
    const failures = byName[CHAT_CONFIG_METRICS.validationFailures] ?? [];
    expect(failures.map(({ members }) => members.field).sort()).toEqual([
      'stop',
      'temperature',
      'top_p',
      'unknown',
    ]);
    for (const failure of failures) {
      expect(failure).toMatchObject({ dimensions: [['service', 'field']], unit: 'Count' });
      expect(failure.members.ValidationFailures).toBe(1);
    }
    expect(logs.text()).not.toContain(SENTINEL);
  });

  it('counts the fields of a merge patch, its "config" member as unknown', async () => {
    const { response, byName } = await emitted({
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: { max_tokens: -1, config: {} },
    });

    expect(response.statusCode).toBe(422);
    expect((byName.ValidationFailures ?? []).map(({ members }) => members.field).sort()).toEqual([
      'max_tokens',
      'unknown',
    ]);
  });
});

describe('outcomeOf', () => {
  it.each([
    [200, '2xx'],
    [204, '2xx'],
    [304, '304'],
    [400, '4xx'],
    [404, '404'],
    [412, '412'],
    [413, '4xx'],
    [422, '422'],
    [428, '4xx'],
    [500, '5xx'],
    [502, '5xx'],
    [503, '503'],
  ])('puts status %i under %s', (status, outcome) => {
    expect(outcomeOf(status)).toBe(outcome);
  });
});

describe('validationFieldOf', () => {
  it.each([
    ['/config/temperature', 'temperature'],
    ['/config/stop/3', 'stop'],
    ['/system_prompt', 'system_prompt'],
    ['/config/tempreature', 'unknown'],
    ['/config', 'unknown'],
    ['', 'unknown'],
    ['/config/constructor', 'unknown'],
    ['/config~1temperature', 'unknown'],
  ])('counts a violation at "%s" under %s', (path, field) => {
    expect(validationFieldOf(path)).toBe(field);
  });
});
