import * as v from 'valibot';
import { BadRequestError } from '../http/errors';
import type { ApiGatewayEvent } from '../http/events';
import {
  type ChatConfig,
  type ChatConfigPatch,
  chatConfigPatchSchema,
  chatConfigSchema,
  expected,
  type FieldViolation,
  isJsonObject,
  validate,
} from '../sessions/config-schema';
import { InvalidConfigError } from '../sessions/errors';

/**
 * What the config resource's requests carry: the session id in the path and the bodies of the writes, as the OpenAPI
 * document describes them. A request that cannot be read as one is a 400; a config in it that breaks the schema, a 422.
 */

/** A session id as it may appear in the path. */
export const sessionIdSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,128}$/));

/**
 * Body of a full replace (`POST`/`PUT`): `{"config": {...}}`. Other top-level members are ignored, as the original
 * endpoint ignored them; inside `config`, every unknown field is rejected.
 */
export const replaceConfigRequestSchema = v.looseObject({ config: chatConfigSchema }, expected('object'));

/**
 * Whether a replace is malformed (400) rather than unprocessable (422): the body is not an object, or its `config`
 * is missing or not an object. Checked before the schema, whose failures are then all 422s.
 */
export const isMalformedRequest = (body: unknown): boolean =>
  !isJsonObject(body) || !isJsonObject(body.config);

/** Whether a merge patch is malformed (400) for not being an object at all, rather than for its fields (422). */
export const isMalformedPatch = (body: unknown): boolean => !isJsonObject(body);

/** The session id of the path. @throws BadRequestError when it is not one */
export const sessionIdOf = (event: ApiGatewayEvent): string => {
  const sessionId = v.safeParse(sessionIdSchema, event.pathParameters?.sessionId);
  if (!sessionId.success) {
    throw new BadRequestError('sessionId must be 1 to 128 characters of A-Z, a-z, 0-9, _ and -');
  }
  return sessionId.output;
};

/** How a body is checked: a malformed one is a 400; one that then fails its schema a 422. */
interface BodyRules<S extends v.GenericSchema> {
  readonly schema: S;
  /** Where the config is in the body. */
  readonly configPath: readonly string[];
  readonly isMalformed: (body: unknown) => boolean;
  readonly malformed: string;
  /** Rewords a violation, where a likely mistake deserves a hint. */
  readonly explain?: (violation: FieldViolation) => FieldViolation;
}

const parseBody = <S extends v.GenericSchema>(body: unknown, rules: BodyRules<S>): v.InferOutput<S> => {
  if (rules.isMalformed(body)) throw new BadRequestError(rules.malformed);
  const result = validate(rules.schema, body, rules.configPath);
  if (result.success) return result.output;
  throw new InvalidConfigError(result.violations.map(rules.explain ?? ((violation) => violation)));
};

const REPLACE_RULES: BodyRules<typeof replaceConfigRequestSchema> = {
  schema: replaceConfigRequestSchema,
  configPath: ['config'],
  isMalformed: isMalformedRequest,
  malformed: 'The request body must be a JSON object with a "config" object',
};

const PATCH_RULES: BodyRules<typeof chatConfigPatchSchema> = {
  schema: chatConfigPatchSchema,
  configPath: [],
  isMalformed: isMalformedPatch,
  malformed: 'The request body must be a JSON object of config fields (a merge patch)',
  explain: (violation) =>
    violation.path === '/config'
      ? { ...violation, message: 'Unknown field: a merge patch is the config itself, not {"config": ...}' }
      : violation,
};

/** The config a replace's body (`{"config": {...}}`) carries. @throws BadRequestError, InvalidConfigError */
export const replacementOf = (body: unknown): ChatConfig => parseBody(body, REPLACE_RULES).config;

/** The merge patch a `PATCH`'s body is. @throws BadRequestError, InvalidConfigError */
export const mergePatchOf = (body: unknown): ChatConfigPatch => parseBody(body, PATCH_RULES);
