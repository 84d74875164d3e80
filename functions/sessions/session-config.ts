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
  SessionNotFoundError,
  StoreUnavailableError,
  VersionConflictError,
} from './errors';
import {
  type ConfigRead,
  type ConfigWrite,
  type Conflict,
  expects,
  type NotFound,
  type SessionStore,
  type StoredSessionConfig,
} from './session-store';

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
export type WriteOptions = Omit<ConfigWrite, 'updatedAt'>;

/** Names of the fields whose value differs between two configs (added, removed or changed), sorted. */
export const changedFields = (
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): string[] => {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => !isDeepStrictEqual(before[name], after[name])).sort();
};

/** Why a use case did nothing: the domain error that says so, returned as a value rather than thrown. */
export type Refusal = SessionNotFoundError | VersionConflictError | InvalidConfigError;

/** What a use case came to: the session's config as it now stands, or why nothing was done. */
export type SessionConfigOutcome =
  | { readonly outcome: 'done'; readonly current: StoredSessionConfig }
  | { readonly outcome: 'refused'; readonly refusal: Refusal };

const done = (current: StoredSessionConfig): SessionConfigOutcome => ({ outcome: 'done', current });
const refused = (refusal: Refusal): SessionConfigOutcome => ({ outcome: 'refused', refusal });

/** The refusal of a store's outcome that wrote nothing: a missing session, or one at another version. */
const refusalOf = (outcome: NotFound | Conflict): Refusal =>
  outcome.outcome === 'not-found'
    ? new SessionNotFoundError()
    : new VersionConflictError(outcome.currentVersion);

/** Reads the configuration of an existing chat session of the caller (`ownerId`). */
export const readSessionConfig = async (
  { store }: Pick<SessionConfigDependencies, 'store'>,
  read: ConfigRead,
): Promise<SessionConfigOutcome> => {
  const found = await store.getConfig(read);
  return found.outcome === 'found' ? done(found.stored) : refused(refusalOf(found));
};

/**
 * Replaces the configuration of an existing chat session of the caller (`ownerId`) and records who changed which
 * fields in the audit log.
 * The config must already be validated; the store guarantees the session is never created by this call.
 */
