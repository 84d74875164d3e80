import * as v from 'valibot';

// DynamoDB stores numbers down to 1e-130 in magnitude and refuses smaller ones (underflow): such a value is the
// client's mistake (422), not a store failure (500).
const DYNAMODB_SMALLEST_MAGNITUDE = 1e-130;

/** What a value is, in a message: `null`, `array` and `NaN` by name, anything else by its `typeof`. */
const kindOf = (input: unknown): string => {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  if (Number.isNaN(input)) return 'NaN';
  if (typeof input === 'number' && !Number.isFinite(input)) return 'Infinity';
  return typeof input;
};

// The sentences clients read in a 422's `errors`, one per rule: written here rather than taken from the library, so
// that they stay as the API documents them whatever the library says.
/** The message of a value of the wrong type, where `what` was expected. */
export const expected = (what: string) => (issue: v.BaseIssue<unknown>) =>
  `Invalid input: expected ${what}, received ${kindOf(issue.input)}`;
const atLeast =
  (what: string, unit = '') =>
  (issue: v.BaseIssue<unknown>) =>
    `Too small: expected ${what} ${unit ? `to have >=${issue.requirement} ${unit}` : `to be >=${issue.requirement}`}`;
const atMost =
  (what: string, unit = '') =>
  (issue: v.BaseIssue<unknown>) =>
    `Too big: expected ${what} ${unit ? `to have <=${issue.requirement} ${unit}` : `to be <=${issue.requirement}`}`;

/** A number in [min, max] that DynamoDB can store. */
const boundedNumber = (min: number, max: number) =>
  v.pipe(
    v.number(expected('number')),
    // JSON's `1e400` is parsed as Infinity.
    v.finite(expected('number')),
    v.minValue(min, atLeast('number')),
    v.maxValue(max, atMost('number')),
    v.check(
      (n) => n === 0 || Math.abs(n) >= DYNAMODB_SMALLEST_MAGNITUDE,
      `Too small: expected 0 or a magnitude of at least ${DYNAMODB_SMALLEST_MAGNITUDE}`,
    ),
  );

/**
 * The limits of a config's fields. Each bounds its field on its own, so that together they bound the whole config
 * (see `MAX_CONFIG_BYTES`), PATCHes included, without reading what is stored.
 */
export const CONFIG_LIMITS = {
  modelLength: 128,
  stopSequenceLength: 256,
  stopSequences: 4,
  systemPromptLength: 65_536,
  /** What DynamoDB stores of a string is its UTF-8. */
  systemPromptBytes: 65_536,
} as const;

/**
 * Upper bound of a valid config's size, as DynamoDB counts it (names and UTF-8 values) and as JSON: every field at
 * its limit. Well under DynamoDB's 400 KB item, which also holds the rest of the session. A test checks the bound.
 */
export const MAX_CONFIG_BYTES = 72 * 1024;

/**
 * Text of `min` to `max` UTF-16 units (and at most `maxBytes` in UTF-8) that is valid Unicode (no lone surrogate,
 * which DynamoDB's UTF-8 cannot hold).
 */
const text = (min: number, max: number, maxBytes = 3 * max) =>
  v.pipe(
    v.string(expected('string')),
    v.minLength(min, atLeast('string', 'characters')),
    v.maxLength(max, atMost('string', 'characters')),
    v.check((s) => s.isWellFormed(), 'Invalid string: contains a lone surrogate (not valid Unicode)'),
    v.check(
      (s) => s.length * 3 <= maxBytes || Buffer.byteLength(s, 'utf8') <= maxBytes,
      `Too big: expected string to have <=${maxBytes} bytes in UTF-8`,
    ),
  );

const stopSequence = text(1, CONFIG_LIMITS.stopSequenceLength);

// Sizes first. Valibot validates every item of an array (every member of an object) before the actions of its pipe,
// each failure an issue of its own, so a value far over its size would cost a validation per part. The arrays and
// objects below are pipes of two schemas instead: the bare array (object), its size, then the schema of its parts, so
// that a value over its size is refused on that alone, none of its parts looked at. The size comes again last, where
// the JSON Schema, converted from a pipe's last schema on, reads it; it cannot fail there.

