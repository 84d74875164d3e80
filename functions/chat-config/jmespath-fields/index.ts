/**
 * What the bundle holds in place of `@aws-lambda-powertools/jmespath` (see `CHAT_CONFIG_BUNDLING`): the part of JMESPath
 * this function's idempotency config uses, a bare field name (`eventKeyJmesPath: 'id'`, `payloadValidationJmesPath:
 * 'request'`), without the 24 KB interpreter. Any other expression is refused, naming itself, rather than misread.
 */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const search = (expression: string, data: unknown): unknown => {
  if (!FIELD_NAME.test(expression)) {
    throw new Error(`This function bundles JMESPath for field names only, not "${expression}"`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  // JMESPath answers null for a missing field.
  return Object.hasOwn(data, expression) ? (data as Record<string, unknown>)[expression] : null;
};
