import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHAT_CONFIG_METHODS, CHAT_CONFIG_PATH } from '../../functions/chat-config/routes';
import { samStartApiEvent } from './sam-start-api-event';
import { runBundle, type Synthesized } from './shipped-asset';

/** Header names as Flask hands them to SAM CLI: each word capitalized. */
const flaskName = (name: string) =>
  name.replace(/(^|-)([a-z])/g, (_, dash, letter) => dash + letter.toUpperCase());

const ROUTE = new RegExp(`^${CHAT_CONFIG_PATH.replace('{sessionId}', '([^/]+)')}$`);

const bodyOf = async (request: IncomingMessage): Promise<string | undefined> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return chunks.length === 0 ? undefined : Buffer.concat(chunks).toString('utf8');
};

/**
 * What `sam local start-api` does with a request, for the tests that cannot run SAM CLI (it needs Docker): the routes
 * of the template and nothing else, each request turned into the event SAM CLI builds and handed to the bundle in a
 * process of its own (SAM CLI's default: a fresh container per request), with `env` as the container's environment.
 * A function that fails answers SAM CLI's 500.
 */
export const startSamStartApi = async (synthesized: Synthesized, env: () => Record<string, string>) => {
  const eventsDir = mkdtempSync(join(tmpdir(), 'chat-config-start-api-'));
  let requests = 0;
  const server = createServer(async (request, response) => {
    const [path = '', query = ''] = (request.url ?? '').split(/\?(.*)/s);
    const sessionId = ROUTE.exec(path)?.[1];
    const method = request.method ?? 'GET';
    if (sessionId === undefined || !CHAT_CONFIG_METHODS.includes(method)) {
      response
        .writeHead(403, { 'content-type': 'application/json' })
        .end('{"message":"Missing Authentication Token"}');
      return;
    }
    requests += 1;
    const file = join(eventsDir, `request-${requests}.json`);
    const headers = Object.fromEntries(
      // Of a repeated header, Flask's mapping keeps the first.
      Object.entries(request.headersDistinct).map(([name, values]) => [flaskName(name), String(values?.[0])]),
    );
    const port = (server.address() as AddressInfo).port;
    const body = await bodyOf(request);
    writeFileSync(
      file,
      JSON.stringify(
        samStartApiEvent({ method, sessionId: decodeURIComponent(sessionId), headers, body, query, port }),
      ),
    );
    const { results } = await runBundle(synthesized, [file], env());
    const result = results[0]?.result;
    if (result === undefined) {
      response
        .writeHead(500, { 'content-type': 'application/json' })
        .end('{"message":"Internal server error"}');
      return;
    }
    response
      .writeHead(result.statusCode ?? 200, result.headers as Record<string, string>)
      .end(result.body ?? '');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.close();
      await once(server, 'close');
      rmSync(eventsDir, { recursive: true, force: true });
    },
  };
};
