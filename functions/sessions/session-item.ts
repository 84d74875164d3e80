import { isJsonObject } from './config-schema';
import type { StoredSessionConfig } from './session-store';
import { SESSION_ATTRIBUTES } from './session-table';

/**
 * A session item as the DynamoDB store reads and conditions it, in DynamoDB's expression language but without the SDK:
 * the attributes this API writes, what they say of the session's config, and how a write names the versions it may
 * replace.
 */

/** The attributes every write sets, by the placeholders its expressions use. */
export const WRITTEN_NAMES = {
  '#config': SESSION_ATTRIBUTES.config,
  '#version': SESSION_ATTRIBUTES.version,
  '#updatedAt': SESSION_ATTRIBUTES.updatedAt,
} as const;

/** The version of a session: 0 if it has none (never written through this API). */
export const versionOf = (value: unknown): number =>
  typeof value === 'number' && Number.isInteger(value) ? value : 0;

/** The attributes this API writes, as an item (or the old values of a write) holds them: any type, or none. */
export const writtenOf = (item: Record<string, unknown>) => ({
  version: item[SESSION_ATTRIBUTES.version],
  config: item[SESSION_ATTRIBUTES.config],
  updatedAt: item[SESSION_ATTRIBUTES.updatedAt],
});

/**
 * A session's config as its item holds it, returned as stored. `updatedAt` counts only as the time of a write by this
 * API (the session has a version): another system may keep its own `updatedAt` on the item.
 */
export const toStoredSessionConfig = (
  sessionId: string,
  item: Record<string, unknown>,
): StoredSessionConfig => {
  const written = writtenOf(item);
  const version = versionOf(written.version);
  return {
    sessionId,
    config: isJsonObject(written.config) ? written.config : {},
    version,
    updatedAt: version > 0 && typeof written.updatedAt === 'string' ? written.updatedAt : null,
  };
};

/**
 * The part of a write's condition that checks `expectedVersions`. A session never written through this API has no
 * version attribute: it is at version 0. An empty list stands for a version no session has (-1), so that the write
 * still fails on an existing session, and the failure still tells a missing session (404) from a changed one (412).
 */
export const versionCondition = (expected: readonly number[] | undefined) => {
  if (expected === undefined) return { expression: '', values: {} };
  const versions = expected.length > 0 ? expected : [-1];
  const placeholders = versions.map((_, i) => `:expected${i}`);
  const unversioned = versions.includes(0) ? 'attribute_not_exists(#version) OR ' : '';
  return {
    expression: ` AND (${unversioned}#version IN (${placeholders.join(', ')}))`,
    values: Object.fromEntries(versions.map((version, i) => [`:expected${i}`, version])),
  };
};

/** What a write changes beyond the version and the time stamp, and what it must find besides the session. */
export interface WriteExpression {
  readonly set: readonly string[];
  readonly remove?: readonly string[];
  readonly condition?: string;
  readonly names?: Record<string, string>;
  readonly values?: Record<string, unknown>;
  readonly returnValues: 'UPDATED_OLD' | 'ALL_NEW';
}

/**
 * The write of a patch: the fields it sets and removes, each on its own, so that a concurrent write to other fields is
 * kept. Only into a config this API wrote (it has a version, and it is a map), which was validated.
 */
export const fieldPatchExpression = (
  set: Readonly<Record<string, unknown>>,
  remove: readonly string[],
): WriteExpression => {
  const fields = Object.entries(set);
  return {
    set: fields.map(([name]) => `#config.#field_${name} = :field_${name}`),
    remove: remove.map((name) => `#config.#field_${name}`),
    condition: ' AND attribute_exists(#version) AND attribute_type(#config, :map)',
    names: Object.fromEntries(
      [...fields.map(([name]) => name), ...remove].map((name) => [`#field_${name}`, name]),
    ),
    values: {
      ':map': 'M',
      ...Object.fromEntries(fields.map(([name, value]) => [`:field_${name}`, value])),
    },
    returnValues: 'ALL_NEW',
  };
};