/** Any array, none of its items looked at (valibot's `array(unknown())` copies each). */
const anyArray = v.custom<unknown[]>(Array.isArray, expected('array'));

/** At most as many stop sequences as a config may hold. */
const stopSequencesAtMost = <T extends v.LengthInput>() =>
  v.maxLength<T, typeof CONFIG_LIMITS.stopSequences, (issue: v.BaseIssue<unknown>) => string>(
    CONFIG_LIMITS.stopSequences,
    atMost('array', 'items'),
  );

const STOP_EXPECTED = `Invalid input: expected a string or an array of at most ${CONFIG_LIMITS.stopSequences} strings, each 1 to ${CONFIG_LIMITS.stopSequenceLength} characters`;

// The fields of a config, each valid or not on its own: no rule spans two fields. A merge patch (PATCH) relies on
// it: a patch whose fields are each valid, applied to a valid config, gives a valid config, so the store can apply
// it field by field in one write, never reading the whole config first. A test fails if a cross-field rule appears.
const chatConfigFields = {
  model: v.pipe(
    v.string(expected('string')),
    v.minLength(1, atLeast('string', 'characters')),
    v.maxLength(CONFIG_LIMITS.modelLength, atMost('string', 'characters')),
    v.regex(/^[A-Za-z0-9 ._:/@-]+$/, (issue) => `Invalid string: must match pattern ${issue.requirement}`),
  ),
  temperature: boundedNumber(0, 2),
  max_tokens: v.pipe(
    v.number(expected('number')),
    v.finite(expected('number')),
    v.integer(expected('int')),
    v.minValue(1, atLeast('number')),
    v.maxValue(1_000_000, atMost('number')),
  ),
  top_p: boundedNumber(0, 1),
  presence_penalty: boundedNumber(-2, 2),
  frequency_penalty: boundedNumber(-2, 2),
  stop: v.union(
    [
      stopSequence,
      v.pipe(
        anyArray,
        stopSequencesAtMost(),
        v.array(stopSequence, expected('array')),
        stopSequencesAtMost(),
      ),
    ],
    // An array over its length fails both options untyped, as a value of another type does: say it is the length.
    (issue) => issue.issues?.find(({ type }) => type === 'max_length')?.message ?? STOP_EXPECTED,
  ),
  system_prompt: v.pipe(
    text(0, CONFIG_LIMITS.systemPromptLength, CONFIG_LIMITS.systemPromptBytes),
    v.description(`At most ${CONFIG_LIMITS.systemPromptBytes} bytes in UTF-8`),
  ),
};

type ChatConfigFields = typeof chatConfigFields;

/** The names of a config's fields, in the schema's order. */
export const CHAT_CONFIG_FIELD_NAMES = Object.keys(chatConfigFields) as (keyof ChatConfigFields)[];

/**
 * What valibot's objects take for one, none of its members looked at: anything of type `object` but `null` (arrays
 * too: see `isMalformed*`).
 */
const anyObject = v.custom<Record<string, unknown>>(
  (input) => typeof input === 'object' && input !== null,
  expected('object'),
);

/**
 * An object of `entries` that names each unknown field by its own path ("Unknown field"); a strict object would name
 * the first one only. Its members are counted first (sizes first, above): more than it has entries cannot all be
 * fields. The count is no rule over the fields' values: an object whose members are each a valid field is within it.
 * Its type is that of the entries, without the rest's `never` index signature.
 */
const configObject = <E extends v.ObjectEntries>(
  entries: E,
): v.GenericSchema<unknown, v.InferOutput<v.ObjectSchema<E, undefined>>> & { readonly entries: E } => {
  const fieldsAtMost = <T extends v.EntriesInput>() =>
    v.maxEntries<T, number, (issue: v.BaseIssue<unknown>) => string>(
      Object.keys(entries).length,
      atMost('object', 'members'),
    );
  const object = v.objectWithRest(entries, v.never('Unknown field'), expected('object'));
  return Object.assign(v.pipe(anyObject, fieldsAtMost(), object, fieldsAtMost()), { entries });
};

