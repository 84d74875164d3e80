import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  DynamoDBServiceException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isThrottlingError, isTransientError } from '@smithy/core/retry';
import { isJsonObject } from './config-schema';
import { SessionTooLargeError, StoreFailedError, StoreUnavailableError } from './errors';
import {
  fieldPatchExpression,
  type Inspection,
  inspectionOf,
  isDamagedVersion,
  ownerQueryOf,
  toStoredSessionConfig,
  updateOf,
  type VersionUpdate,
  versionOf,
  type WriteExpression,
  writtenOf,
} from './session-item';
import {
  type ConfigPatchRequest,
  type ConfigRead,
  type ConfigReplacementRequest,
  type ConfigWrite,
  expects,
  type NotFound,
  type PatchOutcome,
  type ReadOutcome,
  type ReplaceOutcome,
  type SessionStore,
} from './session-store';
import {
  DEFAULT_OWNER_ATTRIBUTE,
  ownerAttributeProblem,
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
  /** Attempts per call, the first included. @default - `STORE_TIME_LIMITS.maxAttempts` */
  readonly maxAttempts?: number;
}

/** Builds a DynamoDB client with the store's time limits on each attempt, for callers that send its commands. */
export const createDynamoDbClient = ({
  endpoint,
  instrument = (client) => client,
  maxAttempts = STORE_TIME_LIMITS.maxAttempts,
}: DynamoDbClientOptions = {}): DynamoDBClient =>
  instrument(
    new DynamoDBClient({
      ...(endpoint === undefined ? {} : { endpoint }),
      maxAttempts,
      retryMode: 'standard',
      requestHandler: {
        connectionTimeout: STORE_TIME_LIMITS.connectionTimeoutMs,
        requestTimeout: STORE_TIME_LIMITS.requestTimeoutMs,
        throwOnRequestTimeout: true,
      },
    }),
  );

/** Builds the one DocumentClient a process uses, with explicit timeouts and retries. */
export const createDocumentClient = (options: DynamoDbClientOptions = {}): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(createDynamoDbClient(options));

/** The error shape the SDK's own retry classifier reads (`name`, `code`, `$metadata`, `$retryable`, `cause`). */
type ClassifiableError = Parameters<typeof isTransientError>[0];

/**
 * Throttled, timed out, refused or a 5xx from DynamoDB: what the SDK itself would retry, and the client may too;
 * and a conflict with a transaction in flight on the item, which the SDK's classifier does not list.
 */
export const isTransientDynamoDbError = (error: unknown): boolean =>
  error instanceof TransactionConflictException ||
  (error instanceof Error &&
    (isThrottlingError(error as ClassifiableError) || isTransientError(error as ClassifiableError)));

// The SDK has no class for ValidationException, and DynamoDB tells this case only by its message:
// "Item size (to update) has exceeded the maximum allowed size".
const isItemTooLarge = (error: unknown): boolean =>
  error instanceof DynamoDBServiceException &&
  error.name === 'ValidationException' &&
  /item size .*exceeded/i.test(error.message);

/** A conditional write happened (with the attributes asked for), or its condition failed. */
type WriteOutcome =
  | { readonly outcome: 'written'; readonly attributes: Record<string, unknown> }
  | { readonly outcome: 'failed-condition' };

