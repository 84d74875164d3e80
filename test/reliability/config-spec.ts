/**
 * The config's rules as docs/api.md states them, written again on purpose, without the product's schema: the fuzz
 * suite's oracle for what a 2xx may store. A rule loosened in the schema (and so in the OpenAPI document built from
 * it) fails here.
 */

const isNumberIn = (value: unknown, min: number, max: number): boolean =>
  typeof value === 'number' &&
  Number.isFinite(value) &&
  value >= min &&
  value <= max &&
  (value === 0 || Math.abs(value) >= 1e-130);

const isTextOf = (value: unknown, min: number, max: number, maxBytes = Number.POSITIVE_INFINITY): boolean =>
  typeof value === 'string' &&
  value.length >= min &&
  value.length <= max &&
  value.isWellFormed() &&
  new TextEncoder().encode(value).length <= maxBytes;

const RULES: Record<string, (value: unknown) => boolean> = {
  model: (v) => isTextOf(v, 1, 128) && /^[A-Za-z0-9 ._:/@-]+$/.test(v as string),
  temperature: (v) => isNumberIn(v, 0, 2),
  max_tokens: (v) => Number.isInteger(v) && isNumberIn(v, 1, 1_000_000),
  top_p: (v) => isNumberIn(v, 0, 1),
  presence_penalty: (v) => isNumberIn(v, -2, 2),
  frequency_penalty: (v) => isNumberIn(v, -2, 2),
  stop: (v) =>
    isTextOf(v, 1, 256) || (Array.isArray(v) && v.length <= 4 && v.every((s) => isTextOf(s, 1, 256))),
  system_prompt: (v) => isTextOf(v, 0, 65_536, 65_536),
};

/** The fields of `config` that break the documented rules (an unknown field breaks them by being there). */
export const specViolations = (config: unknown): string[] => {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return ['(not an object)'];
  return Object.entries(config).flatMap(([name, value]) => (RULES[name]?.(value) ? [] : [name]));
};
