import type * as v from 'valibot';
import type { ChatConfig, storedSessionConfigSchema } from './config-schema';

/** A session's configuration as stored (see `storedSessionConfigSchema`). */
export type StoredSessionConfig = Readonly<v.InferOutput<typeof storedSessionConfigSchema>>;

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
   * The request's own id, stamped on the session by its write: an attempt that finds it there knows the request was
   * applied already (by an earlier attempt whose answer was lost), and applies it no more.
   */
  readonly writeId: string;
  /**
   * The write happens only if the session's current version is one of these (an empty list matches none).
   * Absent: whatever the version, as long as the session exists.
   */
  readonly expectedVersions?: readonly number[] | undefined;
  /** Aborts the call (and its retries) when the caller no longer waits for it. */
  readonly signal?: AbortSignal | undefined;
}

/** Whether a write naming `expectedVersions` may replace a session at `version` (any, when it names none). */
export const expects = (expectedVersions: readonly number[] | undefined, version: number): boolean =>
  expectedVersions === undefined || expectedVersions.includes(version);

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

/** No session of that owner has that id: nothing was read, created or changed, and nothing of another's is told. */
export interface NotFound {
  readonly outcome: 'not-found';
}

/** The session is at another version than the write expected (`expectedVersions`): nothing was written. */
export interface Conflict {
  readonly outcome: 'conflict';
  readonly currentVersion: number;
}

/** What a read found. */
export type ReadOutcome = { readonly outcome: 'found'; readonly stored: StoredSessionConfig } | NotFound;

/**
 * What a replace came to: written, with the new state and the config it replaced (`{}` when there was none) as it was
 * stored, which for data older than this API may be any map; `undefined` when an earlier attempt of the request wrote
 * it, whose answer (and the config it replaced) was lost.
 */
export type ReplaceOutcome =
  | {
      readonly outcome: 'written';
      readonly current: StoredSessionConfig;
      readonly previousConfig: Readonly<Record<string, unknown>> | undefined;
    }
  | NotFound
  | Conflict;

/**
 * What a patch came to. `unversioned`: the session's config was not written by this API (it has no version, or is not
 * a map), so it cannot be patched field by field (what it keeps was never validated); `stored` is what the session
 * holds (a config that is not a map counts as `{}`, as RFC 7396 patches it), for the caller to merge and validate
 * whole.
 */
export type PatchOutcome =
  | { readonly outcome: 'written'; readonly current: StoredSessionConfig }
  | NotFound
  | Conflict
  | {
      readonly outcome: 'unversioned';
      readonly stored: { readonly config: Readonly<Record<string, unknown>>; readonly version: number };
    };

/**
 * Where sessions live. Every read and write finds the session only if it belongs to `ownerId`, checked by the store in
 * the same operation (never read, then checked). Every write is one atomic, conditional operation: it never creates a
 * session, it never loses a write made concurrently, and it is applied at most once per `writeId`, however often it is
 * attempted. A version that is not a number (damaged) counts as 0; a replace overwrites it. What the condition decides comes back as a value; a call
 * that fails throws the errors of `./errors`:
 * - `StoreUnavailableError` when the store is throttling, unreachable, too slow, or the signal aborted;
 * - `SessionTooLargeError`, from a write, when the session would outgrow what the store can hold;
 * - `StoreFailedError` for anything else.
 */
export interface SessionStore {
  /** Reads the session's config, strongly consistent: it reflects every write acknowledged before. */
  getConfig(request: ConfigRead): Promise<ReadOutcome>;
  /** Replaces the config of an existing session and increments its version. */
  replaceConfig(request: ConfigReplacementRequest): Promise<ReplaceOutcome>;
  /**
   * Sets and removes fields of an existing session's config and increments its version, in one write: a concurrent
   * write to other fields is kept. Only into a config this API wrote (validated, versioned, a map).
   */
  patchConfig(request: ConfigPatchRequest): Promise<PatchOutcome>;
}
