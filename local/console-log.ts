/**
 * What `npm start` prints while it serves: by default one readable line per request (refusals included), with the
 * function's warnings and errors condensed under the request they belong to; with `LOG_FORMAT=json`, what CloudWatch
 * would hold instead: the function's own JSON log and EMF lines as it writes them, and one JSON access-log line per
 * request.
 */

import { PROBLEM_TYPE_PREFIX } from '../functions/chat-config/problems';
import type { AccessLogEntry } from './http-api';

export const LOG_FORMATS = ['pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** `LOG_FORMAT`, checked: `pretty` when unset or empty. */
export const logFormatFromEnv = (value = process.env.LOG_FORMAT): LogFormat => {
  const format = value?.trim() || 'pretty';
  if (!(LOG_FORMATS as readonly string[]).includes(format)) {
    throw new Error(`LOG_FORMAT must be ${LOG_FORMATS.join(' or ')}, not "${value}"`);
  }
  return format as LogFormat;
};

/** A function's log record: JSON with a level (Powertools Logger) or EMF metrics (`_aws`). */
type FunctionRecord = Record<string, unknown>;

/** The record a line of the function's output holds, if it is one (not another tool's text). */
export const functionRecordOf = (line: string): FunctionRecord | undefined => {
  if (!line.startsWith('{')) return undefined;
  try {
    const record: unknown = JSON.parse(line);
    if (typeof record !== 'object' || record === null) return undefined;
    return '_aws' in record || 'level' in record ? (record as FunctionRecord) : undefined;
  } catch {
    return undefined;
  }
};

/** An error as the function logs it (`name`, `message` of DynamoDB's, `frames`, `cause`), on one line. */
const errorText = (error: unknown): string => {
  if (typeof error !== 'object' || error === null) return '';
  const { name, message, frames, cause } = error as Record<string, unknown>;
  // Frames of the sources `npm start` runs are absolute paths: shown from the project's folder.
  const where =
    Array.isArray(frames) && typeof frames[0] === 'string'
      ? ` at ${frames[0].replace(`${process.cwd()}/`, '')}`
      : '';
  const said = typeof message === 'string' ? `: ${message}` : '';
  const causedBy = cause === undefined ? '' : `, caused by ${errorText(cause)}`;
  return `${String(name)}${said}${where}${causedBy}`;
};

/** A warning or error of the function, condensed: its level, message and error. Other records say nothing here. */
const condensed = (record: FunctionRecord): string | undefined => {
  const { level, message, error } = record;
  if (level !== 'WARN' && level !== 'ERROR' && level !== 'CRITICAL') return undefined;
  return `  ${level} ${String(message)}${error === undefined ? '' : `: ${errorText(error)}`}`;
};

/** What a failed answer says: the problem type the function answered, or why API Gateway answered itself. */
const reasonOf = ({ status, error, body }: AccessLogEntry): string | undefined => {
  if (error !== undefined) return error;
  if (status < 400 || body === undefined) return undefined;
  try {
    const { type, title } = JSON.parse(body) as { type?: unknown; title?: unknown };
    if (typeof type === 'string' && type.startsWith(PROBLEM_TYPE_PREFIX))
      return type.slice(PROBLEM_TYPE_PREFIX.length);
    return typeof title === 'string' ? title : undefined;
  } catch {
    return undefined;
  }
};

/** `12:04:31 PATCH /api/chat-sessions/demo/config 422 3 ms demo-user validation-failed` */
export const requestLine = (entry: AccessLogEntry): string => {
  const time = entry.receivedAt.toTimeString().slice(0, 8);
  const reason = reasonOf(entry);
  return [
    time,
    entry.method,
    entry.path,
    entry.status,
    `${Math.round(entry.latencyMs)} ms`,
    entry.caller ?? '-',
    ...(reason === undefined ? [] : [reason]),
  ].join(' ');
};

/** The line API Gateway's access log would hold, with the fields the deployed stage logs. */
export const accessLogLine = (entry: AccessLogEntry): string =>
  JSON.stringify({
    requestId: entry.requestId,
    requestTime: entry.receivedAt.toISOString(),
    routeKey: entry.routeKey ?? '-',
    path: entry.path,
    status: entry.status,
    responseLatency: Math.round(entry.latencyMs),
    caller: entry.caller ?? '-',
    error: entry.error ?? '-',
  });

type Write = NodeJS.WriteStream['write'];

/**
 * Takes the function's lines (JSON log and EMF lines, see `functionRecordOf`) off stdout and stderr until the returned
 * function is called: each is handed to `take`, whose answer, if any, is printed in its place; other output passes
 * through unchanged.
 */
export const divertFunctionLines = (take: (record: FunctionRecord, line: string) => string | undefined) => {
  const divert = (stream: NodeJS.WriteStream) => {
    const write = stream.write;
    stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      const lines = text.split('\n');
      const records = lines.map(functionRecordOf);
      if (records.every((record) => record === undefined))
        return write.call(this, chunk as string, ...(rest as []));
      const kept = lines.flatMap((line, i) => {
        const record = records[i];
        if (record === undefined) return line === '' ? [] : [line];
        return take(record, line) ?? [];
      });
      if (kept.length === 0) {
        (rest.find((arg) => typeof arg === 'function') as (() => void) | undefined)?.();
        return true;
      }
      return write.call(this, `${kept.join('\n')}\n`, ...(rest as []));
    } as Write;
    return () => {
      stream.write = write;
    };
  };
  const restores = [divert(process.stdout), divert(process.stderr)];
  return () => {
    for (const restore of restores) restore();
  };
};

/**
 * Starts printing the requests `npm start` serves in `format`. In `pretty`, the function's JSON lines (written to
 * stdout and stderr by the handler in this process) are taken off the console: warnings and errors are kept, by the
 * request id they carry, and printed under their request's line; the rest is dropped.
 */
export const startConsoleLog = (format: LogFormat, out: NodeJS.WritableStream = process.stdout) => {
  if (format === 'json') {
    return {
      request: (entry: AccessLogEntry) => void out.write(`${accessLogLine(entry)}\n`),
      stop: () => {},
    };
  }
  // The function's warnings and errors, by the API Gateway request id every line of a request carries.
  const pending = new Map<string, string[]>();
  const stop = divertFunctionLines((record) => {
    const summary = condensed(record);
    const requestId = typeof record.requestId === 'string' ? record.requestId : undefined;
    if (summary === undefined || requestId === undefined) return summary;
    pending.set(requestId, [...(pending.get(requestId) ?? []), summary]);
    return undefined;
  });
  return {
    request: (entry: AccessLogEntry) => {
      const notes = pending.get(entry.requestId) ?? [];
      pending.delete(entry.requestId);
      out.write(`${[requestLine(entry), ...notes].join('\n')}\n`);
    },
    stop,
  };
};
