/**
 * The redirect URI of a login run from a terminal: an HTTP server on this machine's loopback interface, at the exact
 * host, port and path of a callback URL the app client allows, that takes the one callback carrying this login's
 * `state` and refuses every other (a forged or stale one never reaches the token endpoint).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** Hosts whose names never leave this machine: a plain http URL is safe only on them. */
export const isLoopbackHost = (hostname: string): boolean =>
  hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);

/** The addresses to listen on for `hostname`: both of `localhost`, which a browser may resolve to either. */
const addressesOf = (hostname: string): string[] => {
  if (hostname === 'localhost') return ['127.0.0.1', '::1'];
  return [hostname === '[::1]' ? '::1' : hostname];
};

/** What a browser shows once it lands: the callback's URL carries a code, so the page sends no referrer anywhere. */
const page = (response: ServerResponse, status: number, title: string, text: string) => {
  const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  response.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    Connection: 'close',
  });
  response.end(
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
      `<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>\n`,
  );
};

export interface LoopbackCallbackOptions {
  /** The callback URL as the app client lists it: http, on a loopback host, with its port and path. */
  readonly url: URL;
  /** The `state` this login sent with its authorization request. */
  readonly state: string;
  /** Told of each callback refused for its `state`, which the browser is told too. */
  readonly onRefused: (reason: string) => void;
}

/** A callback server, listening. */
export interface LoopbackCallback {
  /**
   * Waits (at most `timeoutMs`) for the callback with this login's `state`, gives its URL (the current URL, as
   * `openid-client` takes it) to `handle`, shows the browser how that went, stops listening and returns its result.
   */
  receive<T>(timeoutMs: number, handle: (callbackUrl: URL) => Promise<T>): Promise<T>;
  /** Stops listening. */
  close(): void;
}

const listenOn = (server: Server, port: number, address: string): Promise<void> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      resolve();
    });
  });

/** Listens at the callback URL's host (every loopback address it names), port and path. */
export const listenForCallback = async ({
  url,
  state,
  onRefused,
}: LoopbackCallbackOptions): Promise<LoopbackCallback> => {
  let accept: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    const received = new URL(request.url ?? '/', url);
    if (received.pathname !== url.pathname) {
      page(response, 404, 'Not found', `This server only takes the login callback, ${url.href}.`);
      return;
    }
    if (request.method !== 'GET') {
      page(response, 405, 'Method not allowed', 'The login callback is a GET.');
      return;
    }
    if (received.searchParams.get('state') !== state) {
      const reason = received.searchParams.has('state')
        ? 'its state is not the one this login sent'
        : 'it carries no state';
      onRefused(reason);
      page(response, 400, 'Refused', `This is not the login npm run login started: ${reason}.`);
      return;
    }
    if (accept === undefined) {
      page(response, 409, 'Already received', 'This login has already received its callback.');
      return;
    }
    accept(request, response);
  };

  const port = Number(url.port || 80);
  const servers: Server[] = [];
  const close = () => {
    for (const server of servers) {
      server.close();
      server.closeIdleConnections();
    }
  };
  for (const address of addressesOf(url.hostname)) {
    const server = createServer(onRequest);
    try {
      await listenOn(server, port, address);
      servers.push(server);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A machine without IPv6 has no ::1: localhost is then 127.0.0.1 alone.
      if (servers.length > 0 && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT')) continue;
      close();
      throw new Error(
        code === 'EADDRINUSE'
          ? `Port ${port} of ${url.hostname} is taken: stop what listens there, or use another callback URL the app client allows (--callback)`
          : `Cannot listen at ${url.href}: ${(error as Error).message}`,
      );
    }
  }

  const receive = <T>(timeoutMs: number, handle: (callbackUrl: URL) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        accept = undefined;
        close();
        reject(
          new Error(
            `Nobody signed in within ${timeoutMs / 1000} s: run npm run login again, and open the URL it prints`,
          ),
        );
      }, timeoutMs);
      accept = (request, response) => {
        accept = undefined;
        clearTimeout(timer);
        handle(new URL(request.url ?? '/', url)).then(
          (result) => {
            page(response, 200, 'Signed in', 'You can close this tab: the token is in your terminal.');
            close();
            resolve(result);
          },
          (error: unknown) => {
            page(response, 400, 'Sign-in failed', error instanceof Error ? error.message : String(error));
            close();
            reject(error);
          },
        );
      };
    });

  return { receive, close };
};
