import type { ChatConfig } from './config-schema';

/** A session's configuration as stored, with the version that counts its updates. */
export interface StoredSessionConfig {
  readonly sessionId: string;
  readonly config: ChatConfig;
  readonly version: number;
  readonly updatedAt: string;
}

/**
 * The outcome of one atomic replace: the new state, and the config it replaced (`{}` when there was none) as it was
 * stored, which for data older than this API may be any map.
 */
export interface ConfigReplacement {
  readonly current: StoredSessionConfig;
  readonly previousConfig: Readonly<Record<string, unknown>>;
}

/** One replace: the config to store for a session, the time to stamp it with, and a signal to give up on. */
export interface ConfigReplacementRequest {
  readonly sessionId: string;
  readonly config: ChatConfig;
  readonly updatedAt: string;
  /** Aborts the call (and its retries) when the caller no longer waits for it. */
  readonly signal?: AbortSignal | undefined;
}

/** Where sessions live. Implementations translate their own failures into the errors of `./errors`. */
export interface SessionStore {
  /**
   * Replaces the config of an existing session in one atomic write and increments its version.
   * @throws SessionNotFoundError when no session has that id (nothing is created)
   * @throws StoreUnavailableError when the store is throttling, unreachable, too slow, or the signal aborted
   * @throws SessionTooLargeError when the session would outgrow what the store can hold
   */
  replaceConfig(request: ConfigReplacementRequest): Promise<ConfigReplacement>;
}
