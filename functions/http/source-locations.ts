import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Turns a bundle's stack frame locations into those of the TypeScript they were built from, with the source map
 * beside the bundle, read once when a frame first needs it. (`NODE_OPTIONS=--enable-source-maps` would do it for every
 * error, at the price of parsing the map at every cold start, which every invocation pays for the few that fail.)
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

/** Where a source map places a frame: the entry nearest before it, on the frame's own line, or none. */
const entryAt = (file: string, line: number, column: number) => {
  const entry = sourceMapOf(file)?.findEntry(line - 1, column - 1);
  // Past the map's last entry on a line, the nearest one is on another line: it names nothing of this frame.
  return entry !== undefined && 'generatedLine' in entry && entry.generatedLine === line - 1
    ? entry
    : undefined;
};

/**
 * `file:line:column` of a frame, as the original source's line and column where a source map tells them, else as
 * given. It never throws: it runs while a failure is being logged.
 */
export const originalLocationOf = (location: string): string => {
  try {
    const [, path = '', line = '0', column = '0'] = LOCATION.exec(location) ?? [];
    if (!/\.m?js$/.test(path)) return location;
    const entry = entryAt(
      path.startsWith('file:') ? fileURLToPath(path) : path,
      Number(line),
      Number(column),
    );
    if (entry === undefined) return location;
    return `${projectPathOf(entry.originalSource)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  } catch {
    return location;
  }
};
