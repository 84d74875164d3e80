import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Turns a bundle's stack frame locations into those of the TypeScript they were built from, with the source map
 * beside the bundle, read once when a frame first needs it. (`NODE_OPTIONS=--enable-source-maps` would do it for every
 * error, at the price of parsing the map at every cold start: about 20 ms and 9 MB, measured by `npm run bench`.)
 */
const maps = new Map<string, SourceMap | undefined>();

const sourceMapOf = (file: string): SourceMap | undefined => {
  if (!maps.has(file)) {
    let map: SourceMap | undefined;
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      map = undefined;
    }
    maps.set(file, map);
  }
  return maps.get(file);
};

/**
 * A source as the project names it: from `functions/` for ours, from `node_modules/` for a package. (The map names it
 * relative to wherever the bundle was built, which says nothing in a log.)
 */
const projectPathOf = (source: string): string => {
  const inPackage = source.lastIndexOf('node_modules/');
  if (inPackage >= 0) return source.slice(inPackage);
  const ours = source.indexOf('functions/');
  return ours >= 0 ? source.slice(ours) : source.replace(/^(\.\.?\/)+/, '');
};

const LOCATION = /^(.+):(\d+):(\d+)$/;

/** `file:line:column` of a frame, as the original source's line and column where a source map tells them. */
export const originalLocationOf = (location: string): string => {
  const [, path = '', line = '0', column = '0'] = LOCATION.exec(location) ?? [];
  if (!/\.m?js$/.test(path)) return location;
  const file = path.startsWith('file:') ? fileURLToPath(path) : path;
  const map = sourceMapOf(file);
  // The map's nearest entry must be on the frame's own line: past the last one, it would name a line of nothing.
  const entry = map?.findEntry(Number(line) - 1, Number(column) - 1);
  if (
    map === undefined ||
    entry === undefined ||
    !('generatedLine' in entry) ||
    entry.generatedLine !== Number(line) - 1
  ) {
    return location;
  }
  const origin = map.findOrigin(Number(line), Number(column));
  if (!('fileName' in origin)) return location;
  return `${projectPathOf(origin.fileName)}:${origin.lineNumber}:${origin.columnNumber}`;
};
