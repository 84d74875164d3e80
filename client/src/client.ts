/**
 * The client: one method per operation of the API, on openapi-fetch and the generated types, each answering the
 * config and its version or throwing a `ChatConfigError`.
 */
import createClient from 'openapi-fetch';
import { chatConfigError } from './errors.ts';
import type { paths } from './openapi';
import {
  authorizingFetch,
  type Fetch,
  type RetryOptions,
  retryingFetch,
  type TokenSource,
} from './transport.ts';
import type {
  CallOptions,
  ChatConfig,
  ChatConfigPatch,
  ChatConfigState,
  ChatConfigWritten,
  UpdateOptions,
  WriteOptions,
} from './types.ts';
import { type ConfigChange, updateConfig } from './update.ts';

const ROUTE = '/api/chat-sessions/{sessionId}/config';

/** What `createChatConfigClient` takes. */
export interface ChatConfigClientOptions {
  /** The API's base URL: `http://127.0.0.1:3000` locally, the stack's `ApiUrl` output in AWS. */
  readonly baseUrl: string;
  /** An OAuth access token with the scopes the calls need, or a function that gives the current one. */
  readonly token: TokenSource;
  /** @default globalThis.fetch */
  readonly fetch?: Fetch;
  /** Waits and retries after a 409, 429 or 503. */
  readonly retry?: RetryOptions;
}

/** The API's operations on one session's config. */
export interface ChatConfigClient {
  /** Reads the config, its version (as `etag` too) and the time of its last write. */
  get(sessionId: string, options?: CallOptions): Promise<ChatConfigState>;
  /** Replaces the whole config (PUT): the fields not given are removed. */
  replace(sessionId: string, config: ChatConfig, options?: WriteOptions): Promise<ChatConfigWritten>;
  /** Sets the fields given, removes those set to `null`, keeps the others (a JSON Merge Patch). */
  patch(sessionId: string, patch: ChatConfigPatch, options?: WriteOptions): Promise<ChatConfigWritten>;
  /** Replaces the config with `change(config)`, read again and changed again while others write in between. */
  update(sessionId: string, change: ConfigChange, options?: UpdateOptions): Promise<ChatConfigWritten>;
}

/** The key as the `Idempotency-Key` header takes it: a Structured Field String (RFC 8941). */
const idempotencyKeyHeader = (key: string) => `"${key.replace(/[\\"]/g, '\\$&')}"`;

/** The headers of a write: its own idempotency key, and the version it expects when given. */
const writeHeaders = ({ ifMatch, idempotencyKey = crypto.randomUUID() }: WriteOptions) => ({
  'Idempotency-Key': idempotencyKeyHeader(idempotencyKey),
  ...(ifMatch === undefined ? {} : { 'If-Match': ifMatch }),
});

interface Answer<Body> {
  readonly data?: Body;
  readonly error?: unknown;
  readonly response: Response;
}

/**
 * What a 2xx answers. `updatedAt` may be missing from the type: openapi-fetch's types drop a member typed `null`
 * alone (a config never written has `"updatedAt": null`).
 */
interface Answered<Config> {
  readonly config: Config;
  readonly version: number;
  readonly updatedAt?: string | null;
}

/** The state a 2xx answers, or the error of any other response. */
const stateOf = <Config>({ data, error, response }: Answer<Answered<Config>>): ChatConfigState<Config> => {
  if (!response.ok || data === undefined) throw chatConfigError(response, error);
  const { config, version, updatedAt = null } = data;
  return { config, version, updatedAt, etag: response.headers.get('ETag') ?? `"${version}"` };
};

const written = (answer: Answer<Answered<ChatConfig>>): ChatConfigWritten => ({
  ...stateOf(answer),
  replayed: answer.response.headers.get('Idempotent-Replayed') === 'true',
});

/** A client of the API at `baseUrl`, calling it with `token`. */
export const createChatConfigClient = ({
  baseUrl,
  token,
  fetch = (request) => globalThis.fetch(request),
  retry,
}: ChatConfigClientOptions): ChatConfigClient => {
  const api = createClient<paths>({ baseUrl, fetch: retryingFetch(authorizingFetch(fetch, token), retry) });
  const client: ChatConfigClient = {
    get: async (sessionId, { signal } = {}) =>
      stateOf(await api.GET(ROUTE, { params: { path: { sessionId } }, signal })),
    replace: async (sessionId, config, { signal, ...options } = {}) =>
      written(
        await api.PUT(ROUTE, {
          params: { path: { sessionId }, header: writeHeaders(options) },
          body: { config },
          signal,
        }),
      ),
    patch: async (sessionId, patch, { signal, ...options } = {}) =>
      written(
        await api.PATCH(ROUTE, {
          params: { path: { sessionId }, header: writeHeaders(options) },
          headers: { 'Content-Type': 'application/merge-patch+json' },
          body: patch,
          signal,
        }),
      ),
    update: (sessionId, change, options) => updateConfig(client, sessionId, change, options),
  };
  return client;
};
