import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  DynamoDBServiceException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { isThrottlingError, isTransientError } from '@smithy/core/retry';
import { isJsonObject } from './config-schema';
import { SessionTooLargeError, StoreFailedError, StoreUnavailableError } from './errors';
import {
  fieldPatchExpression,
  toStoredSessionConfig,
  versionCondition,
  versionOf,
  WRITTEN_NAMES,
  type WriteExpression,
  writtenOf,
} from './session-item';
import type {
  ConfigPatchRequest,
  ConfigRead,
  ConfigReplacementRequest,
  ConfigWrite,
  NotFound,
  PatchOutcome,
  ReadOutcome,
  ReplaceOutcome,
  SessionStore,
} from './session-store';
import {
  DEFAULT_OWNER_ATTRIBUTE,
  ownerAttributeProblem,
  SESSION_ATTRIBUTES,
  type StoreCall,
  type StoreOperation,
} from './session-table';

/**
 * Time limits for one store call. A DynamoDB that hangs must not hold a request for more than ~3 s:
 * each attempt is cut after `requestTimeoutMs` (which the SDK only enforces with `throwOnRequestTimeout`),
 * and the whole call, retries and back-off included, is aborted after `deadlineMs`.
 */
export const STORE_TIME_LIMITS = {
  connectionTimeoutMs: 500,
  requestTimeoutMs: 1_000,
  maxAttempts: 3,
  deadlineMs: 2_500,
} as const;

export interface DynamoDbClientOptions {
  /** DynamoDB endpoint URL (DynamoDB Local); the region's endpoint when absent. */
  readonly endpoint?: string | undefined;
  /** Instruments the client before use, e.g. Powertools Tracer's `captureAWSv3Client`. @default - as built */
  readonly instrument?: (client: DynamoDBClient) => DynamoDBClient;
}

/** Builds the one DocumentClient a process uses, with explicit timeouts and retries. */
export const createDocumentClient = ({
  endpoint,
  instrument = (client) => client,
}: DynamoDbClientOptions = {}): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(
    instrument(
      new DynamoDBClient({
        ...(endpoint === undefined ? {} : { endpoint }),
        maxAttempts: STORE_TIME_LIMITS.maxAttempts,
        retryMode: 'standard',
        requestHandler: {
          connectionTimeout: STORE_TIME_LIMITS.connectionTimeoutMs,
          requestTimeout: STORE_TIME_LIMITS.requestTimeoutMs,
          throwOnRequestTimeout: true,
        },
      }),
    ),
  );

/** The error shape the SDK's own retry classifier reads (`name`, `code`, `$metadata`, `$retryable`, `cause`). */
type ClassifiableError = Parameters<typeof isTransientError>[0];

/**
 * Throttled, timed out, refused or a 5xx from DynamoDB: what the SDK itself would retry, and the client may too;
 * and a conflict with a transaction in flight on the item, which the SDK's classifier does not list.
 */
const isRetryable = (error: unknown): boolean =>
  error instanceof TransactionConflictException ||
  (error instanceof Error &&
    (isThrottlingError(error as ClassifiableError) || isTransientError(error as ClassifiableError)));

// The SDK has no class for ValidationException, and DynamoDB tells this case only by its message:
// "Item size (to update) has exceeded the maximum allowed size".
const isItemTooLarge = (error: unknown): boolean =>
  error instanceof DynamoDBServiceException &&
  error.name === 'ValidationException' &&
  /item size .*exceeded/i.test(error.message);

/**
 * A conditional write happened (with the attributes asked for), found the item of the owner in another state, or
 * found no item of the owner.
 */
type WriteOutcome =
  | { readonly outcome: 'written'; readonly attributes: Record<string, unknown> }
  | { readonly outcome: 'failed-condition'; readonly item: Record<string, unknown> }
  | NotFound;

const NOT_FOUND: NotFound = { outcome: 'not-found' };

export interface DynamoDbSessionStoreOptions {
  /** The attribute holding the id of the session's owner (a string). @default 'ownerId' */
  readonly ownerAttribute?: string;
  /** Told of every call as it ends, e.g. to record DynamoDB's latency. @default - nobody is told */
  readonly onCall?: (call: StoreCall) => void;
}

/**
 * `SessionStore` on a DynamoDB table whose partition key is `sessionId` (string), each session holding its owner's id
 * in `ownerAttribute`. A session without that attribute belongs to nobody: no caller finds it.
 */
