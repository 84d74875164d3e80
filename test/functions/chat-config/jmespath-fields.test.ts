import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JSONObject } from '@aws-lambda-powertools/commons/types';
import { search } from '@aws-lambda-powertools/jmespath';
import { describe, expect, it } from '@jest/globals';
import * as stubFunctions from '../../../functions/chat-config/jmespath-fields/functions';
import * as stub from '../../../functions/chat-config/jmespath-fields/index';

const IDEMPOTENCY_ESM = 'node_modules/@aws-lambda-powertools/idempotency/lib/esm';

/** Every `import { … } from '@aws-lambda-powertools/jmespath…'` of Powertools Idempotency's ES build, by module. */
const jmespathImports = (): Record<string, string[]> => {
  const imports: Record<string, string[]> = {};
  const files = readdirSync(IDEMPOTENCY_ESM, { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.js'),
  );
  for (const file of files) {
    const source = readFileSync(join(IDEMPOTENCY_ESM, file), 'utf8');
    for (const [, names = '', from = ''] of source.matchAll(
      /import\s*\{([^}]*)\}\s*from\s*'(@aws-lambda-powertools\/jmespath[^']*)'/g,
    )) {
      imports[from] = [...(imports[from] ?? []), ...names.split(',').map((name) => name.trim())].sort();
    }
  }
  return imports;
};

describe('the field-name JMESPath the bundle holds in place of the interpreter', () => {
  it('exports exactly what Powertools Idempotency imports of JMESPath, so that the bundle links', () => {
    const imported = jmespathImports();

    expect(Object.keys(imported).sort()).toEqual([
      '@aws-lambda-powertools/jmespath',
      '@aws-lambda-powertools/jmespath/functions',
    ]);
    expect(new Set(imported['@aws-lambda-powertools/jmespath'])).toEqual(new Set(Object.keys(stub)));
    expect(new Set(imported['@aws-lambda-powertools/jmespath/functions'])).toEqual(
      new Set(Object.keys(stubFunctions)),
    );
  });

  it.each([
    ['id', { id: ['alice', 'session-1', 'key'], request: {} }],
    ['request', { id: [], request: { method: 'PUT', body: { config: {} } } }],
    ['id', { request: {} }],
    ['id', ['not', 'an', 'object']],
    ['id', null],
  ])('finds the field %s as JMESPath does', (expression, data) => {
    expect(stub.search(expression, data)).toEqual(search(expression, data as JSONObject));
  });

  it.each(['id.key', 'id[0]', 'request || id', '`1`', ''])(
    'refuses any other expression: "%s"',
    (expression) => {
      expect(() => stub.search(expression, {})).toThrow(`JMESPath for field names only, not "${expression}"`);
    },
  );
});
