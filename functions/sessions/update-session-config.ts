import { isDeepStrictEqual } from 'node:util';
import type { ChatConfig } from './config-schema';
import type { SessionStore, StoredSessionConfig } from './session-store';

/** Where the audit trail goes. Only ids, field names and versions are given to it, never config values. */
export interface AuditLog {
  info(message: string, attributes: Record<string, unknown>): void;
}

export interface UpdateSessionConfigDependencies {
  readonly store: SessionStore;
  readonly audit: AuditLog;
  readonly now?: () => Date;
}

/** Names of the fields whose value differs between two configs (added, removed or changed), sorted. */
export const changedFields = (
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): string[] => {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => !isDeepStrictEqual(before[name], after[name])).sort();
};

/**
 * Replaces the configuration of an existing chat session and records which fields changed in the audit log.
 * The config must already be validated; the store guarantees the session is never created by this call.
 */
export const updateSessionConfig = async (
  { store, audit, now = () => new Date() }: UpdateSessionConfigDependencies,
  { sessionId, config, signal }: { sessionId: string; config: ChatConfig; signal?: AbortSignal },
): Promise<StoredSessionConfig> => {
  const { current, previousConfig } = await store.replaceConfig({
    sessionId,
    config,
    updatedAt: now().toISOString(),
    signal,
  });
  audit.info('Chat configuration updated', {
    sessionId,
    changedFields: changedFields(previousConfig, current.config),
    version: current.version,
  });
  return current;
};
