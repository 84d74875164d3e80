/**
 * The table where the function keeps the first response to each write sent with an `Idempotency-Key`, as Powertools'
 * DynamoDB persistence layer reads and writes it by default. It knows no SDK: the CDK app reads it (the key, the TTL
 * attribute, the IAM actions granted), as do the function and the local tables.
 */

/** The partition key, a string: the record's id, made of a fixed prefix and a hash of the caller, session and key. */
export const IDEMPOTENCY_TABLE_KEY = 'id';

/** When a record expires, in seconds since the epoch: the attribute DynamoDB's time to live deletes records by. */
export const IDEMPOTENCY_TTL_ATTRIBUTE = 'expiration';

/**
 * The DynamoDB operations the persistence layer calls: `PutItem` claims a key (conditionally), `UpdateItem` stores
 * the response, `DeleteItem` lets go of a key whose request failed, and `GetItem` reads a record a refused claim did
 * not return.
 */
export const IDEMPOTENCY_TABLE_OPERATIONS = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'] as const;
