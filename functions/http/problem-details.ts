import type { MiddlewareObj } from '@middy/core';
import { MAX_LISTED_VIOLATIONS, type Violation } from './errors';
import { type ApiGatewayEvent, type ApiGatewayResult, jsonResponse } from './events';
import { originalLocationOf } from './source-locations';

/** Where failures are logged. Nothing a client sent is passed to it. */
export interface ErrorLog {
  info(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

const MAX_FRAMES = 10;
// `    at fn (file:line:col)` or `    at file:line:col`: only the location is kept.
const FRAME = /^\s+at (?:.* \()?(\S+:\d+:\d+)\)?$/;

/**
 * Where an error was thrown: the locations (`file:line:col`) of its stack frames, which the bundle's source map points
 * at our TypeScript. Nothing else of the stack: not the message heading it, nor function names (a computed method
 * name can be data). Only when the stack is headed by the error's current name and message, so that no other text
 * (a message changed later, a stack copied from another error) can be mistaken for frames.
 */
const framesOf = (error: Error): string[] => {
  const header = `${Error.prototype.toString.call(error)}\n`;
  if (!error.stack?.startsWith(header)) return [];
  return error.stack
    .slice(header.length)
    .split('\n')
    .flatMap((line) => FRAME.exec(line)?.[1] ?? [])
    .slice(0, MAX_FRAMES)
    .map(originalLocationOf);
};

/**
 * What of an error may be logged: its identity, where it was thrown, and the message only of an error DynamoDB itself
 * answered (service text about the request). Never a client-side message, which may quote what the client sent.
 */
const describe = (error: unknown, depth = 0): Record<string, unknown> => {
  if (!(error instanceof Error)) return { name: typeof error };
  const { $metadata, $fault, code } = error as Error & {
    $metadata?: { httpStatusCode?: number };
    $fault?: string;
    code?: string;
  };
  const frames = framesOf(error);
  return {
    // Node names its system errors (a refused connection, a reset socket) plainly "Error": their code says what failed.
    name: error.name === 'Error' && typeof code === 'string' && code !== '' ? code : error.name,
    ...(code ? { code } : {}),
    ...($fault ? { fault: $fault } : {}),
    ...($metadata ? { metadata: $metadata } : {}),
    ...($metadata?.httpStatusCode ? { message: error.message } : {}),
    ...(frames.length > 0 ? { frames } : {}),
    ...(error.cause !== undefined && depth < 2 ? { cause: describe(error.cause, depth + 1) } : {}),
  };
};

/** What a problem type says of the errors it stands for: RFC 9457's members, the headers, what may be shown. */
export interface ProblemType<E extends Error = Error> {
  /** The errors of this type: instances of this class. */
  readonly error: abstract new (
    ...args: never[]
  ) => E;
  readonly status: number;
  /** Stable problem type URI, which clients switch on. */
  readonly type: string;
  /** Short, fixed summary of the problem type. */
  readonly title: string;
  /** What `detail` says. @default - the error's message */
  readonly detail?: (error: E) => string;
  /** Members of the body besides RFC 9457's, after `detail`. @default - none */
  readonly members?: (error: E) => Record<string, unknown>;
  /** What the body was wrong in, listed as its `errors` (the first `MAX_LISTED_VIOLATIONS`). @default - none */
  readonly violations?: (error: E) => readonly Violation[];
  /** Headers of the response besides its content type. @default - none */
  readonly headers?: (error: E) => Record<string, string>;
  /** Whether `detail` may be shown though the status is 5xx (a fixed sentence). @default - only below 500 */
  readonly expose?: boolean;
}

/** A row of a problem table, typed by its error class. */
export const problemType = <E extends Error>(row: ProblemType<E>): ProblemType =>
  row as unknown as ProblemType;

/** The members of RFC 9457 every problem body has. */
export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
}

/**
 * How an API's errors become problems of body `B`: a row per error class (the first whose class the error is an
 * instance of applies; its `members` give what `B` holds beyond RFC 9457's), and the body of any other error, which
 * says nothing of it.
 */
export interface ProblemTable<B extends ProblemBody = ProblemBody> {
  readonly rows: readonly ProblemType[];
  readonly unexpected: B;
}

/** The row an error falls under, with the error, or none: not an error, or of no row's class. */
const matchOf = (table: ProblemTable<ProblemBody>, error: unknown) => {
  const row =
    error instanceof Error ? table.rows.find((candidate) => error instanceof candidate.error) : undefined;
  return row === undefined ? undefined : { row, error: error as Error };
};

/**
 * What an error becomes, from one lookup of its row: the problem's body, the response's headers besides its content
 * type, and the violations the body lists (a row with none lists none).
 */
export const problemFor = <B extends ProblemBody>(
  table: ProblemTable<B>,
  error: unknown,
): {
  readonly body: B;
  readonly headers: Record<string, string>;
  readonly violations?: readonly Violation[];
} => {
  const match = matchOf(table, error);
  if (match === undefined) return { body: table.unexpected, headers: {} };
  const { row, error: matched } = match;
  const violations = row.violations?.(matched);
  const headers = row.headers?.(matched) ?? {};
  if (row.status >= 500 && !row.expose) return { body: table.unexpected, headers };
  const body: ProblemBody = {
    type: row.type,
    title: row.title,
    status: row.status,
    detail: row.detail?.(matched) ?? matched.message,
    ...row.members?.(matched),
    ...(violations === undefined ? {} : { errors: violations.slice(0, MAX_LISTED_VIOLATIONS) }),
  };
  return { body: body as B, headers, ...(violations === undefined ? {} : { violations }) };
};

/**
 * The one place errors become responses: RFC 9457 problem details (`application/problem+json`), each as the API's
 * table says. 4xx say in `detail` what was wrong; 5xx say only a fixed sentence, unless their row exposes one.
 */
export const problemDetails = ({
  log,
  problems,
}: {
  log: ErrorLog;
  problems: ProblemTable<ProblemBody>;
}): MiddlewareObj<ApiGatewayEvent, ApiGatewayResult> => ({
  onError: (request) => {
    const { error } = request;
    const { body, headers, violations } = problemFor(problems, error);
    if (body.status < 500) {
      log.info('Request rejected', {
        status: body.status,
        type: body.type,
        ...(violations === undefined ? {} : { violations: violations.length }),
      });
    } else {
      log.error('Request failed', { status: body.status, error: describe(error) });
    }
    request.response = jsonResponse(body.status, body, 'application/problem+json', headers);
  },
});
