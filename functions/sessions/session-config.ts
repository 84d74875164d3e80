import { isDeepStrictEqual } from 'node:util';
import {
  CHAT_CONFIG_FIELD_NAMES,
  type ChatConfig,
  type ChatConfigPatch,
  chatConfigSchema,
  type FieldViolation,
  validate,
} from './config-schema';
import {
  InvalidConfigError,
  StoreUnavailableError,
  UnversionedConfigError,
  VersionConflictError,
} from './errors';
import type { ConfigRead, ConfigWrite, SessionStore, StoredSessionConfig } from './session-store';

/**
 * Where the audit trail goes: who changed which session, which fields, to which version. Only ids, field names and
 * versions are given to it, never config values.
 */
export interface AuditLog {
  info(message: string, attributes: Record<string, unknown>): void;
}

export interface SessionConfigDependencies {
  readonly store: SessionStore;
  readonly audit: AuditLog;
  readonly now?: () => Date;
}

/** What every write takes besides its config or patch: the store's write, but the time, which the use case stamps. */
type WriteOptions = Omit<ConfigWrite, 'updatedAt'>;

/** Names of the fields whose value differs between two configs (added, removed or changed), sorted. */
export const changedFields = (
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): string[] => {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => !isDeepStrictEqual(before[name], after[name])).sort();
};

/** Reads the configuration of an existing chat session of the caller (`ownerId`). */
export const readSessionConfig = (
  { store }: Pick<SessionConfigDependencies, 'store'>,
  read: ConfigRead,
): Promise<StoredSessionConfig> => store.getConfig(read);

/**
 * Replaces the configuration of an existing chat session of the caller (`ownerId`) and records who changed which
 * fields in the audit log.
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
    callerId: options.ownerId,
    changedFields: changedFields(previousConfig, current.config),
    version: current.version,
  });
  return current;
};

/** RFC 7396 on a config whose fields hold no objects: each field of the patch replaces the target's, `null` removes it. */
export const mergePatch = (
  target: Readonly<Record<string, unknown>>,
  patch: ChatConfigPatch,
): Record<string, unknown> => {
  const merged: Record<string, unknown> = { ...target };
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete merged[name];
    else merged[name] = value;
  }
  return merged;
};

const fieldOf = (path: string): string => path.split('/')[1] ?? '';

/** Says of a violation the patch did not cause that it is of a stored value, and how the client can fix it. */
const explainStored = (violation: FieldViolation, named: readonly string[]): FieldViolation => {
  const field = fieldOf(violation.path);
  if (named.includes(field)) return violation;
  const fix = (CHAT_CONFIG_FIELD_NAMES as readonly string[]).includes(field)
    ? 'patch it with a valid value, or replace the whole config'
    : 'replace the whole config to drop it';
  return { ...violation, message: `${violation.message} (a stored value: ${fix})` };
};

// A patch into an unversioned config is read (by the failed write), merged, validated, and written on condition that
// the version is still the one read. Under concurrent writers that condition may fail; then the session has a version
// and the next attempt patches field by field.
const MAX_PATCH_ATTEMPTS = 3;

/**
 * Merges a patch into a config this API did not write (`stored`, as the failed field-by-field write found it),
 * validates the result whole, and writes it on condition that the version is still the one found. `undefined` when
 * another write landed in between and the client named no version: the patch may then be tried again.
 */
const replaceUnversioned = async (
  store: SessionStore,
  { config, version }: UnversionedConfigError['stored'],
  {
    patch,
    named,
    expectedVersions,
    ...write
  }: WriteOptions & { patch: ChatConfigPatch; named: readonly string[]; updatedAt: string },
): Promise<StoredSessionConfig | undefined> => {
  if (expectedVersions !== undefined && !expectedVersions.includes(version)) {
    throw new VersionConflictError(version);
  }
  const merged = validate(chatConfigSchema, mergePatch(config, patch));
  if (!merged.success) {
    throw new InvalidConfigError(merged.violations.map((violation) => explainStored(violation, named)));
  }
  try {
    return (await store.replaceConfig({ ...write, config: merged.output, expectedVersions: [version] }))
      .current;
  } catch (error) {
    // The client's If-Match, if any, named the version found: it is now stale.
    if (error instanceof VersionConflictError && expectedVersions === undefined) return undefined;
    throw error;
  }
};

/**
 * Applies a validated merge patch to the configuration of an existing session of the caller (`ownerId`) and records
 * who set or removed which fields in the audit log. A config this API wrote is patched field by field in one write. A config it did not write (no
 * version, or not a map) is merged with the patch and the result validated whole (422, naming the stored values that
 * break the schema), then written in one write conditional on its version, so no concurrent write is lost.
 */
export const patchSessionConfig = async (
  { store, audit, now = () => new Date() }: SessionConfigDependencies,
  { patch, ...options }: WriteOptions & { patch: ChatConfigPatch },
): Promise<StoredSessionConfig> => {
  const named = CHAT_CONFIG_FIELD_NAMES.filter((name) => patch[name] !== undefined);
  const set = Object.fromEntries(
    named.filter((name) => patch[name] !== null).map((name) => [name, patch[name]]),
  );
  const remove = named.filter((name) => patch[name] === null);
  const patchOnce = async (): Promise<StoredSessionConfig | undefined> => {
    const updatedAt = now().toISOString();
    try {
      return await store.patchConfig({ ...options, set, remove, updatedAt });
    } catch (error) {
      if (!(error instanceof UnversionedConfigError)) throw error;
      return replaceUnversioned(store, error.stored, { ...options, patch, named, updatedAt });
    }
  };
  let current: StoredSessionConfig | undefined;
  for (let attempt = 1; current === undefined; attempt++) {
    // The config kept changing under concurrent writers: let the client retry later.
    if (attempt > MAX_PATCH_ATTEMPTS) throw new StoreUnavailableError();
    current = await patchOnce();
  }
  audit.info('Chat configuration patched', {
    sessionId: current.sessionId,
    callerId: options.ownerId,
    patchedFields: [...named].sort(),
    version: current.version,
  });
  return current;
};
