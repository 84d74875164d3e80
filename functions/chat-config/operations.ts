import type { Context } from 'aws-lambda';
import { conditionOf, entityTagOf, expectedVersionsOf, holdsFor } from '../http/entity-tags';
import { type ApiGatewayEvent, type ApiGatewayResult, jsonResponse, methodOf } from '../http/events';
import { idempotencyKeyOf } from '../http/idempotency-key';
import { VersionConflictError } from '../sessions/errors';
import {
  type AuditLog,
  patchSessionConfig,
  readSessionConfig,
  replaceSessionConfig,
  type SessionConfigDependencies,
  type SessionConfigOutcome,
  type WriteOptions,
} from '../sessions/session-config';
import type { SessionStore, StoredSessionConfig } from '../sessions/session-store';
import type { IdempotentWrites } from './idempotent-writes';
import { mergePatchOf, replacementOf, sessionIdOf } from './requests';

/** The sentence clients of the original endpoint read on success. */
export const UPDATE_SUCCEEDED = 'Chat configuration updated successfully';

// A read may be kept by the client's own cache (never a shared one), which must ask again each time: with the ETag,
// its If-None-Match then gets a 304 without the body when nothing changed. Writes are never kept.
const READ_CACHE_CONTROL = 'private, no-cache';

export interface OperationDependencies {
  readonly store: SessionStore;
  readonly audit: AuditLog;
  /** Whether writes must carry `If-Match` with a version (428 otherwise). */
  readonly requireIfMatch: boolean;
  /** Whether writes must carry an `Idempotency-Key` (400 otherwise). */
  readonly requireIdempotencyKey: boolean;
  /** Runs a write sent with an `Idempotency-Key` once, and gives its retries the first response. */
  readonly idempotentWrites: IdempotentWrites;
}

/** What an operation is given: the parsed event, the verified caller, and a signal to give up on. */
export interface OperationRequest {
  readonly event: ApiGatewayEvent;
  /** The user the authorizer verified (`sub`): only their own sessions are found. */
  readonly callerId: string;
  readonly signal: AbortSignal;
  /** The invocation's context: how long it may still run. */
  readonly context: Context;
}

/** One method on the config resource: the request in, the HTTP result out. */
export type Operation = (request: OperationRequest) => Promise<ApiGatewayResult>;

/**
 * The Lambda context, with what the handler's pipeline works out of each request once, as soon as it is known, for
 * the steps after it.
 */
export interface ChatConfigContext extends Context {
  /** The request's method: known first, so that even a request refused early is counted by it. */
  method?: string | undefined;
  /** The verified caller, as soon as it is known: the request's line names it. */
  callerId?: string | undefined;
  /** The verified caller and the operation for the method: known before the body is read. */
  resolved?: { readonly callerId: string; readonly operation: Operation } | undefined;
}

/**
 * The session's config as a use case left it; a refusal is thrown for `problemDetails` to answer, as every error is,
 * from the one table.
 */
const settled = (outcome: SessionConfigOutcome): StoredSessionConfig => {
  if (outcome.outcome === 'refused') throw outcome.refusal;
  return outcome.current;
};

const written = (stored: StoredSessionConfig): ApiGatewayResult =>
  jsonResponse(200, { message: UPDATE_SUCCEEDED, ...stored }, 'application/json', {
    etag: entityTagOf(stored.version),
  });

/** `GET`: the stored config, its version as ETag; `If-Match` (412) and `If-None-Match` (304) are honoured. */
const read =
  ({ store }: OperationDependencies): Operation =>
  async ({ event, callerId, signal }) => {
    const sessionId = sessionIdOf(event);
    const ifMatch = conditionOf(event.headers, 'if-match');
    const ifNoneMatch = conditionOf(event.headers, 'if-none-match');
    const stored = settled(await readSessionConfig({ store }, { sessionId, ownerId: callerId, signal }));
    // RFC 9110 §13.2.2: If-Match first, then If-None-Match.
    if (ifMatch !== undefined && !holdsFor(ifMatch, stored.version, 'strong')) {
      throw new VersionConflictError(stored.version);
    }
    const headers = { etag: entityTagOf(stored.version), 'cache-control': READ_CACHE_CONTROL };
    if (ifNoneMatch !== undefined && holdsFor(ifNoneMatch, stored.version, 'weak')) {
      return { statusCode: 304, headers, body: '' };
    }
    return jsonResponse(200, stored, 'application/json', headers);
  };

/**
 * A write: its request is checked first (the session id, `If-Match`, `Idempotency-Key`, then the body: 400, 422 or
 * 428), before anything is written or remembered; the use case then runs once per key, and answers the config as it
 * now stands.
 */
const writeOperation =
  <T>(
    parse: (body: unknown) => T,
    run: (
      dependencies: SessionConfigDependencies,
      value: T,
      options: WriteOptions,
    ) => Promise<SessionConfigOutcome>,
  ) =>
  ({
    store,
    audit,
    requireIfMatch,
    requireIdempotencyKey,
    idempotentWrites,
  }: OperationDependencies): Operation =>
  async ({ event, callerId, signal, context }) => {
    const sessionId = sessionIdOf(event);
    const expectedVersions = expectedVersionsOf(event.headers, { required: requireIfMatch });
    const key = idempotencyKeyOf(event.headers, { required: requireIdempotencyKey });
    const value = parse(event.body);
    const method = methodOf(event);
    return idempotentWrites(
      { callerId, sessionId, key, method, expectedVersions, body: event.body, context },
      async (writeId) =>
        written(
          settled(
            await run({ store, audit }, value, {
              sessionId,
              ownerId: callerId,
              expectedVersions,
              signal,
              writeId,
            }),
          ),
        ),
    );
  };

/** `POST`/`PUT`: `{"config": {...}}` replaces the whole config. */
const replace = writeOperation(replacementOf, (dependencies, config, options) =>
  replaceSessionConfig(dependencies, { ...options, config }),
);

/** `PATCH`: a JSON Merge Patch of the config sets the fields it names and removes those it sets to `null`. */
const patch = writeOperation(mergePatchOf, (dependencies, mergePatch, options) =>
  patchSessionConfig(dependencies, { ...options, patch: mergePatch }),
);

/** The operation for each method of `CHAT_CONFIG_METHODS`. */
export const chatConfigOperations = (dependencies: OperationDependencies): Record<string, Operation> => ({
  GET: read(dependencies),
  POST: replace(dependencies),
  PUT: replace(dependencies),
  PATCH: patch(dependencies),
});
