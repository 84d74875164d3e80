/**
 * Serves the browser demo (index.html and demo.ts, bundled by esbuild) on a loopback origin of its own, with the API's
 * URL, the session and a token written into the page. Its Content-Security-Policy lets the page talk to that API
 * only, so what the browser shows is what the API's CORS answers allow.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { DemoSettings } from './settings';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** demo.ts and the client, as one browser module. */
const bundleDemo = async (): Promise<string> => {
  const { outputFiles } = await build({
    entryPoints: [here('./demo.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const [script] = outputFiles;
  if (script === undefined) throw new Error('esbuild wrote no bundle of the demo');
  return script.text;
};

/** The page, with its settings as JSON that no `</script>` inside can end early. */
const pageWith = async (settings: DemoSettings): Promise<string> => {
  const json = JSON.stringify(settings).replaceAll('<', '\\u003c');
  const page = await readFile(here('./index.html'), 'utf8');
  return page.replace('<!--settings-->', `<script id="settings" type="application/json">${json}</script>`);
};

export interface DemoServer {
  /** The page's URL, on the demo's own origin. */
  readonly url: string;
  readonly close: () => Promise<void>;
}

/**
 * The demo on `http://localhost:<port>/` (port 0: a free one), listening on 127.0.0.1: another origin than the local
 * API's `http://127.0.0.1:<port>`, on the same machine.
 */
export const serveDemo = async ({
  settings,
  port = 0,
}: {
  settings: DemoSettings;
  port?: number;
}): Promise<DemoServer> => {
  const [page, script] = await Promise.all([pageWith(settings), bundleDemo()]);
  const apiOrigin = new URL(settings.apiUrl).origin;
  const files: Record<string, { type: string; body: string }> = {
    '/': { type: 'text/html; charset=utf-8', body: page },
    '/demo.js': { type: 'text/javascript; charset=utf-8', body: script },
  };
  const server = createServer((req, res) => {
    // The page holds a token: it is served under the names of this machine only, never to a page of another site
    // whose name was made to resolve here (DNS rebinding).
    const port = (server.address() as AddressInfo).port;
    if (req.headers.host !== `localhost:${port}` && req.headers.host !== `127.0.0.1:${port}`) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden');
      return;
    }
    const file = files[(req.url ?? '/').split('?')[0] ?? '/'];
    if (file === undefined || req.method !== 'GET') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    res
      .writeHead(200, {
        'content-type': file.type,
        'cache-control': 'no-store',
        'content-security-policy': `default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src ${apiOrigin}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
        'referrer-policy': 'no-referrer',
      })
      .end(file.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `http://localhost:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
