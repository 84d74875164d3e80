/**
 * The JSON Schemas of the OpenAPI document, converted from the valibot schemas the function validates with, and
 * where the document points at each.
 */
import { type ConversionConfig, toJsonSchema } from '@valibot/to-json-schema';
import * as v from 'valibot';
import { UPDATE_SUCCEEDED } from '../functions/chat-config/operations';
import { replaceConfigRequestSchema } from '../functions/chat-config/requests';
import { ENTITY_TAG_PATTERN, MAX_VERSION } from '../functions/http/entity-tags';
import {
  chatConfigPatchSchema,
  chatConfigSchema,
  storedSessionConfigSchema,
} from '../functions/sessions/config-schema';

export type Json = Record<string, unknown>;

/** Where a document's part is defined once, and what points at it. */
export const refTo = (kind: 'schemas' | 'responses', id: string) => ({ $ref: `#/components/${kind}/${id}` });

const CONVERSION: ConversionConfig = {
  // OpenAPI 3.1's own dialect.
  target: 'draft-2020-12',
  // What a value must be once validated: a pipe that checks a size before its schema (the config's arrays and objects)
  // is converted from its last schema on, which the size follows again.
  typeMode: 'output',
  // The rules JSON Schema cannot state (a lone surrogate, bytes of UTF-8, DynamoDB's smallest number) are left to
  // descriptions; a test checks that the rest agrees with the validation. A JSON number is always finite.
  ignoreActions: ['check', 'finite'],
  // "Unknown field" for each field a config does not name: JSON Schema says it as `additionalProperties: false`.
  overrideSchema: ({ valibotSchema, jsonSchema }) =>
    valibotSchema.type === 'object_with_rest' &&
    (valibotSchema as unknown as { rest: { type: string } }).rest.type === 'never'
      ? { ...jsonSchema, additionalProperties: false }
      : undefined,
};

/**
 * A schema as JSON Schema; each of `shared` it holds as a reference to the component of that name (which must not be
 * the schema itself).
 */
export const jsonSchemaOf = (schema: v.GenericSchema, shared: Record<string, v.GenericSchema> = {}): Json => {
  const { $schema, $defs, ...json } = toJsonSchema(schema, { ...CONVERSION, definitions: shared }) as Json;
  return JSON.parse(JSON.stringify(json).replaceAll('"#/$defs/', '"#/components/schemas/'));
};

const SHARED = { ChatConfig: chatConfigSchema };

// A stored config's members, its version bounded by the highest an ETag can name: what a client may store a version in.
const STORED = {
  ...storedSessionConfigSchema.entries,
  version: v.pipe(storedSessionConfigSchema.entries.version, v.maxValue(MAX_VERSION)),
};

export const SCHEMAS = {
  ChatConfig: jsonSchemaOf(chatConfigSchema),
  ChatConfigPatch: jsonSchemaOf(chatConfigPatchSchema),
  ReplaceConfigRequest: jsonSchemaOf(replaceConfigRequestSchema, SHARED),
  SessionConfig: jsonSchemaOf(v.strictObject(STORED), SHARED),
  // What a session never written through this API holds: whatever another system stored, which no schema checked.
  UnvalidatedSessionConfig: jsonSchemaOf(
    v.strictObject({
      ...STORED,
      config: v.record(v.string(), v.unknown()),
      version: v.literal(0),
      updatedAt: v.null(),
    }),
  ),
  ConfigUpdated: jsonSchemaOf(v.strictObject({ ...STORED, message: v.literal(UPDATE_SUCCEEDED) }), SHARED),
  // API Gateway's own answers, given before the function runs or in place of its answer.
  ApiGatewayMessage: jsonSchemaOf(
    v.pipe(
      v.strictObject({ message: v.string() }),
      v.description(
        "API Gateway's own answer, as `application/json`: the function's errors are `application/problem+json`",
      ),
    ),
  ),
};

export const entityTag = jsonSchemaOf(v.pipe(v.string(), v.regex(ENTITY_TAG_PATTERN)));

export const literal = (value: string | number) => jsonSchemaOf(v.literal(value));
