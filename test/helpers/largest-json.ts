import type * as v from 'valibot';

// The most bytes of JSON a value valid against a valibot schema can take, walked over the schema: what MAX_BODY_BYTES
// must equal for the request schemas.

// The longest escape of one UTF-16 unit, `\uXXXX`. Serializers write it for every control character, for whatever is
// not ASCII (Python's json.dumps by default) or for `<`, `>` and `&` (Go's encoding/json), and anyone may write it for
// any character: a string's characters are what the schema bounds, never their escapes.
const ESCAPED_UNIT_BYTES = '\\u0000'.length;

// A number as serializers write one, in its shortest round-trip form: a sign, every significant digit a double has, a
// point and an exponent, which DynamoDB's range keeps to three digits. Longer spellings of the same number (trailing
// zeros) are no serializer's.
const LONGEST_NUMBER_BYTES = '-1.2345678901234567e-130'.length;

// JSON.stringify's widest indentation per level: it indents no more, whatever it is asked.
const WIDEST_INDENT = 10;

const NULL_BYTES = 'null'.length;

/** The parts of a schema that matter here; valibot's own types are too wide to switch on. */
interface SchemaPart {
  readonly kind: string;
  readonly type: string;
  readonly pipe?: readonly SchemaPart[];
  readonly requirement?: unknown;
  readonly wrapped?: SchemaPart;
  readonly options?: readonly SchemaPart[];
  readonly item?: SchemaPart;
  readonly entries?: Readonly<Record<string, SchemaPart>>;
}

/** A pipe's schemas and actions in order, nested pipes spread out. */
const partsOf = (schema: SchemaPart): SchemaPart[] => (schema.pipe ? schema.pipe.flatMap(partsOf) : [schema]);

/** The lowest requirement of a pipe's `type` actions (`max_length`, `max_entries`). */
const limitOf = (parts: readonly SchemaPart[], type: string, of: string): number => {
  const limits = parts.flatMap((part) => (part.type === type ? [Number(part.requirement)] : []));
  if (limits.length === 0) throw new Error(`The request body cannot be bounded: ${of} has no ${type}`);
  return Math.min(...limits);
};

/** A new line at `level`, indented at the widest. */
const lineAt = (level: number): number => '\n'.length + WIDEST_INDENT * level;

/** An array or object of `count` parts taking `bytes` in all, at `depth`: each part on a line one level deeper. */
const container = (count: number, bytes: number, depth: number): number =>
  count === 0
    ? '[]'.length
    : '[]'.length + bytes + (count - 1) * ','.length + count * lineAt(depth + 1) + lineAt(depth);

/** The largest JSON text a value valid against `schema` takes, at `depth`. */
const largestAt = (schema: SchemaPart, depth: number): number => {
  const parts = partsOf(schema);
  // What the value is once valid: the pipe's last schema (a size may be checked on a bare array or object first).
  const valid = parts.findLast((part) => part.kind === 'schema') ?? schema;
  const { type, wrapped, options, item, entries } = valid;
  if (type === 'string') return '""'.length + ESCAPED_UNIT_BYTES * limitOf(parts, 'max_length', 'a string');
  if (type === 'number') return LONGEST_NUMBER_BYTES;
  if (type === 'optional' && wrapped) return largestAt(wrapped, depth);
  if (type === 'nullable' && wrapped) return Math.max(NULL_BYTES, largestAt(wrapped, depth));
  if (type === 'union' && options) return Math.max(...options.map((option) => largestAt(option, depth)));
  if (type === 'array' && item) {
    const count = limitOf(parts, 'max_length', 'an array');
    return container(count, count * largestAt(item, depth + 1), depth);
  }
  if (entries) {
    // Members the schema does not name are either refused or ignored: a valid request needs none of them.
    const members = Object.entries(entries).map(
      ([name, value]) => JSON.stringify(name).length + ': '.length + largestAt(value, depth + 1),
    );
    return container(
      members.length,
      members.reduce((sum, bytes) => sum + bytes, 0),
      depth,
    );
  }
  throw new Error(`The request body cannot be bounded: a ${type} schema has no largest JSON here`);
};

/**
 * The most bytes of JSON a value valid against `schema` can take as a serializer writes it: every member the schema
 * names, every string at its most characters each escaped as `\uXXXX`, every array at its most items, every number at
 * its longest, indented as widely as JSON.stringify indents. Unknown schema types throw: the bound must cover them.
 */
export const largestJsonBytes = (schema: v.GenericSchema): number =>
  largestAt(schema as unknown as SchemaPart, 0);