export class DynamoDbSessionStore implements SessionStore {
  private readonly ownerAttribute: string;
  private readonly onCall: ((call: StoreCall) => void) | undefined;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    { ownerAttribute = DEFAULT_OWNER_ATTRIBUTE, onCall }: DynamoDbSessionStoreOptions = {},
  ) {
    const problem = ownerAttributeProblem(ownerAttribute);
    if (problem !== undefined) throw new Error(`DynamoDbSessionStore: ${problem}`);
    this.ownerAttribute = ownerAttribute;
    this.onCall = onCall;
  }

  async getConfig({ sessionId, ownerId, signal }: ConfigRead): Promise<ReadOutcome> {
    // GetItem takes no condition. A Query of the one key with a filter on the owner is the same single read, and
    // DynamoDB drops another owner's session before anything is returned.
    const { Items = [] } = await this.run(
      'Query',
      (abortSignal) =>
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: '#sessionId = :sessionId',
            FilterExpression: '#owner = :owner',
            ConsistentRead: true,
            ProjectionExpression: '#config, #version, #updatedAt',
            ExpressionAttributeNames: {
              '#sessionId': SESSION_ATTRIBUTES.sessionId,
              '#owner': this.ownerAttribute,
              ...WRITTEN_NAMES,
            },
            ExpressionAttributeValues: { ':sessionId': sessionId, ':owner': ownerId },
          }),
          { abortSignal },
        ),
      signal,
    );
    const [item] = Items;
    return item === undefined
      ? NOT_FOUND
      : { outcome: 'found', stored: toStoredSessionConfig(sessionId, item) };
  }

  async replaceConfig(request: ConfigReplacementRequest): Promise<ReplaceOutcome> {
    // UPDATED_OLD hands back, atomically with the write, the version it incremented and the config it replaced (for
    // the audit trail's list of changed fields).
    const outcome = await this.write(request, {
      set: ['#config = :config'],
      values: { ':config': request.config },
      returnValues: 'UPDATED_OLD',
    });
    if (outcome.outcome === 'not-found') return outcome;
    if (outcome.outcome === 'failed-condition') {
      return { outcome: 'conflict', currentVersion: versionOf(writtenOf(outcome.item).version) };
    }
    const previous = writtenOf(outcome.attributes);
    return {
      outcome: 'written',
      current: {
        sessionId: request.sessionId,
        config: request.config,
        version: versionOf(previous.version) + 1,
        updatedAt: request.updatedAt,
      },
      previousConfig: isJsonObject(previous.config) ? previous.config : {},
    };
  }

  async patchConfig(request: ConfigPatchRequest): Promise<PatchOutcome> {
    const outcome = await this.write(request, fieldPatchExpression(request.set, request.remove));
    if (outcome.outcome === 'not-found') return outcome;
    if (outcome.outcome === 'written') {
      return { outcome: 'written', current: toStoredSessionConfig(request.sessionId, outcome.attributes) };
    }
    const { version, config } = writtenOf(outcome.item);
    if (typeof version === 'number' && isJsonObject(config)) {
      return { outcome: 'conflict', currentVersion: version };
    }
    // RFC 7396: a target that is not an object is patched as `{}`.
    return {
      outcome: 'unversioned',
      stored: { config: isJsonObject(config) ? config : {}, version: versionOf(version) },
    };
  }

  /**
   * One conditional `UpdateItem` on an existing session of `ownerId` that also increments the version and stamps the
   * time. On a failed condition, DynamoDB returns the item as it was (`ReturnValuesOnConditionCheckFailure`), which
   * tells a missing session from one in another state without a second request. Another owner's session is reported
   * missing, and nothing of it leaves this method.
   */
  private async write(
    { sessionId, ownerId, updatedAt, expectedVersions, signal }: ConfigWrite,
    { set, remove = [], condition = '', names = {}, values = {}, returnValues }: WriteExpression,
  ): Promise<WriteOutcome> {
    const versions = versionCondition(expectedVersions);
    const command = new UpdateCommand({
      TableName: this.tableName,
      Key: { sessionId },
      UpdateExpression: [
        `SET ${['#version = if_not_exists(#version, :zero) + :one', '#updatedAt = :updatedAt', ...set].join(', ')}`,
        ...(remove.length > 0 ? [`REMOVE ${remove.join(', ')}`] : []),
      ].join(' '),
      // The owner's id is a string: the condition also fails where the session does not exist.
      ConditionExpression: `#owner = :owner${condition}${versions.expression}`,
      ExpressionAttributeNames: { '#owner': this.ownerAttribute, ...WRITTEN_NAMES, ...names },
      ExpressionAttributeValues: {
        ':owner': ownerId,
        ':zero': 0,
        ':one': 1,
        ':updatedAt': updatedAt,
        ...values,
        ...versions.values,
      },
      ReturnValues: returnValues,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    try {
      const output = await this.run(
        'UpdateItem',
        (abortSignal) => this.client.send(command, { abortSignal }),
        signal,
      );
      return { outcome: 'written', attributes: output.Attributes ?? {} };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // The exception carries DynamoDB's typed attributes: the DocumentClient converts only successful outputs. The
      // owner is compared on them, so that nothing of another owner's session is even converted.
      if (error.Item === undefined || error.Item[this.ownerAttribute]?.S !== ownerId) return NOT_FOUND;
      return { outcome: 'failed-condition', item: unmarshall(error.Item) };
    }
  }

  /**
   * Sends within the time limits and translates DynamoDB's failures into the domain's errors (a failed condition is
   * left to the caller, who knows what it checked).
   */
  private async run<T>(
    operation: StoreOperation,
    send: (abortSignal: AbortSignal) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    // One controller, aborted by the deadline or by the caller's signal, both let go of when the call ends.
    // (`AbortSignal.timeout` with `AbortSignal.any` would do the same, but its timer still fires after the call has
    // ended, and the pair costs CPU on every call: see bench/README.md.)
    const controller = new AbortController();
    const abort = () => controller.abort(signal?.reason);
    const deadline = setTimeout(
      () => controller.abort(new DOMException('The store call ran out of time', 'TimeoutError')),
      STORE_TIME_LIMITS.deadlineMs,
    );
    if (signal?.aborted) abort();
    signal?.addEventListener('abort', abort, { once: true });
    const start = performance.now();
    try {
      return await send(controller.signal);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw error;
      if (isItemTooLarge(error)) throw new SessionTooLargeError();
      if (controller.signal.aborted || isRetryable(error)) {
        throw new StoreUnavailableError({ cause: error });
      }
      throw new StoreFailedError(operation, { cause: error });
    } finally {
      clearTimeout(deadline);
      signal?.removeEventListener('abort', abort);
      this.onCall?.({ operation, milliseconds: performance.now() - start });
    }
  }
}
