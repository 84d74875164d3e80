import { createHash, randomUUID } from 'node:crypto';
import type { JSONValue } from '@aws-lambda-powertools/commons/types';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyInconsistentStateError,
  IdempotencyItemNotFoundError,
  IdempotencyPersistenceLayerError,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context } from 'aws-lambda';
import {
  IdempotencyKeyInUseError,
  IdempotencyKeyReusedError,
  IdempotencyRecordsUnavailableError,
} from '../http/errors';
import type { ApiGatewayResult } from '../http/events';
import { IDEMPOTENT_REPLAYED_HEADER } from '../http/idempotency-key';
import {
  createDynamoDbClient,
  type DynamoDbClientOptions,
  isTransientDynamoDbError,
} from '../sessions/dynamodb-session-store';

/**
 * Writes sent with an `Idempotency-Key`, run once with Powertools' Idempotency utility: the first request with a key
 * claims it, runs, and keeps its response; a retry gets that response again instead of writing twice.
 */

/** How long a key and its response are kept, from the first request that carried it. */
export const IDEMPOTENCY_KEY_LIFETIME_SECONDS = 24 * 60 * 60;

// What every record's id starts with. Powertools would start it with the function's name: a function renamed or
// replaced by a deploy would then miss the records of its predecessor, and answer their retries anew.
const RECORD_ID_PREFIX = 'chat-config-write';

/**
 * A write that passed every check of its request, where its key is kept (`callerId`, the user the authorizer verified,
 * and `sessionId`, the session written), and what "the same request" compares.
 */
export interface IdempotentRequest {
  readonly callerId: string;
  readonly sessionId: string;
  /** The request's key, or `undefined`: the write then simply runs. */
  readonly key: string | undefined;
  readonly method: string;
  /** The versions `If-Match` names; `undefined` for none or `*`, which mean the same to a write. */
  readonly expectedVersions: readonly number[] | undefined;
  /** The body as parsed JSON: neither its members' order nor white space count. */
  readonly body: unknown;
  /** The invocation's context: a key claimed is held no longer than the invocation may run. */
  readonly context: Context;
}

/** JSON with the members of every object in order of their names: one text for one value. */
const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([name, member]) => `${JSON.stringify(name)}:${canonicalJson(member)}`).join(',')}}`;
  }
  return JSON.stringify(value);
};

/** A hash of what the write does, which a retry must match: its method, its `If-Match` versions and its body. */
const fingerprintOf = ({ method, expectedVersions, body }: IdempotentRequest): string =>
  createHash('sha256')
    .update(
      canonicalJson({
        method,
        ifMatch: expectedVersions === undefined ? null : [...new Set(expectedVersions)].sort((a, b) => a - b),
        body,
      }),
    )
    .digest('base64url');

/** The first response, as a retry gets it: the same, with a header saying so. */
const replayed = (response: JSONValue): JSONValue => {
  const result = response as unknown as ApiGatewayResult;
  return { ...result, headers: { ...result.headers, [IDEMPOTENT_REPLAYED_HEADER]: 'true' } } as JSONValue;
};

/** Powertools' errors as the API answers them; the write's own errors are left as they are. */
const translated = (error: unknown): unknown => {
  if (error instanceof IdempotencyValidationError) return new IdempotencyKeyReusedError();
  if (
    error instanceof IdempotencyAlreadyInProgressError ||
    // A record that expired, or went, while it was read: the key is being claimed anew.
    error instanceof IdempotencyInconsistentStateError ||
    error instanceof IdempotencyItemNotFoundError
  ) {
    return new IdempotencyKeyInUseError();
  }
  // A missing table or a denied action stays unexpected: a misconfiguration, answered 500.
  if (error instanceof IdempotencyPersistenceLayerError && isTransientDynamoDbError(error.cause)) {
    return new IdempotencyRecordsUnavailableError({ cause: error.cause });
  }
  return error;
};

/**
 * Runs a write once per key (see `idempotentWrites`). `write` is given the id its store write stamps: for a request
 * with a key, the same on every retry of that request; without one, the request's own, drawn at random.
 */
export type IdempotentWrites = (
  request: IdempotentRequest,
  write: (writeId: string) => Promise<ApiGatewayResult>,
) => Promise<ApiGatewayResult>;

/**
 * Runs writes once per key, with their records in `records`. Only a write that returns is remembered: one that
 * throws (a refusal, a store failure whose outcome is unknown) lets go of its key, so that a retry runs again.
 */
export const idempotentWrites = (records: BasePersistenceLayer): IdempotentWrites => {
  const config = new IdempotencyConfig({
    // Powertools keys a record by a hash of the JSON of `id`: caller, session and key, which no other triple spells.
    eventKeyJmesPath: 'id',
    payloadValidationJmesPath: 'request',
    expiresAfterSeconds: IDEMPOTENCY_KEY_LIFETIME_SECONDS,
    hashFunction: 'sha256',
    // Every request asks the table: another instance of the function may have answered the key since.
    useLocalCache: false,
    responseHook: replayed,
  });
  const once = makeIdempotent(
    (
      _record: { readonly id: readonly string[]; readonly request: string },
      write: () => Promise<ApiGatewayResult>,
    ) => write(),
    { persistenceStore: records, config, keyPrefix: RECORD_ID_PREFIX },
  );
  return async (request, write) => {
    if (request.key === undefined) return write(randomUUID());
    const record = {
      id: [request.callerId, request.sessionId, request.key],
      request: fingerprintOf(request),
    };
    // A retry whose earlier attempt landed before its answer was lost (a 503, which lets go of the key) finds this id
    // on the session and writes no more. The request's fingerprint is part of it: a key used again for another
    // request, once its record expired, is another write.
    const writeId = createHash('sha256')
      .update(JSON.stringify([...record.id, record.request]))
      .digest('base64url');
    // The context is read as the key is claimed, before anything is awaited: a request of another invocation in
    // this process cannot come between.
    config.registerLambdaContext(request.context);
    try {
      return await once(record, () => write(writeId));
    } catch (error) {
      throw translated(error);
    }
  };
};

/**
 * Powertools' DynamoDB persistence layer on the table `tableName`, with a client of its own: the store's time limits,
 * but a single attempt per call. The SDK retries an attempt that timed out, and DynamoDB may have applied it: the
 * conditional `PutItem` that claims a key would then find the request's own claim, and answer it 409. A failed call is
 * a 503 instead, which the client retries with the same key, as the key is there for.
 */
export const idempotencyRecordsOn = (
  tableName: string,
  client: Omit<DynamoDbClientOptions, 'maxAttempts'> = {},
): BasePersistenceLayer =>
  new DynamoDBPersistenceLayer({
    tableName,
    awsSdkV3Client: createDynamoDbClient({ ...client, maxAttempts: 1 }),
  });
