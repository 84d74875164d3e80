/**
 * The sessions table as this API uses it: what its name may be, the attributes of a session item it reads and writes,
 * and the DynamoDB operations it calls. It knows no SDK: the CDK app reads it (the owner attribute checked at synth, the
 * IAM actions granted, the operations alarmed on), as do the function at cold start and the DynamoDB store.
 */

/** What DynamoDB accepts as a table name. */
export const TABLE_NAME_PATTERN = /^[A-Za-z0-9_.-]{3,255}$/;

/** The DynamoDB operations the store calls: what the function is granted, and what its alarms and latency count. */
export const STORE_OPERATIONS = ['Query', 'UpdateItem'] as const;
export type StoreOperation = (typeof STORE_OPERATIONS)[number];

/** One call the store made, as it ended (answered, failed or given up): its operation and time, retries included. */
export interface StoreCall {
  readonly operation: StoreOperation;
  readonly milliseconds: number;
}

/** The attributes this API owns on a session item: the key it finds the session by, and what it writes. */
export const SESSION_ATTRIBUTES = {
  sessionId: 'sessionId',
  config: 'config',
  version: 'configVersion',
  updatedAt: 'updatedAt',
  /** The id of the request whose write the item holds: how a retried attempt tells its own landed write. */
  writeId: 'configWriteId',
} as const;

/** The attribute holding the id of the user a session belongs to, unless the operator names another. */
export const DEFAULT_OWNER_ATTRIBUTE = 'ownerId';

// DynamoDB allows attribute names of 1 to 255 bytes (UTF-8).
const MAX_ATTRIBUTE_NAME_BYTES = 255;

/**
 * Why `name` cannot be the owner attribute, or `undefined` if it can. It must not be one this API writes: a write
 * would then change who owns the session.
 */
export const ownerAttributeProblem = (name: string): string | undefined => {
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes === 0 || bytes > MAX_ATTRIBUTE_NAME_BYTES) {
    return `the owner attribute must be a DynamoDB attribute name of 1 to ${MAX_ATTRIBUTE_NAME_BYTES} bytes, not "${name}"`;
  }
  if ((Object.values(SESSION_ATTRIBUTES) as string[]).includes(name)) {
    return `the owner attribute cannot be "${name}": this API keeps ${Object.values(SESSION_ATTRIBUTES).join(', ')} itself`;
  }
  return undefined;
};
