import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import * as v from 'valibot';
import { CHAT_CONFIG_PROBLEMS } from '../../functions/chat-config/problems';
import {
  ALL_SCOPES,
  CHAT_CONFIG_METHODS,
  CHAT_CONFIG_PATH,
  REQUIRED_SCOPE,
  WRITE_MEDIA_TYPES,
} from '../../functions/chat-config/routes';
import { conditionOf, entityTagOf, MAX_VERSION } from '../../functions/http/entity-tags';
import { idempotencyKeyOf } from '../../functions/http/idempotency-key';
import { chatConfigSchema } from '../../functions/sessions/config-schema';
import { openApiFile } from '../../openapi/document';
import { OPENAPI_FILE } from '../helpers/openapi';

const committed = readFileSync(OPENAPI_FILE, 'utf8');
const document = JSON.parse(committed);
const operations = document.paths[CHAT_CONFIG_PATH] as Record<
  string,
  {
    requestBody?: { content: Record<string, unknown> };
    security?: Record<string, string[]>[];
    description?: string;
    tags?: string[];
    parameters: { in: string; name: string; schema: object }[];
  }
>;

describe('openapi/openapi.json', () => {
  it('is what npm run openapi writes from the code today (run it after changing routes, schema or errors)', () => {
    expect(committed).toBe(openApiFile());
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();

    const result = await validator.validate(document);

    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('documents exactly the methods the function serves, each write with the one media type it takes', () => {
    expect(Object.keys(operations).map((m) => m.toUpperCase())).toEqual(CHAT_CONFIG_METHODS);
    for (const [method, mediaType] of Object.entries(WRITE_MEDIA_TYPES)) {
      expect(Object.keys(operations[method.toLowerCase()]?.requestBody?.content ?? {})).toEqual([mediaType]);
    }
    expect(operations.get?.requestBody).toBeUndefined();
  });

  it("asks each operation for its route's scope, declared with its description in an OAuth flow clients can follow", () => {
    const schemes = document.components.securitySchemes as Record<
      string,
      { type: string; flows?: { authorizationCode?: { scopes: Record<string, string> } } }
    >;
    const [[name, scheme] = []] = Object.entries(schemes);
    const scopes = scheme?.flows?.authorizationCode?.scopes ?? {};

    expect(Object.keys(schemes)).toHaveLength(1);
    expect(Object.keys(scopes)).toEqual(ALL_SCOPES);
    expect(Object.values(scopes).every((description) => description.length > 0)).toBe(true);
    for (const method of CHAT_CONFIG_METHODS) {
      expect([method, operations[method.toLowerCase()]?.security]).toEqual([
        method,
        [{ [name as string]: [REQUIRED_SCOPE[method]] }],
      ]);
    }
  });

  it('describes each operation, under the one tag it describes too, and names the servers to call', () => {
    const tags = document.tags as { name: string; description?: string }[];

    expect(tags).toEqual([{ name: expect.any(String), description: expect.stringMatching(/\w/) }]);
    for (const method of CHAT_CONFIG_METHODS) {
      const operation = operations[method.toLowerCase()];
      expect([method, operation?.tags]).toEqual([method, [tags[0]?.name]]);
      expect([method, operation?.description]).toEqual([
        method,
        expect.stringContaining(REQUIRED_SCOPE[method] ?? '?'),
      ]);
    }
    expect(document.servers.map(({ url }: { url: string }) => url)).toEqual([
      'http://127.0.0.1:3000',
      'https://{apiId}.execute-api.{region}.amazonaws.com{stagePath}',
    ]);
  });

  it("lists among its responses every problem type of the function's problem table, but 405: API Gateway routes only the documented methods", () => {
    // GIVEN the types a response's schema lets a body have
    const documented = new Set(
      [...committed.matchAll(/"(urn:chat-config:problem:[a-z-]+)"/g)].map(([, type]) => type),
    );

    // THEN
    const types = CHAT_CONFIG_PROBLEMS.rows.flatMap(({ type, status }) => (status === 405 ? [] : [type]));
    expect(types.filter((type) => !documented.has(type))).toEqual([]);
  });

  it('takes in each condition and key header what the function parses, and bounds versions by what an ETag names', () => {
    const ajv = new Ajv2020({ strict: false });
    const headerSchema = (method: string, name: string) =>
      ajv.compile(
        operations[method]?.parameters.find((p) => p.in === 'header' && p.name === name)?.schema ?? {},
      );
    const parses = (read: () => unknown) => {
      try {
        read();
        return true;
      } catch {
        return false;
      }
    };
    const values = [
      '*',
      '"7"',
      ' "7", W/"8" ,',
      '7',
      '"7" "8"',
      '',
      ' , ',
      'W/7',
      'key',
      '"a key"',
      'a key',
      '"7",',
    ];

    for (const [method, name] of [
      ['get', 'If-Match'],
      ['get', 'If-None-Match'],
      ['patch', 'If-Match'],
    ] as const) {
      const schema = headerSchema(method, name);
      for (const value of values) {
        const header = name.toLowerCase() as 'if-match' | 'if-none-match';
        expect([name, value, schema(value)]).toEqual([
          name,
          value,
          parses(() => conditionOf({ [header]: value }, header)),
        ]);
      }
    }
    const key = headerSchema('put', 'Idempotency-Key');
    for (const value of values) {
      expect([value, key(value)]).toEqual([
        value,
        parses(() => idempotencyKeyOf({ 'idempotency-key': value }, { required: false })),
      ]);
    }
    ajv.addSchema(document, 'openapi');
    const stored = ajv.getSchema('openapi#/components/schemas/SessionConfig') ?? (() => undefined);
    const read = (version: number) => ({ sessionId: 's', config: {}, version, updatedAt: null });
    const etag = ajv.compile(document.paths[CHAT_CONFIG_PATH].get.responses['200'].headers.ETag.schema);
    expect([stored(read(MAX_VERSION)), etag(entityTagOf(MAX_VERSION))]).toEqual([true, true]);
    expect([stored(read(MAX_VERSION + 1)), etag(entityTagOf(MAX_VERSION + 1))]).toEqual([false, false]);
  });

  it('describes the config as the validation schema does, for every rule JSON Schema can state', () => {
    // GIVEN the document's ChatConfig as a JSON Schema validator reads it
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(document.components.schemas.ChatConfig);
    const samples = [
      {},
      { model: 'gpt-4', temperature: 0.7, max_tokens: 2000, system_prompt: 'Be brief' },
      { temperature: 2.5 },
      { max_tokens: 1.5 },
      { top_p: -0.1 },
      { stop: ['a', 'b', 'c', 'd', 'e'] },
      { stop: '' },
      { stop: 'END' },
      { model: 'bad model!' },
      { colour: 'blue' },
      { presence_penalty: -2, frequency_penalty: 2 },
      { system_prompt: 'x'.repeat(65_537) },
    ];

    // THEN both accept and refuse the same configs
    for (const sample of samples) {
      expect([sample, validate(sample)]).toEqual([sample, v.safeParse(chatConfigSchema, sample).success]);
    }
  });
});
