import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** The committed OpenAPI document, the one clients get. */
export const OPENAPI_FILE = 'openapi/openapi.json';

type Json = Record<string, unknown>;

const document = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as Json;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(document, 'openapi');
// Header values are text: `Retry-After: 1` is read as the integer its schema declares.
const headerAjv = new Ajv2020({ strict: false, coerceTypes: true });
addFormats(headerAjv);

const pointer = (...segments: string[]) =>
  segments.map((s) => `/${s.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

/** Follows a local `$ref` (`#/components/...`) to what it names. */
const resolve = (value: unknown): Json | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const ref = (value as Json).$ref;
  if (typeof ref !== 'string') return value as Json;
  let target: unknown = document;
  for (const segment of ref.replace(/^#\//, '').split('/')) {
    target = (target as Json | undefined)?.[segment.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return resolve(target);
};

/**
 * Every answer the document lists on a path: `METHOD status media-type` for each body a response may have, or
 * `METHOD status` for one without a body.
 */
export const documentedAnswers = (path: string): string[] =>
  Object.entries(resolve((document.paths as Json)[path]) ?? {}).flatMap(([method, operation]) =>
    Object.entries((operation as { responses: Json }).responses).flatMap(([status, response]) => {
      const content = resolve(response)?.content as Json | undefined;
      const answer = `${method.toUpperCase()} ${status}`;
      return content === undefined
        ? [answer]
        : Object.keys(content).map((mediaType) => `${answer} ${mediaType}`);
    }),
  );

/** A response as a client saw it. */
export interface ObservedResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

/**
 * What in a real response the document does not describe: an undocumented status, a missing or invalid declared
 * header, a content type it does not list, or a body its schema refuses. Empty when the response conforms.
 */
export const openApiViolations = (path: string, method: string, response: ObservedResponse): string[] => {
  const operationPointer = pointer('paths', path, method.toLowerCase());
  const operation = resolve((document.paths as Json)[path])?.[method.toLowerCase()] as Json | undefined;
  if (operation === undefined) return [`${method} ${path} is not documented`];
  const declared = resolve((operation.responses as Json)[String(response.status)]);
  if (declared === undefined) return [`${method} ${path}: status ${response.status} is not documented`];

  const violations: string[] = [];
  for (const [name, header] of Object.entries((declared.headers as Json | undefined) ?? {})) {
    const { required, schema } = header as { required?: boolean; schema?: Json };
    const value = response.headers.get(name);
    if (value === null) {
      if (required) violations.push(`header ${name} is missing`);
    } else if (schema && !headerAjv.validate(schema, value)) {
      violations.push(`header ${name}: ${headerAjv.errorsText(headerAjv.errors)}`);
    }
  }

  const content = declared.content as Json | undefined;
  if (content === undefined) {
    if (response.body !== '')
      violations.push(`status ${response.status} has a body the document does not declare`);
    return violations;
  }
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
  if (!(mediaType in content)) {
    return [...violations, `content type "${mediaType}" is not one of ${Object.keys(content).join(', ')}`];
  }
  // The status as documented: a ref was resolved above, so the schema is reached through the operation's own entry
  // or through the component it names.
  const responseRef = ((operation.responses as Json)[String(response.status)] as Json).$ref;
  const schemaPointer =
    typeof responseRef === 'string'
      ? `${responseRef.slice(1)}${pointer('content', mediaType, 'schema')}`
      : `${operationPointer}${pointer('responses', String(response.status), 'content', mediaType, 'schema')}`;
  const validate = ajv.getSchema(`openapi#${schemaPointer}`);
  if (validate === undefined) return [...violations, `no schema at ${schemaPointer}`];
  if (!validate(JSON.parse(response.body))) {
    violations.push(`body: ${ajv.errorsText(validate.errors)}`);
  }
  return violations;
};
