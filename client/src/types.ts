/**
 * The client's types, derived from the generated OpenAPI types by route and method only, never by schema name: the
 * document may rename or add schemas, and regenerating the types is then all the client needs.
 */
import type { paths } from './openapi';

type ConfigRoute = paths['/api/chat-sessions/{sessionId}/config'];
type JsonBody<Response> = Response extends { content: { 'application/json': infer Body } } ? Body : never;

/** A config as a replace sends it: every field optional, unknown fields refused (422). */
export type ChatConfig = NonNullable<
  ConfigRoute['put']['requestBody']
>['content']['application/json']['config'];

/** A JSON Merge Patch of a config: a field set to a value replaces it, set to `null` removes it, left out keeps it. */
export type ChatConfigPatch = NonNullable<
  ConfigRoute['patch']['requestBody']
>['content']['application/merge-patch+json'];

/**
 * A config as a read answers it: valid, or, at version 0, as another system stored it (which the schema may refuse).
 */
export type StoredConfig = JsonBody<ConfigRoute['get']['responses'][200]>['config'];

/** A session's config at one version. */
export interface ChatConfigState<Config = StoredConfig> {
  readonly config: Config;
  /** How many writes through the API the config has had (0: none yet). */
  readonly version: number;
  /** The version as an entity tag, e.g. `"7"`: what `ifMatch` takes. */
  readonly etag: string;
  /** The time of the last write (ISO 8601, UTC), null before the first. */
  readonly updatedAt: string | null;
}

/** What a write answers: the config as stored after it. */
export interface ChatConfigWritten extends ChatConfigState<ChatConfig> {
  /** True when the API answered a retry of a write it had already applied, and wrote nothing this time. */
  readonly replayed: boolean;
}

/** Options of every call. */
export interface CallOptions {
  /** Aborts the call, its waits between retries included. */
  readonly signal?: AbortSignal;
}

/** Options of a write. */
export interface WriteOptions extends CallOptions {
  /** Write only if the config is still at this version (an `etag`); otherwise a 412 `ChatConfigError`. */
  readonly ifMatch?: string;
  /** The write's idempotency key (1 to 255 printable ASCII characters). @default a new `crypto.randomUUID()` */
  readonly idempotencyKey?: string;
}

/** Options of `update`. */
export interface UpdateOptions extends CallOptions {
  /** How many rounds of read, change and conditional replace before the 412 is thrown. @default 3 */
  readonly maxAttempts?: number;
}
