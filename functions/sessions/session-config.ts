import { isDeepStrictEqual } from 'node:util';
import { CHAT_CONFIG_FIELD_NAMES, type ChatConfig, type ChatConfigPatch } from './config-schema';
import type { SessionStore, StoredSessionConfig } from './session-store';

/** Where the audit trail goes. Only ids, field names and versions are given to it, never config values. */
export interface AuditLog {
  info(message: string, attributes: Record<string, unknown>): void;
}

export interface SessionConfigDependencies {
  readonly store: SessionStore;
  readonly audit: AuditLog;
  readonly now?: () => Date;
}

/** What every write takes besides its config or patch. */
export interface WriteOptions {
  readonly sessionId: string;
  /** Write only over one of these versions (`If-Match`); absent, over any. */
  readonly expectedVersions?: readonly number[] | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** Names of the fields whose value differs between two configs (added, removed or changed), sorted. */
export const changedFields = (
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): string[] => {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => !isDeepStrictEqual(before[name], after[name])).sort();
};

/** Reads the configuration of an existing chat session. */
export const readSessionConfig = (
  { store }: Pick<SessionConfigDependencies, 'store'>,
  { sessionId, signal }: { sessionId: string; signal?: AbortSignal | undefined },
): Promise<StoredSessionConfig> => store.getConfig({ sessionId, signal });

/**
 * Replaces the configuration of an existing chat session and records which fields changed in the audit log.
 * The config must already be validated; the store guarantees the session is never created by this call.
 */
export const replaceSessionConfig = async (
  { store, audit, now = () => new Date() }: SessionConfigDependencies,
  { config, ...options }: WriteOptions & { config: ChatConfig },
): Promise<StoredSessionConfig> => {
  const { current, previousConfig } = await store.replaceConfig({
    ...options,
    config,
    updatedAt: now().toISOString(),
  });
  audit.info('Chat configuration updated', {
    sessionId: current.sessionId,
    changedFields: changedFields(previousConfig, current.config),
    version: current.version,
  });
  return current;
};

/**
 * Applies a validated merge patch to an existing session's configuration in one write, and records which fields it
 * set or removed in the audit log.
 */
export const patchSessionConfig = async (
  { store, audit, now = () => new Date() }: SessionConfigDependencies,
  { patch, ...options }: WriteOptions & { patch: ChatConfigPatch },
): Promise<StoredSessionConfig> => {
  const named = CHAT_CONFIG_FIELD_NAMES.filter((name) => patch[name] !== undefined);
  const current = await store.patchConfig({
    ...options,
    set: Object.fromEntries(named.filter((name) => patch[name] !== null).map((name) => [name, patch[name]])),
    remove: named.filter((name) => patch[name] === null),
    updatedAt: now().toISOString(),
  });
  audit.info('Chat configuration patched', {
    sessionId: current.sessionId,
    patchedFields: [...named].sort(),
    version: current.version,
  });
  return current;
};
