import * as z from 'zod/mini';
import { en } from 'zod/v4/locales';

// zod/mini ships without messages ("Invalid input"); the English locale gives clients sentences they can act on.
z.config(en());

// DynamoDB stores numbers down to 1e-130 in magnitude and refuses smaller ones (underflow): such a value is the
// client's mistake (422), not a store failure (500).
const DYNAMODB_SMALLEST_MAGNITUDE = 1e-130;

/** A number in [min, max] that DynamoDB can store. */
const boundedNumber = (min: number, max: number) =>
  z.number().check(
    z.gte(min),
    z.lte(max),
    z.refine((n) => n === 0 || Math.abs(n) >= DYNAMODB_SMALLEST_MAGNITUDE, {
      error: `Too small: expected 0 or a magnitude of at least ${DYNAMODB_SMALLEST_MAGNITUDE}`,
    }),
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
  z.string().check(
    z.minLength(min),
    z.maxLength(max),
    z.refine((s) => s.isWellFormed(), {
      error: 'Invalid string: contains a lone surrogate (not valid Unicode)',
    }),
    z.refine((s) => s.length * 3 <= maxBytes || Buffer.byteLength(s, 'utf8') <= maxBytes, {
      error: `Too big: expected string to have <=${maxBytes} bytes in UTF-8`,
    }),
  );

const stopSequence = text(1, CONFIG_LIMITS.stopSequenceLength);

// The fields of a config, each valid or not on its own: no rule spans two fields. A merge patch (PATCH) relies on
// it: a patch whose fields are each valid, applied to a valid config, gives a valid config, so the store can apply
// it field by field in one write, never reading the whole config first. A test fails if a cross-field rule appears.
const chatConfigFields = {
  model: z
    .string()
    .check(z.minLength(1), z.maxLength(CONFIG_LIMITS.modelLength), z.regex(/^[A-Za-z0-9 ._:/@-]+$/)),
  temperature: boundedNumber(0, 2),
  max_tokens: z.int().check(z.gte(1), z.lte(1_000_000)),
  top_p: boundedNumber(0, 1),
  presence_penalty: boundedNumber(-2, 2),
  frequency_penalty: boundedNumber(-2, 2),
  stop: z.union([stopSequence, z.array(stopSequence).check(z.maxLength(CONFIG_LIMITS.stopSequences))], {
    error: `Invalid input: expected a string or an array of at most ${CONFIG_LIMITS.stopSequences} strings, each 1 to ${CONFIG_LIMITS.stopSequenceLength} characters`,
  }),
  system_prompt: text(0, CONFIG_LIMITS.systemPromptLength, CONFIG_LIMITS.systemPromptBytes).register(
    z.globalRegistry,
    { description: `At most ${CONFIG_LIMITS.systemPromptBytes} bytes in UTF-8` },
  ),
};

type ChatConfigFields = typeof chatConfigFields;

/** The names of a config's fields, in the schema's order. */
export const CHAT_CONFIG_FIELD_NAMES = Object.keys(chatConfigFields) as (keyof ChatConfigFields)[];

/** Every field optional: what a config holds. */
const optionalFields = Object.fromEntries(
  CHAT_CONFIG_FIELD_NAMES.map((name) => [name, z.optional(chatConfigFields[name])]),
) as { [K in keyof ChatConfigFields]: z.ZodMiniOptional<ChatConfigFields[K]> };

/** Every field optional or `null`: what a merge patch holds, `null` removing the field. */
const patchFields = Object.fromEntries(
  CHAT_CONFIG_FIELD_NAMES.map((name) => [name, z.optional(z.nullable(chatConfigFields[name]))]),
) as { [K in keyof ChatConfigFields]: z.ZodMiniOptional<z.ZodMiniNullable<ChatConfigFields[K]>> };

/**
 * The configuration of one chat session: the single source of validation, of the `ChatConfig` type and of the
 * OpenAPI document. Every field is optional; unknown fields are rejected by name.
 */
export const chatConfigSchema = z.strictObject(optionalFields);

/**
 * Body of a `PATCH`: a JSON Merge Patch (RFC 7396) of the config. A field set to a value replaces it (an array
 * whole), a field set to `null` is removed, an absent field is kept. The values are those of `chatConfigSchema`.
 */
export const chatConfigPatchSchema = z.strictObject(patchFields);

/** A validated merge patch of a config. */
export type ChatConfigPatch = z.infer<typeof chatConfigPatchSchema>;

/** A validated chat session configuration. */
export type ChatConfig = z.infer<typeof chatConfigSchema>;

/**
 * Body of a full replace (`POST`/`PUT`): `{"config": {...}}`. Other top-level members are ignored, as the original
 * endpoint ignored them; inside `config`, every unknown field is rejected.
 */
export const replaceConfigRequestSchema = z.looseObject({ config: chatConfigSchema });

// Whether an object expected within the first `depth` levels of the body is something else (or missing).
const isShapeFailure = (error: z.core.$ZodError, depth: number): boolean =>
  error.issues.some((issue) => issue.code === 'invalid_type' && issue.path.length < depth);

/**
 * Whether a replace failed on the body's shape rather than on the config's content: the body is not an object, or its
 * `config` is missing or not an object. Such a request is malformed (400); any other failure is unprocessable (422).
 */
export const isMalformedRequest = (error: z.core.$ZodError): boolean => isShapeFailure(error, 2);

/** Whether a merge patch failed for not being an object at all (400) rather than for its fields (422). */
export const isMalformedPatch = (error: z.core.$ZodError): boolean => isShapeFailure(error, 1);

/**
 * A session's configuration as stored, with the version that counts its writes (0 for a session never written
 * through this API, whose `updatedAt` is then `null`): what a read answers, and a write with its message.
 */
export const storedSessionConfigSchema = z.strictObject({
  sessionId: z.string(),
  config: chatConfigSchema,
  version: z.int().check(z.gte(0)),
  updatedAt: z.nullable(z.iso.datetime()),
});

/** A session id as it may appear in the path. */
export const sessionIdSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/));

/** One reason a request was unprocessable, pointed at with a JSON Pointer (RFC 6901) into the body. */
export interface FieldViolation {
  readonly path: string;
  readonly message: string;
}

const toPointer = (path: ReadonlyArray<PropertyKey>): string =>
  path.map((key) => `/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

/** Flattens a schema failure into `{path, message}` pairs; an unknown field is named by its own path. */
export const toFieldViolations = (error: z.core.$ZodError): FieldViolation[] =>
  error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: toPointer([...issue.path, key]), message: 'Unknown field' }))
      : [{ path: toPointer(issue.path), message: issue.message }],
  );
