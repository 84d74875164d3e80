import type { ChatConfig } from './config-schema';

/** A session's configuration as stored, with the version that counts its updates. */
export interface StoredSessionConfig {
  readonly sessionId: string;
  readonly config: ChatConfig;
  readonly version: number;
  readonly updatedAt: string;
}

/** The outcome of one atomic replace: the new state and the config it replaced (`{}` when there was none). */
export interface ConfigReplacement {
  readonly current: StoredSessionConfig;
  readonly previousConfig: ChatConfig;
}

/** Where sessions live. Implementations translate their own failures into the errors of `./errors`. */
export interface SessionStore {
  /**
   * Replaces the config of an existing session in one atomic write and increments its version.
   * @throws SessionNotFoundError when no session has that id (nothing is created)
   * @throws StoreUnavailableError when the store is throttling, unreachable or too slow
   */
  replaceConfig(input: {
    readonly sessionId: string;
    readonly config: ChatConfig;
    readonly updatedAt: string;
  }): Promise<ConfigReplacement>;
}
