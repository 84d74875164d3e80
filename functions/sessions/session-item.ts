import { isJsonObject } from './config-schema';
import type { ConfigWrite, NotFound, StoredSessionConfig } from './session-store';
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
  '#writeId': SESSION_ATTRIBUTES.writeId,
} as const;

/** The version of a session: 0 if it has none (never written through this API). */
export const versionOf = (value: unknown): number =>
  typeof value === 'number' && Number.isInteger(value) ? value : 0;

/** The attributes this API writes, as an item (or the old values of a write) holds them: any type, or none. */
export const writtenOf = (item: Record<string, unknown>) => ({
  version: item[SESSION_ATTRIBUTES.version],
  config: item[SESSION_ATTRIBUTES.config],
  updatedAt: item[SESSION_ATTRIBUTES.updatedAt],
  writeId: item[SESSION_ATTRIBUTES.writeId],
});

/**
 * Whether a version attribute is damaged: there, but not a number (this API writes only numbers). A damaged version
 * counts as 0, as a session never written through this API does, and a replace overwrites it.
 */
export const isDamagedVersion = (value: unknown): boolean => value !== undefined && typeof value !== 'number';

/**
 * How a write sets the version, and what it requires of the version it finds: `increment` a number (or none, as 0);
 * `repair` a damaged one, which it sets to 1.
 */
export type VersionUpdate = 'increment' | 'repair';

/**
 * The part of every write that stamps and guards it: the version (see `VersionUpdate`), the time, and the request's
 * write id, which the write requires the item not to hold already. A retried attempt whose first attempt landed then
 * fails its condition, and finds its own id: the request is applied once, whatever the SDK retries.
 */
const stampOf = (versionUpdate: VersionUpdate) =>
  versionUpdate === 'increment'
    ? {
        set: ['#version = if_not_exists(#version, :zero) + :one'],
        condition: ' AND (attribute_not_exists(#version) OR attribute_type(#version, :number))',
        values: { ':zero': 0 },
      }
    : {
        set: ['#version = :one'],
        condition: ' AND attribute_exists(#version) AND NOT attribute_type(#version, :number)',
        values: {},
      };

/** The condition that the item does not hold this request's write id. */
const NOT_THIS_WRITE = ' AND (attribute_not_exists(#writeId) OR #writeId <> :writeId)';

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

/** What a write changes beyond its stamp (version, time, write id), and what it must find besides the session. */
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

/** The attributes a read of the session may project, by the names its expressions use. */
type WrittenName = keyof typeof WRITTEN_NAMES;

/**
 * The one read of a session of `ownerId`, strongly consistent, projecting `projection`: a Query of the key filtered on
 * the owner (GetItem takes no condition), so that DynamoDB drops another owner's session before anything is returned.
 */
export const ownerQueryOf = (
  ownerAttribute: string,
  { sessionId, ownerId }: { readonly sessionId: string; readonly ownerId: string },
  projection: readonly WrittenName[],
) => ({
  KeyConditionExpression: '#sessionId = :sessionId',
  FilterExpression: '#owner = :owner',
  ConsistentRead: true,
  ProjectionExpression: projection.join(', '),
  ExpressionAttributeNames: {
    '#sessionId': SESSION_ATTRIBUTES.sessionId,
    '#owner': ownerAttribute,
    ...Object.fromEntries(projection.map((name) => [name, WRITTEN_NAMES[name]])),
  },
  ExpressionAttributeValues: { ':sessionId': sessionId, ':owner': ownerId },
});

/**
 * The one conditional `UpdateItem` of a write on an existing session of `ownerId`, stamped (see `stampOf`). Nothing
 * of the item comes back from a failed condition: the caller reads what it needs to tell why.
 */
export const updateOf = (
  ownerAttribute: string,
  { sessionId, ownerId, updatedAt, writeId, expectedVersions }: ConfigWrite,
  versionUpdate: VersionUpdate,
  { set, remove = [], condition = '', names = {}, values = {}, returnValues }: WriteExpression,
) => {
  const versions = versionCondition(versionUpdate === 'repair' ? undefined : expectedVersions);
  const stamp = stampOf(versionUpdate);
  return {
    Key: { sessionId },
    UpdateExpression: [
      `SET ${[...stamp.set, '#updatedAt = :updatedAt', '#writeId = :writeId', ...set].join(', ')}`,
      ...(remove.length > 0 ? [`REMOVE ${remove.join(', ')}`] : []),
    ].join(' '),
    // The owner's id is a string: the condition also fails where the session does not exist.
    ConditionExpression: `#owner = :owner${NOT_THIS_WRITE}${stamp.condition}${condition}${versions.expression}`,
    ExpressionAttributeNames: { '#owner': ownerAttribute, ...WRITTEN_NAMES, ...names },
    ExpressionAttributeValues: {
      ':owner': ownerId,
      ':one': 1,
      ':number': 'N',
      ':updatedAt': updatedAt,
      ':writeId': writeId,
      ...stamp.values,
      ...values,
      ...versions.values,
    },
    ReturnValues: returnValues,
  };
};

/**
 * What a failed condition found, read back: no session of the owner; the request's own write, landed by an earlier
 * attempt; or a session in another state, of which only its version is read.
 */
export type Inspection =
  | NotFound
  | { readonly outcome: 'ours'; readonly version: number; readonly updatedAt: string | null }
  | { readonly outcome: 'other'; readonly version: unknown };

/** The inspection of the owner's session item as read (version, write id and time), or of none. */
export const inspectionOf = (item: Record<string, unknown> | undefined, writeId: string): Inspection => {
  if (item === undefined) return { outcome: 'not-found' };
  const found = writtenOf(item);
  if (found.writeId !== writeId) return { outcome: 'other', version: found.version };
  const updatedAt = typeof found.updatedAt === 'string' ? found.updatedAt : null;
  return { outcome: 'ours', version: versionOf(found.version), updatedAt };
};
