import type * as v from 'valibot';
import type { ChatConfig, storedSessionConfigSchema } from './config-schema';

/** A session's configuration as stored (see `storedSessionConfigSchema`). */
export type StoredSessionConfig = Readonly<v.InferOutput<typeof storedSessionConfigSchema>>;

/**
 * The outcome of one atomic replace: the new state, and the config it replaced (`{}` when there was none) as it was
 * stored, which for data older than this API may be any map.
 */
export interface ConfigReplacement {
  readonly current: StoredSessionConfig;
  readonly previousConfig: Readonly<Record<string, unknown>>;
}

/** Whose session it is: every read and write finds only a session of this owner, in the same request. */
interface SessionOwnership {
  readonly sessionId: string;
  /** The caller's user id: a session of another owner (or of none) is as missing as one that does not exist. */
  readonly ownerId: string;
}

/**
 * What every write names: the session and its owner, the time to stamp, the versions it may replace, and a signal to
 * give up on.
 */
export interface ConfigWrite extends SessionOwnership {
  readonly updatedAt: string;
  /**
   * The write happens only if the session's current version is one of these (an empty list matches none).
   * Absent: whatever the version, as long as the session exists.
   */
  readonly expectedVersions?: readonly number[] | undefined;
  /** Aborts the call (and its retries) when the caller no longer waits for it. */
  readonly signal?: AbortSignal | undefined;
}

/** One replace: the whole config to store. */
export interface ConfigReplacementRequest extends ConfigWrite {
  readonly config: ChatConfig;
}

/** One patch: the fields to set (each validated) and the fields to remove. Fields named in neither are kept. */
export interface ConfigPatchRequest extends ConfigWrite {
  readonly set: ChatConfig;
  readonly remove: readonly (keyof ChatConfig)[];
}

/** One read. */
export interface ConfigRead extends SessionOwnership {
  readonly signal?: AbortSignal | undefined;
}

/**
 * Where sessions live. Implementations translate their own failures into the errors of `./errors`. Every read and write
 * finds the session only if it belongs to `ownerId`, checked by the store in the same operation (never read, then
 * checked). Every write is one atomic, conditional operation: it never creates a session, and it never loses a write
 * made concurrently.
 *
 * Each method may throw:
 * - `SessionNotFoundError` when no session of that owner has that id (nothing is created, nothing of another owner's
 *   session is told or changed);
 * - `StoreUnavailableError` when the store is throttling, unreachable, too slow, or the signal aborted.
 *
 * Writes may also throw:
 * - `VersionConflictError` (with the current version) when `expectedVersions` does not hold the session's version;
 * - `SessionTooLargeError` when the session would outgrow what the store can hold.
 */
export interface SessionStore {
  /** Reads the session's config, strongly consistent: it reflects every write acknowledged before. */
  getConfig(request: ConfigRead): Promise<StoredSessionConfig>;
  /** Replaces the config of an existing session and increments its version. */
  replaceConfig(request: ConfigReplacementRequest): Promise<ConfigReplacement>;
  /**
   * Sets and removes fields of an existing session's config and increments its version, in one write: a concurrent
   * write to other fields is kept. Only into a config this API wrote (validated, versioned, a map).
   * @throws UnversionedConfigError, with what the session holds, when it has no version or its config is not a map
   */
  patchConfig(request: ConfigPatchRequest): Promise<StoredSessionConfig>;
}
