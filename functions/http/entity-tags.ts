import { BadRequestError, PreconditionRequiredError } from './errors';

/**
 * Entity tags (RFC 9110 §8.8.3) of a session's config, and the `If-Match` / `If-None-Match` conditions made of them.
 * A config's tag is its version, quoted: `"7"`. It is a strong validator: every write makes a new version.
 */

/** The ETag of a config version. */
export const entityTagOf = (version: number): string => `"${version}"`;

interface EntityTag {
  readonly weak: boolean;
  readonly opaque: string;
}

/** A condition header's value: `*` (any current representation) or a list of entity tags. */
export type EntityTagCondition = '*' | readonly EntityTag[];

/** At most this many tags are read from one header; a longer list is refused (400). */
export const MAX_ENTITY_TAGS = 16;

// An opaque tag's characters (etagc: %x21 / %x23-7E / obs-text), and the optional white space around list elements.
const ETAGC = String.raw`[\x21\x23-\x7e\x80-\xff]`;
const OWS = String.raw`[\t ]*`;
// One `[W/]"opaque"` list element and the comma or end after it, or an empty element, which a list may hold
// (RFC 9110 §5.6.1.2).
const ELEMENT = new RegExp(String.raw`${OWS}(?:(W\/)?"(${ETAGC}*)"${OWS})?(?:,|$)`, 'y');

// Our opaque tags are versions: non-negative integers without leading zeros, of so few digits that each is an exact
// JavaScript number.
const MAX_VERSION_DIGITS = 15;
const VERSION_DIGITS = `(0|[1-9][0-9]{0,${MAX_VERSION_DIGITS - 1}})`;
const VERSION = new RegExp(`^${VERSION_DIGITS}$`);

/** What our ETags look like: a version, quoted. */
export const ENTITY_TAG_PATTERN = new RegExp(`^"${VERSION_DIGITS}"$`);

/** The highest version an ETag can name: a condition's tag of more digits names no version. */
export const MAX_VERSION = 10 ** MAX_VERSION_DIGITS - 1;

const TAG = String.raw`(?:W\/)?"${ETAGC}*"`;
/**
 * What an `If-Match` or `If-None-Match` value must look like for `conditionOf` to take it: `*`, or a list of 1 to
 * `MAX_ENTITY_TAGS` entity tags, strong or weak, empty elements and optional white space allowed.
 */
export const ENTITY_TAG_CONDITION_PATTERN = new RegExp(
  `^(?:${OWS}\\*${OWS}|(?:${OWS},)*${OWS}${TAG}${OWS}(?:,(?:${OWS},)*${OWS}${TAG}${OWS}){0,${MAX_ENTITY_TAGS - 1}}(?:,${OWS})*)$`,
);

const parse = (name: string, value: string): EntityTagCondition => {
  if (value.trim() === '*') return '*';
  const tags: EntityTag[] = [];
  const element = new RegExp(ELEMENT);
  while (element.lastIndex < value.length) {
    const match = element.exec(value);
    if (match === null || (match[2] !== undefined && tags.length === MAX_ENTITY_TAGS)) {
      throw new BadRequestError(
        `${name} must be "*" or a list of at most ${MAX_ENTITY_TAGS} entity tags such as "7" (quotes included)`,
      );
    }
    if (match[2] !== undefined) tags.push({ weak: match[1] !== undefined, opaque: match[2] });
  }
  if (tags.length === 0) throw new BadRequestError(`${name} must not be empty`);
  return tags;
};

/** The condition a header carries, or `undefined` when it is absent. @throws BadRequestError when malformed */
export const conditionOf = (
  headers: Readonly<Record<string, string | undefined>> | null | undefined,
  name: 'if-match' | 'if-none-match',
): EntityTagCondition | undefined => {
  const value = headers?.[name];
  return value === undefined ? undefined : parse(name === 'if-match' ? 'If-Match' : 'If-None-Match', value);
};

/**
 * The versions a condition names. Strong comparison (`If-Match`) ignores weak tags; weak comparison
 * (`If-None-Match`) takes them too. Tags that are not ours name no version.
 */
export const versionsOf = (tags: readonly EntityTag[], comparison: 'strong' | 'weak'): number[] =>
  tags.flatMap(({ weak, opaque }) =>
    (comparison === 'weak' || !weak) && VERSION.test(opaque) ? [Number(opaque)] : [],
  );

/** Whether a condition holds for the current version (`*` holds for any). */
export const holdsFor = (
  condition: EntityTagCondition,
  version: number,
  comparison: 'strong' | 'weak',
): boolean => condition === '*' || versionsOf(condition, comparison).includes(version);

/**
 * The versions a write may replace, from its `If-Match`: `undefined` for any (no header, or `*`, since every write
 * already requires the session to exist). `If-None-Match` guards reads only here and is refused on a write.
 * @param required whether this deployment refuses writes that do not name the version they replace (428)
 */
export const expectedVersionsOf = (
  headers: Readonly<Record<string, string | undefined>> | null | undefined,
  { required }: { required: boolean },
): number[] | undefined => {
  if (headers?.['if-none-match'] !== undefined) {
    throw new BadRequestError('If-None-Match applies to GET only; guard a write with If-Match');
  }
  const ifMatch = conditionOf(headers, 'if-match');
  if (ifMatch === undefined || ifMatch === '*') {
    if (required) throw new PreconditionRequiredError();
    return undefined;
  }
  return versionsOf(ifMatch, 'strong');
};
