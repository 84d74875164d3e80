import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The TypeScript sources under `folder`, as paths from the project's root. */
const sourcesIn = (folder: string): string[] =>
  (readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' }) as string[])
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(folder, file));

// `from '…'`, `import '…'` and `import('…')`: type-only imports count too, as a dependency a reader follows.
const IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*['"]([^'"]+)['"]/g;

// A whole `import type …;` or `export type … from …;` statement: nothing of it is loaded at run time.
const TYPE_ONLY_STATEMENT = /^(import|export) type [^;]*;/gm;

/**
 * What a source imports: our files as paths from the root (`.ts` added), packages by their specifier; with `runtime`,
 * only what is loaded when it runs (type-only statements left out).
 */
const importsOf = (file: string, { runtime = false } = {}): string[] => {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...(runtime ? text.replace(TYPE_ONLY_STATEMENT, '') : text).matchAll(IMPORT)].map(
    ([, specifier = '']) =>
      specifier.startsWith('.') ? `${relative(ROOT, join(ROOT, dirname(file), specifier))}.ts` : specifier,
  );
};

/** Every source `entry` reaches through its imports, itself included, and every package they import. */
const reachedFrom = (entry: string, options: { runtime?: boolean } = {}): Set<string> => {
  const reached = new Set<string>();
  const visit = (file: string) => {
    if (reached.has(file)) return;
    reached.add(file);
    for (const imported of importsOf(file, options)) {
      if (imported.endsWith('.ts')) visit(imported);
      else reached.add(imported);
    }
  };
  visit(entry);
  return reached;
};

const isAwsSdk = (specifier: string) => /^@(aws-sdk|smithy)\//.test(specifier);

describe('the dependencies between modules', () => {
  it('keep the CDK app away from the AWS SDK and from the DynamoDB adapter', () => {
    // GIVEN / WHEN
    const reached = [...reachedFrom('bin/app.ts')];

    // THEN
    expect(reached).toContain('functions/sessions/session-table.ts');
    expect(reached.filter(isAwsSdk)).toEqual([]);
    expect(reached.filter((file) => file.startsWith('functions/sessions/dynamodb-'))).toEqual([]);
  });

  it("keep npm start from loading aws-cdk-lib (0.7 s): it reads the app's settings and CORS policy without it", () => {
    // GIVEN / WHEN
    const reached = [...reachedFrom('local/start.ts', { runtime: true })];

    // THEN
    expect(reached).toEqual(expect.arrayContaining(['lib/settings.ts', 'lib/cors-policy.ts']));
    expect(reached.filter((imported) => imported.startsWith('aws-cdk-lib'))).toEqual([]);
  });

  it("keep npm run login from loading aws-cdk-lib: it reads the stage's settings from cdk.json without it", () => {
    // GIVEN / WHEN
    const reached = [...reachedFrom('scripts/login.ts', { runtime: true })];

    // THEN
    expect(reached).toEqual(expect.arrayContaining(['lib/settings.ts', 'lib/cdk-json.ts']));
    expect(reached.filter((imported) => imported.startsWith('aws-cdk-lib'))).toEqual([]);
  });

  it('let only the DynamoDB adapter import the AWS SDK among the functions', () => {
    // GIVEN
    const sources = sourcesIn('functions');

    // WHEN
    const importers = sources.filter((file) => importsOf(file).some(isAwsSdk));

    // THEN
    expect(importers).toEqual(['functions/sessions/dynamodb-session-store.ts']);
  });

  it('keep HTTP out of the domain, and the domain out of the HTTP edge', () => {
    // GIVEN
    const importsFrom = (folder: string) => sourcesIn(folder).flatMap((file) => importsOf(file));

    // WHEN
    const domain = importsFrom('functions/sessions');
    const http = importsFrom('functions/http');

    // THEN
    expect(domain.length).toBeGreaterThan(0);
    expect(
      domain.filter((imported) => /^(functions\/(http|chat-config)\/|@middy\/|aws-lambda$)/.test(imported)),
    ).toEqual([]);
    expect(http.length).toBeGreaterThan(0);
    expect(http.filter((imported) => /^functions\/(sessions|chat-config)\//.test(imported))).toEqual([]);
  });

  it('keep every source of the stack and the function under 300 lines: past that, a file does two jobs', () => {
    // GIVEN
    const sources = [...sourcesIn('lib'), ...sourcesIn('functions')];

    // WHEN
    const tooLong = sources.filter(
      (file) => readFileSync(join(ROOT, file), 'utf8').split('\n').length - 1 > 300,
    );

    // THEN
    expect(sources.length).toBeGreaterThan(20);
    expect(tooLong).toEqual([]);
  });
});
