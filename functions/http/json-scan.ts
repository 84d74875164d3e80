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

// A string's rest, from after its opening quote to its closing one, escapes included: unrolled, so that the engine
// never backtracks far, even on a string left open.
const STRING_REST = /[^"\\]*(?:\\[\s\S][^"\\]*)*"/y;

/** Where the string opened at `start` ends (its closing quote), or -1 when it never does. */
const stringEndOf = (text: string, start: number): number => {
  // Mostly the next quote; after a backslash, the engine reads the escapes.
  const next = text.indexOf('"', start + 1);
  if (next === -1 || text.charCodeAt(next - 1) !== BACKSLASH) return next;
  STRING_REST.lastIndex = start + 1;
  return STRING_REST.test(text) ? STRING_REST.lastIndex - 1 : -1;
};

/**
 * Why JSON text is deeper or fuller than this API reads, or `undefined`: a scan of the brackets and commas outside
 * strings, so that no parser or reviver recurses into a hostile body or builds its many values. It does not validate;
 * the parser does. The engine's own searches skip strings, numbers and white space, which a body may be made of.
 */
export const jsonShapeProblemOf = (text: string): string | undefined => {
  const structure = /["[\]{},]/g;
  const whiteSpace = /[ \t\n\r]*/y;
  let depth = 0;
  let values = 0;
  for (let found = structure.exec(text); found !== null; found = structure.exec(text)) {
    const c = text.charCodeAt(found.index);
    if (c === QUOTE) {
      const end = stringEndOf(text, found.index);
      // Never closed: the parser refuses it.
      if (end === -1) return undefined;
      structure.lastIndex = end + 1;
    } else if (c === COMMA) values++;
    else if (isClosing(c)) depth--;
    else if (isOpening(c)) {
      depth++;
      // Its first value, unless it closes at once.
      whiteSpace.lastIndex = structure.lastIndex;
      whiteSpace.exec(text);
      if (!isClosing(text.charCodeAt(whiteSpace.lastIndex))) values++;
    }
    if (depth > MAX_JSON_DEPTH) {
      return `The request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`;
    }
    if (values > MAX_JSON_VALUES) {
      return `The request body holds more than ${MAX_JSON_VALUES} values in its arrays and objects`;
    }
  }
  return undefined;
};
