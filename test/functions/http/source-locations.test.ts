import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import { originalLocationOf } from '../../../functions/http/source-locations';

const dir = mkdtempSync(join(tmpdir(), 'source-locations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A bundle of one line, `a;b`, whose map says `a` came from line 3, column 5 (1-based) of ours, `b` from a package;
// the sources named relative to wherever it was built.
const bundle = join(dir, 'index.mjs');
writeFileSync(bundle, 'a;b\n');
writeFileSync(
  `${bundle}.map`,
  JSON.stringify({
    version: 3,
    sources: ['../../build/functions/sessions/store.ts', '../../build/node_modules/pkg/dist/x.js'],
    names: [],
    mappings: 'AAEI,ECFJ',
  }),
);

describe('originalLocationOf', () => {
  it('names the TypeScript line of a bundle frame, from the map beside the bundle, as the project names it', () => {
    expect(originalLocationOf(`${pathToFileURL(bundle).href}:1:1`)).toBe('functions/sessions/store.ts:3:5');
    expect(originalLocationOf(`${bundle}:1:3`)).toBe('node_modules/pkg/dist/x.js:1:1');
  });

  it("leaves alone what it cannot map: Node's own frames, a file without a map, a place the map does not know", () => {
    for (const location of [
      'node:internal/process/task_queues:104:5',
      `${join(dir, 'no-map.mjs')}:1:1`,
      `${bundle}:9:1`,
      'not a location',
    ]) {
      expect(originalLocationOf(location)).toBe(location);
    }
  });
});
