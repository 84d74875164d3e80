import { describe, expect, it } from '@jest/globals';
import { clientBundleSize } from '../../client/scripts/bundle-size';
import { printFigure } from '../helpers/figures';

// What the client may weigh in a web app, gzipped: openapi-fetch is 2.6 KB of it.
const GZIPPED_BUDGET_BYTES = 5 * 1024;

describe("the client's browser bundle", () => {
  it('bundles for browsers from its sources and openapi-fetch alone, within its budget', async () => {
    const { minified, gzipped, inputs } = await clientBundleSize();

    expect(inputs.filter((input) => !input.startsWith('client/src/'))).toEqual([
      'node_modules/openapi-fetch/dist/index.mjs',
    ]);
    expect(inputs).toContain('client/src/index.ts');
    expect(gzipped).toBeLessThanOrEqual(GZIPPED_BUDGET_BYTES);
    printFigure(`client: ${minified} bytes minified, ${gzipped} bytes gzipped (esbuild, ESM, browser)`);
  });
});