export const replaceSessionConfig = async (
  { store, audit, now = () => new Date() }: SessionConfigDependencies,
  { config, ...options }: WriteOptions & { config: ChatConfig },
): Promise<SessionConfigOutcome> => {
  const replaced = await store.replaceConfig({ ...options, config, updatedAt: now().toISOString() });
  if (replaced.outcome !== 'written') return refused(refusalOf(replaced));
  const { current, previousConfig } = replaced;
  audit.info('Chat configuration updated', {
    sessionId: current.sessionId,
    callerId: options.ownerId,
    // Unknown when an earlier attempt of the request wrote it, and its answer was lost.
    changedFields: previousConfig === undefined ? undefined : changedFields(previousConfig, current.config),
    version: current.version,
  });
  return done(current);
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

/**
 * A stored config this API did not validate, merged with `patch` and validated whole; refused naming the stored values
 * that break the schema (those of fields the patch does not name).
 */
const validatedWhole = (
  stored: Readonly<Record<string, unknown>>,
  patch: ChatConfigPatch,
  named: readonly string[],
):
  | { readonly success: true; readonly config: ChatConfig }
  | { readonly success: false; readonly refusal: Refusal } => {
  const merged = validate(chatConfigSchema, mergePatch(stored, patch));
  return merged.success
    ? { success: true, config: merged.output }
    : {
        success: false,
        refusal: new InvalidConfigError(
          merged.violations.map((violation) => explainStored(violation, named)),
        ),
      };
};

/**
 * The session as it stands, for a patch that names no field: refused as a patch would be (missing, changed, or holding
 * stored values that break the schema, which only a config this API did not write can), but not written.
 */
const readUnchanged = async (
  store: SessionStore,
  { expectedVersions, ...read }: WriteOptions,
): Promise<SessionConfigOutcome> => {
  const found = await readSessionConfig({ store }, read);
  if (found.outcome !== 'done') return found;
  const { version, config } = found.current;
  if (!expects(expectedVersions, version)) return refused(new VersionConflictError(version));
  const whole = validatedWhole(config, {}, []);
  return whole.success ? found : refused(whole.refusal);
};

// A patch into an unversioned config is merged, validated, and written on condition that the version is still the one
// the failed patch found. Under concurrent writers that condition may fail; then the session has a version and the
// next attempt patches field by field.
const MAX_PATCH_ATTEMPTS = 3;

/** What a patch names: the fields it sets, those it removes, and all of them. */
interface PatchFields {
  readonly patch: ChatConfigPatch;
  readonly named: readonly (keyof ChatConfig)[];
  readonly set: ChatConfig;
  readonly remove: readonly (keyof ChatConfig)[];
}

/**
 * One attempt at a patch: field by field into a config this API wrote; into one it did not, merged and validated
 * whole, then written on condition that its version is still the one found. `changed` when another write landed in
 * between and the caller named no version: the patch may be tried again.
 */
const patchOnce = async (
  store: SessionStore,
  write: ConfigWrite,
  { patch, named, set, remove }: PatchFields,
): Promise<SessionConfigOutcome | { readonly outcome: 'changed' }> => {
  const patched = await store.patchConfig({ ...write, set, remove });
  if (patched.outcome === 'written') return done(patched.current);
  if (patched.outcome !== 'unversioned') return refused(refusalOf(patched));
  const { config, version } = patched.stored;
  const { expectedVersions } = write;
  if (!expects(expectedVersions, version)) return refused(new VersionConflictError(version));
  const merged = validatedWhole(config, patch, named);
  if (!merged.success) return refused(merged.refusal);
  const replaced = await store.replaceConfig({
    ...write,
    config: merged.config,
    expectedVersions: [version],
  });
  if (replaced.outcome === 'written') return done(replaced.current);
  // The caller's If-Match, if any, named the version found: it is now stale.
  if (replaced.outcome === 'conflict' && expectedVersions === undefined) return { outcome: 'changed' };
  return refused(refusalOf(replaced));
};

/**
 * Applies a validated merge patch to the configuration of an existing session of the caller (`ownerId`) and records
 * who set or removed which fields in the audit log. A config this API wrote is patched field by field in one write. A
 * config it did not write (no version, or not a map) is merged with the patch and the result validated whole (refused,
 * naming the stored values that break the schema), then written in one write conditional on its version, so no
 * concurrent write is lost.
 */
export const patchSessionConfig = async (
  { store, audit, now = () => new Date() }: SessionConfigDependencies,
  { patch, ...options }: WriteOptions & { patch: ChatConfigPatch },
): Promise<SessionConfigOutcome> => {
  const named = CHAT_CONFIG_FIELD_NAMES.filter((name) => patch[name] !== undefined);
  const fields: PatchFields = {
    patch,
    named,
    set: Object.fromEntries(named.filter((name) => patch[name] !== null).map((name) => [name, patch[name]])),
    remove: named.filter((name) => patch[name] === null),
  };
  // A patch that names no field changes nothing: it is answered with the state it would have applied to.
  if (named.length === 0) return readUnchanged(store, options);
  for (let attempt = 1; attempt <= MAX_PATCH_ATTEMPTS; attempt++) {
    const outcome = await patchOnce(store, { ...options, updatedAt: now().toISOString() }, fields);
    if (outcome.outcome === 'changed') continue;
    if (outcome.outcome === 'done') {
      audit.info('Chat configuration patched', {
        sessionId: outcome.current.sessionId,
        callerId: options.ownerId,
        patchedFields: [...named].sort(),
        version: outcome.current.version,
      });
    }
    return outcome;
  }
  // The config kept changing under concurrent writers: let the client retry later.
  throw new StoreUnavailableError();
};
