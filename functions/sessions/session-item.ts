/**
 * The attributes of a session item this API reads and writes. It knows no SDK: the CDK construct checks the operator's
 * owner attribute with it at synth, the function at cold start (naming its environment variable), and the DynamoDB
 * store when it is built.
 */

/** The attributes this API owns on a session item: the key it finds the session by, and what it writes. */
export const SESSION_ATTRIBUTES = {
  sessionId: 'sessionId',
  config: 'config',
  version: 'configVersion',
  updatedAt: 'updatedAt',
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
