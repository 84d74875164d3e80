import { BadRequestError, IdempotencyKeyMissingError } from './errors';

/**
 * The `Idempotency-Key` request header (draft-ietf-httpapi-idempotency-key-header): a Structured Field String
 * (RFC 8941 §3.3.3) that names one write, so that its retries can be told from new writes.
 */

/** The header's name, as the normalized event carries it. */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** The response header that tells a replayed response from the first one, as Stripe's API does. */
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';

/** The most characters a key may have (those of its value, escapes undone). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

// sf-string: printable ASCII in quotes, where only `"` and `\` are escaped, each by a `\`.
const QUOTED_CHARACTER = String.raw`[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\]`;
// Unquoted, a key has nothing to escape, and neither spaces nor commas: two headers of one name arrive joined by a
// comma, and must not pass for one key.
const UNQUOTED_CHARACTER = String.raw`[\x21\x23-\x2b\x2d-\x5b\x5d-\x7e]`;

/** What a well-formed header looks like, quoted or not, its length included: what the parser and OpenAPI take. */
export const IDEMPOTENCY_KEY_PATTERN = new RegExp(
  `^(?:"(?:${QUOTED_CHARACTER}){1,${MAX_IDEMPOTENCY_KEY_LENGTH}}"|(?:${UNQUOTED_CHARACTER}){1,${MAX_IDEMPOTENCY_KEY_LENGTH}})$`,
);

const MALFORMED =
  `Idempotency-Key must be a string of 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters: quoted, ` +
  String.raw`with \" and \\ for a quote and a backslash, or unquoted, without spaces, quotes, backslashes or commas`;

/**
 * The key a write carries, the same whether it was sent quoted or not (`abc` and `"abc"` name one key), or
 * `undefined` when it carries none.
 * @param required whether this deployment refuses writes without a key
 * @throws BadRequestError when malformed; IdempotencyKeyMissingError when required and absent
 */
export const idempotencyKeyOf = (
  headers: Readonly<Record<string, string | undefined>> | null | undefined,
  { required }: { required: boolean },
): string | undefined => {
  const value = headers?.[IDEMPOTENCY_KEY_HEADER];
  if (value === undefined) {
    if (required) throw new IdempotencyKeyMissingError();
    return undefined;
  }
  // HTTP's optional white space around a field value is no part of it.
  const text = value.replace(/^[\t ]+|[\t ]+$/g, '');
  if (!IDEMPOTENCY_KEY_PATTERN.test(text)) throw new BadRequestError(MALFORMED);
  return text.startsWith('"') ? text.slice(1, -1).replace(/\\(["\\])/g, '$1') : text;
};
