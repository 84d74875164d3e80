/**
 * The docs' shell examples, run as a reader pastes them: every `sh` block of README.md and docs/ that calls the local
 * API runs with bash against `npm start`, with the token the README tells the reader to set, and each `curl` must
 * answer the status its comment names (`curl … # 200: …`). A doc example cannot rot unnoticed.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { CURL_REPORTING_STATUS, expectedStatuses, shellBlocks } from '../helpers/doc-blocks';
import { printFigure } from '../helpers/figures';
import { listeningUrl, PATH_WITHOUT_JAVA, useNpmStart } from '../helpers/npm-start';

const run = promisify(execFile);

/** Where the docs say the local API listens; the test's own `npm start` listens on a free port instead. */
const DOCUMENTED_URL = 'http://127.0.0.1:3000';
/** How the README has the reader take a token for the examples. */
const TOKEN_LINE = 'export TOKEN=$(npm run -s token)';
const DOCS = [
  'README.md',
  ...readdirSync('docs').flatMap((file) => (file.endsWith('.md') ? [`docs/${file}`] : [])),
];

const blocks = DOCS.flatMap(shellBlocks);
/** The blocks a reader runs against `npm start`: those that send a request to it. */
const localBlocks = blocks.filter(
  ({ code }) => code.includes(DOCUMENTED_URL) && /(^|[\s($])curl /m.test(code),
);

// One npm start for the whole file: the blocks run against it in the docs' order, as a reader would.
const { LOCAL_ISSUER_KEY_FILE, startOnTestEndpoint } = useNpmStart({ stopAfter: 'file' });
let baseUrl: string;
let token: string;

beforeAll(async () => {
  const api = startOnTestEndpoint();
  baseUrl = String(listeningUrl(await api.banner));
  const { stdout } = await run('bash', ['-c', `${TOKEN_LINE}\nprintf %s "$TOKEN"`], {
    env: { ...process.env, LOCAL_ISSUER_KEY_FILE, PATH: `${PATH_WITHOUT_JAVA}:${process.env.PATH}` },
  });
  token = stdout;
}, 30_000);

describe("the docs' shell examples", () => {
  it('tell the reader how to set the token the examples use', () => {
    expect(shellBlocks('README.md').some(({ code }) => code.split('\n').includes(TOKEN_LINE))).toBe(true);
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('name a status for every curl that calls the local API', () => {
    const unnamed = localBlocks.flatMap(({ file, line, code }) =>
      expectedStatuses(code).includes(undefined) ? [`${file}:${line}`] : [],
    );

    expect(localBlocks.length).toBeGreaterThan(0);
    expect(unnamed).toEqual([]);
  });

  it('answer, pasted against npm start, the status each curl names', async () => {
    const results = [];
    for (const { file, line, code } of localBlocks) {
      const script = [
        'set -euo pipefail',
        CURL_REPORTING_STATUS,
        code.replaceAll(DOCUMENTED_URL, baseUrl),
      ].join('\n');
      const { stderr } = await run('bash', ['-c', script], {
        env: { ...process.env, TOKEN: token, LOCAL_ISSUER_KEY_FILE },
      }).catch((error: { stderr: string; code: number }) => ({
        stderr: `${error.stderr}\nexit ${error.code}`,
      }));
      const got = [...stderr.matchAll(/^@@status (\d{3})$/gm)].map(([, status]) => status);
      results.push({
        block: `${file}:${line}`,
        statuses: got,
        problems: stderr.replace(/^@@status \d{3}\n/gm, ''),
      });
    }

    expect(results).toEqual(
      localBlocks.map(({ file, line, code }) => ({
        block: `${file}:${line}`,
        statuses: expectedStatuses(code),
        problems: '',
      })),
    );
    printFigure(
      `docs: ${localBlocks.length} shell blocks with ${localBlocks.flatMap(({ code }) => expectedStatuses(code)).length} curls, from ${new Set(localBlocks.map(({ file }) => file)).size} files, ran against npm start as written`,
    );
  }, 120_000);

  it('name only npm scripts that exist', () => {
    const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as {
      scripts: Record<string, string>;
    };
    const named = blocks.flatMap(({ file, line, code }) =>
      [...code.matchAll(/\bnpm run (?:-s )?([\w:-]+)/g)].map(([, script]) => ({
        at: `${file}:${line}`,
        script,
      })),
    );

    expect(named.length).toBeGreaterThan(0);
    expect(named.filter(({ script }) => !(String(script) in scripts))).toEqual([]);
  });
});
