/**
 * Limits on the shape of a JSON body, checked by a scan of its text before any parsing: a parser's work grows with
 * what the body holds (it builds every value, and Middy's parser calls a reviver on each), whatever the schema then
 * says of it.
 */

/**
 * Deepest nesting of arrays and objects accepted in a body. A valid one nests 3 levels (`{"config": {"stop": [...]}}`);
 * the margin is for members the API ignores.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * Most values a body's arrays and objects may hold, at every depth, in all: their items and their members' values. A
 * valid one holds the config, its fields and its stop sequences; the margin is for members the API ignores, and it
 * keeps parsing a body well short of the cost of a write.
 */
export const MAX_JSON_VALUES = 1_000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const isOpening = (c: number) => c === 0x5b || c === 0x7b; // [ {
const isClosing = (c: number) => c === 0x5d || c === 0x7d; // ] }
const isWhiteSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * Why JSON text is deeper or fuller than this API reads, or `undefined`: a scan of the brackets and commas outside
 * strings, so that no parser or reviver recurses into a hostile body or builds its many values. It does not validate;
 * the parser does.
 */
export const jsonShapeProblemOf = (text: string): string | undefined => {
  let depth = 0;
  let values = 0;
  let inString = false;
  // Whether the last character outside white space opened an array or object: its first value, if any, comes next.
  let opened = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (isWhiteSpace(c)) continue;
    if (opened && !isClosing(c)) values++;
    opened = isOpening(c);
    if (opened) depth++;
    else if (isClosing(c)) depth--;
    else if (c === QUOTE) inString = true;
    else if (c === COMMA) values++;
    if (depth > MAX_JSON_DEPTH) {
      return `The request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`;
    }
    if (values > MAX_JSON_VALUES) {
      return `The request body holds more than ${MAX_JSON_VALUES} values in its arrays and objects`;
    }
  }
  return undefined;
};