/** Every field optional: what a config holds. */
const optionalFields = Object.fromEntries(
  CHAT_CONFIG_FIELD_NAMES.map((name) => [name, v.optional(chatConfigFields[name])]),
) as { [K in keyof ChatConfigFields]: v.OptionalSchema<ChatConfigFields[K], undefined> };

/** Every field optional or `null`: what a merge patch holds, `null` removing the field. */
const patchFields = Object.fromEntries(
  CHAT_CONFIG_FIELD_NAMES.map((name) => [name, v.optional(v.nullable(chatConfigFields[name]))]),
) as {
  [K in keyof ChatConfigFields]: v.OptionalSchema<
    v.NullableSchema<ChatConfigFields[K], undefined>,
    undefined
  >;
};

/**
 * The configuration of one chat session: the single source of validation (through `validate`), of the `ChatConfig`
 * type and of the OpenAPI document. Every field is optional; unknown fields are rejected by name. (Alone, valibot's
 * object would take an array for an empty config and leave out `constructor` and `prototype` without a word:
 * `validate` and `isMalformed*` see to those.)
 */
export const chatConfigSchema = configObject(optionalFields);

/**
 * Body of a `PATCH`: a JSON Merge Patch (RFC 7396) of the config. A field set to a value replaces it (an array
 * whole), a field set to `null` is removed, an absent field is kept. The values are those of `chatConfigSchema`.
 */
export const chatConfigPatchSchema = configObject(patchFields);

/** A validated merge patch of a config. */
export type ChatConfigPatch = v.InferOutput<typeof chatConfigPatchSchema>;

/** A validated chat session configuration. */
export type ChatConfig = v.InferOutput<typeof chatConfigSchema>;

/** A JSON object or a DynamoDB map: not `null`, not an array (which valibot's objects would take for one). */
export const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A session's configuration as stored, with the version that counts its writes (0 for a session never written
 * through this API, whose `updatedAt` is then `null`): what a read answers, and a write with its message.
 */
export const storedSessionConfigSchema = v.strictObject({
  sessionId: v.string(),
  config: chatConfigSchema,
  version: v.pipe(v.number(), v.integer(), v.minValue(0)),
  updatedAt: v.nullable(v.pipe(v.string(), v.isoTimestamp())),
});

/** One rule a value breaks, pointed at with a JSON Pointer (RFC 6901) into the value. */
export interface FieldViolation {
  readonly path: string;
  readonly message: string;
}

const toPointer = (keys: readonly unknown[]): string =>
  keys.map((key) => `/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

/** Flattens a schema failure into `{path, message}` pairs; an unknown field is named by its own path. */
const toFieldViolations = (issues: readonly v.BaseIssue<unknown>[]): FieldViolation[] =>
  issues.map((issue) => ({
    path: toPointer(issue.path?.map(({ key }) => key) ?? []),
    message: issue.message,
  }));

// Valibot's objects leave out these keys (for safety) rather than call them unknown; a config has no such field. (The
// body parser refuses `__proto__` and `constructor.prototype` in a request, but a stored config met by a patch may
// hold any key.)
const KEYS_VALIBOT_SKIPS = ['__proto__', 'constructor', 'prototype'];

/** The outcome of validating a value: its output, or each reason it is unprocessable. */
export type Validation<T> =
  | { readonly success: true; readonly output: T }
  | { readonly success: false; readonly violations: FieldViolation[] };

/**
 * Validates `value` against a schema that holds a config (at `configPath`, the keys leading to it: none when the value
 * is the config): every violation, unknown fields included.
 */
export const validate = <S extends v.GenericSchema>(
  schema: S,
  value: unknown,
  configPath: readonly string[] = [],
): Validation<v.InferOutput<S>> => {
  const config = configPath.reduce<unknown>((at, key) => (isJsonObject(at) ? at[key] : undefined), value);
  const skipped = isJsonObject(config) ? KEYS_VALIBOT_SKIPS.filter((key) => Object.hasOwn(config, key)) : [];
  const result = v.safeParse(schema, value);
  const violations = [
    ...(result.success ? [] : toFieldViolations(result.issues)),
    ...skipped.map((key) => ({ path: toPointer([...configPath, key]), message: 'Unknown field' })),
  ];
  return result.success && violations.length === 0
    ? { success: true, output: result.output }
    : { success: false, violations };
};
