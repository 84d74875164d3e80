import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  DynamoDBServiceException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand, type UpdateCommandOutput } from '@aws-sdk/lib-dynamodb';
import { isThrottlingError, isTransientError } from '@smithy/core/retry';
import { SessionNotFoundError, SessionTooLargeError, StoreUnavailableError } from './errors';
import type { ConfigReplacement, ConfigReplacementRequest, SessionStore } from './session-store';

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
}

/** Builds the one DocumentClient a process uses, with explicit timeouts and retries. */
export const createDocumentClient = ({ endpoint }: DynamoDbClientOptions = {}): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(
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

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `SessionStore` on a DynamoDB table whose partition key is `sessionId` (string). */
export class DynamoDbSessionStore implements SessionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async replaceConfig({
    sessionId,
    config,
    updatedAt,
    signal,
  }: ConfigReplacementRequest): Promise<ConfigReplacement> {
    // One conditional write: never an upsert, never read-then-write. UPDATED_OLD hands back, atomically with the
    // write, the version it incremented and the config it replaced (for the audit trail's list of changed fields).
    const output = await this.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { sessionId },
        UpdateExpression:
          'SET #config = :config, #version = if_not_exists(#version, :zero) + :one, #updatedAt = :updatedAt',
        ConditionExpression: 'attribute_exists(#sessionId)',
        ExpressionAttributeNames: {
          '#sessionId': 'sessionId',
          '#config': 'config',
          '#version': 'configVersion',
          '#updatedAt': 'updatedAt',
        },
        ExpressionAttributeValues: { ':config': config, ':zero': 0, ':one': 1, ':updatedAt': updatedAt },
        ReturnValues: 'UPDATED_OLD',
      }),
      signal,
    );
    const previous: Record<string, unknown> = output.Attributes ?? {};
    const previousVersion = typeof previous.configVersion === 'number' ? previous.configVersion : 0;
    return {
      current: { sessionId, config, version: previousVersion + 1, updatedAt },
      previousConfig: isRecord(previous.config) ? previous.config : {},
    };
  }

  /** Sends a command within the time limits and translates DynamoDB's failures into the domain's errors. */
  private async send(command: UpdateCommand, signal?: AbortSignal): Promise<UpdateCommandOutput> {
    const deadline = AbortSignal.timeout(STORE_TIME_LIMITS.deadlineMs);
    const abortSignal = signal ? AbortSignal.any([deadline, signal]) : deadline;
    try {
      return await this.client.send(command, { abortSignal });
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new SessionNotFoundError();
      if (isItemTooLarge(error)) throw new SessionTooLargeError();
      if (abortSignal.aborted || isRetryable(error)) {
        throw new StoreUnavailableError({ cause: error });
      }
      throw error;
    }
  }
}