// A replace that finds the session changed between its write and the read of why the write failed tries again.
const MAX_REPLACE_ATTEMPTS = 3;

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

  async getConfig(request: ConfigRead): Promise<ReadOutcome> {
    const [item] = await this.query(request, ['#config', '#version', '#updatedAt']);
    return item === undefined
      ? NOT_FOUND
      : { outcome: 'found', stored: toStoredSessionConfig(request.sessionId, item) };
  }

  async replaceConfig(request: ConfigReplacementRequest): Promise<ReplaceOutcome> {
    const { sessionId, config, expectedVersions } = request;
    let versionUpdate: VersionUpdate = 'increment';
    for (let attempt = 1; attempt <= MAX_REPLACE_ATTEMPTS; attempt++) {
      // UPDATED_OLD hands back, atomically with the write, the version it replaced and the config (for the audit
      // trail's list of changed fields).
      const outcome = await this.write(request, versionUpdate, {
        set: ['#config = :config'],
        values: { ':config': config },
        returnValues: 'UPDATED_OLD',
      });
      if (outcome.outcome === 'written') {
        const previous = writtenOf(outcome.attributes);
        const version = versionUpdate === 'repair' ? 1 : versionOf(previous.version) + 1;
        return {
          outcome: 'written',
          current: { sessionId, config, version, updatedAt: request.updatedAt },
          previousConfig: isJsonObject(previous.config) ? previous.config : {},
        };
      }
      const found = await this.inspect(request);
      if (found.outcome === 'not-found') return found;
      if (found.outcome === 'ours') {
        const current = { sessionId, config, version: found.version, updatedAt: found.updatedAt };
        return { outcome: 'written', current, previousConfig: undefined };
      }
      const damaged = isDamagedVersion(found.version);
      const currentVersion = versionOf(found.version);
      if (!expects(expectedVersions, currentVersion)) {
        return { outcome: 'conflict', currentVersion };
      }
      // Either damaged, which this replace repairs, or changed since the write by another: try again.
      versionUpdate = damaged ? 'repair' : 'increment';
    }
    throw new StoreUnavailableError();
  }

  async patchConfig(request: ConfigPatchRequest): Promise<PatchOutcome> {
    const { expectedVersions } = request;
    const outcome = await this.write(request, 'increment', fieldPatchExpression(request.set, request.remove));
    if (outcome.outcome === 'written') {
      return { outcome: 'written', current: toStoredSessionConfig(request.sessionId, outcome.attributes) };
    }
    const found = await this.inspect(request);
    if (found.outcome === 'not-found') return found;
    if (found.outcome === 'ours') {
      const read = await this.getConfig(request);
      return read.outcome === 'found' ? { outcome: 'written', current: read.stored } : read;
    }
    const currentVersion = versionOf(found.version);
    if (!expects(expectedVersions, currentVersion)) {
      return { outcome: 'conflict', currentVersion };
    }
    // Not written through this API (no version, a damaged one, a config that is not a map), or so when the write
    // failed: what it holds now is for the caller to merge with the patch and write whole, on condition of its version.
    const read = await this.getConfig(request);
    if (read.outcome !== 'found') return read;
    const { config, version } = read.stored;
    return { outcome: 'unversioned', stored: { config, version } };
  }

  /** One conditional write (see `updateOf`): written, with the attributes asked for, or its condition failed. */
  private async write(
    request: ConfigWrite,
    versionUpdate: VersionUpdate,
    expression: WriteExpression,
  ): Promise<WriteOutcome> {
    const command = new UpdateCommand({
      TableName: this.tableName,
      ...updateOf(this.ownerAttribute, request, versionUpdate, expression),
    });
    try {
      const output = await this.run(
        'UpdateItem',
        (abortSignal) => this.client.send(command, { abortSignal }),
        request.signal,
      );
      return { outcome: 'written', attributes: output.Attributes ?? {} };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return { outcome: 'failed-condition' };
    }
  }

  /** Reads why a write's condition failed: only the version, write id and time of the owner's session. */
  private async inspect(request: ConfigWrite): Promise<Inspection> {
    const [item] = await this.query(request, ['#version', '#writeId', '#updatedAt']);
    return inspectionOf(item, request.writeId);
  }

  /** The session of the owner, projected (see `ownerQueryOf`): one item, or none. */
  private async query(
    request: ConfigRead,
    projection: Parameters<typeof ownerQueryOf>[2],
  ): Promise<Record<string, unknown>[]> {
    const { Items = [] } = await this.run(
      'Query',
      (abortSignal) =>
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            ...ownerQueryOf(this.ownerAttribute, request, projection),
          }),
          { abortSignal },
        ),
      request.signal,
    );
    return Items;
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
      if (controller.signal.aborted || isTransientDynamoDbError(error)) {
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
