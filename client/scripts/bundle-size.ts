/**
 * The client's weight in a web app: bundled by esbuild as a browser app's bundler would (minified ESM, browser
 * platform, openapi-fetch included), then gzipped as a server would send it.
 */
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** The client's entry point. */
export const CLIENT_ENTRY = fileURLToPath(new URL('../src/index.ts', import.meta.url));

export interface BundleSize {
  /** Bytes of the minified bundle. */
  readonly minified: number;
  /** Bytes of that bundle gzipped (level 9). */
  readonly gzipped: number;
  /** The files and packages bundled, as paths from the project's root. */
  readonly inputs: readonly string[];
}

/** Bundles the client for browsers (an error if it needs anything a browser lacks) and measures the bundle. */
export const clientBundleSize = async (): Promise<BundleSize> => {
  const { outputFiles, metafile } = await build({
    entryPoints: [CLIENT_ENTRY],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const contents = outputFiles[0]?.contents ?? new Uint8Array();
  return {
    minified: contents.length,
    gzipped: gzipSync(contents, { level: 9 }).length,
    inputs: Object.keys(metafile.inputs),
  };
};
