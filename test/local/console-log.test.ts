import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from '@jest/globals';
import { ACCESS_LOG_FIELDS } from '../../lib/access-log-format';
import { accessLogLine, logFormatFromEnv, requestLine, startConsoleLog } from '../../local/console-log';
import type { AccessLogEntry } from '../../local/http-api';
import { captureLogs } from '../helpers/logs';

const entry = (overrides: Partial<AccessLogEntry> = {}): AccessLogEntry => ({
  requestId: 'request-1',
  receivedAt: new Date(2026, 11, 4, 12, 4, 31),
  method: 'PATCH',
  path: '/api/chat-sessions/demo/config',
  routeKey: 'PATCH /api/chat-sessions/{sessionId}/config',
  status: 200,
  latencyMs: 3.6,
  caller: 'demo-user',
  ...overrides,
});

const problem = (type: string, title: string) => JSON.stringify({ type, title, status: 422, detail: 'x' });

describe('requestLine', () => {
  it('gives time, method, path, status, whole milliseconds and caller', () => {
    expect(requestLine(entry())).toBe('12:04:31 PATCH /api/chat-sessions/demo/config 200 4 ms demo-user');
  });

  it("names a failure by the function's problem type, without its prefix", () => {
    const line = requestLine(
      entry({
        status: 422,
        body: problem('urn:chat-config:problem:validation-failed', 'Unprocessable Content'),
      }),
    );

    expect(line).toBe('12:04:31 PATCH /api/chat-sessions/demo/config 422 4 ms demo-user validation-failed');
  });

  it('names a 500 by its title', () => {
    const line = requestLine(entry({ status: 500, body: problem('about:blank', 'Internal Server Error') }));

    expect(line).toMatch(/ 500 4 ms demo-user Internal Server Error$/);
  });

  it("gives why API Gateway answered itself, with '-' for a caller it never verified", () => {
    const { caller: _, ...refused } = entry({ status: 413, error: 'Request Entity Too Large' });

    expect(requestLine(refused)).toBe(
      '12:04:31 PATCH /api/chat-sessions/demo/config 413 4 ms - Request Entity Too Large',
    );
  });

  it('says nothing more of a success, whatever its body holds', () => {
    expect(requestLine(entry({ body: '{"config":{"system_prompt":"secret"}}' }))).not.toContain('secret');
  });
});

describe('accessLogLine', () => {
  it("holds the deployed access log's fields, numbers as numbers", () => {
    const line = JSON.parse(accessLogLine(entry({ status: 401, error: 'Unauthorized: no token' })));

    expect(Object.keys(ACCESS_LOG_FIELDS)).toEqual(expect.arrayContaining(Object.keys(line)));
    expect(line).toEqual({
      requestId: 'request-1',
      requestTime: entry().receivedAt.toISOString(),
      routeKey: 'PATCH /api/chat-sessions/{sessionId}/config',
      path: '/api/chat-sessions/demo/config',
      status: 401,
      responseLatency: 4,
      caller: 'demo-user',
      error: 'Unauthorized: no token',
    });
  });
});

describe('logFormatFromEnv', () => {
  it('is pretty unless json is asked for', () => {
    expect([undefined, '', ' pretty ', 'json'].map(logFormatFromEnv)).toEqual([
      'pretty',
      'pretty',
      'pretty',
      'json',
    ]);
  });

  it('refuses anything else, naming the variable', () => {
    expect(() => logFormatFromEnv('JSON')).toThrow('LOG_FORMAT must be pretty or json, not "JSON"');
  });
});

describe('startConsoleLog, pretty', () => {
  let stops: (() => void)[] = [];
  afterEach(() => {
    for (const stop of stops.reverse()) stop();
    stops = [];
  });

  /** The console log on a stream of its own, over a capture of what reaches the process's stdout and stderr. */
  const start = () => {
    const captured = captureLogs();
    const out = new PassThrough();
    const log = startConsoleLog('pretty', out);
    stops = [captured.restore, log.stop];
    return { log, printed: () => String(out.read() ?? ''), onTheConsole: captured.text };
  };

  it("takes the function's info and EMF lines off the console, and lets other output through", () => {
    const { log, printed, onTheConsole } = start();

    process.stdout.write(`${JSON.stringify({ level: 'INFO', message: 'Chat configuration patched' })}\n`);
    process.stdout.write(`${JSON.stringify({ _aws: {}, ConfigUpdates: 1 })}\n`);
    process.stderr.write('a line of some other tool\n');
    log.request(entry());

    expect(printed()).toBe('12:04:31 PATCH /api/chat-sessions/demo/config 200 4 ms demo-user\n');
    expect(onTheConsole()).toBe('a line of some other tool\n');
  });

  it("prints the function's error, condensed, under the line of its request", () => {
    const { log, printed } = start();
    const failure = {
      level: 'ERROR',
      message: 'Request failed',
      requestId: 'request-1',
      error: {
        name: 'StoreFailedError',
        frames: [`${process.cwd()}/functions/sessions/dynamodb-session-store.ts:10:5`],
        cause: { name: 'ResourceNotFoundException', message: 'Requested resource not found' },
      },
    };

    process.stderr.write(`${JSON.stringify(failure)}\n`);
    log.request(entry({ status: 500, body: problem('about:blank', 'Internal Server Error') }));

    expect(printed().split('\n')).toEqual([
      '12:04:31 PATCH /api/chat-sessions/demo/config 500 4 ms demo-user Internal Server Error',
      '  ERROR Request failed: StoreFailedError at functions/sessions/dynamodb-session-store.ts:10:5, caused by ResourceNotFoundException: Requested resource not found',
      '',
    ]);
  });

  it('gives the console back when stopped', () => {
    const { write } = process.stdout;
    const log = startConsoleLog('pretty', new PassThrough());

    log.stop();

    expect(process.stdout.write).toBe(write);
  });
});
