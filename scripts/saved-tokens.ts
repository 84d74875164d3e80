/**
 * The access tokens `npm run login` got, one per stack, kept with their expiry in a file of the project's folder that
 * git ignores and only its owner may read, for other scripts and clients to use until they expire.
 */
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/** Where `npm run login` keeps its tokens: `{ "<stack>": SavedToken }`. */
export const TOKENS_FILE = 'login-tokens.json';

/** An access token of a stack's user pool, as `npm run login` got it. */
export interface SavedToken {
  readonly accessToken: string;
  /** When it stops being accepted (ISO 8601). */
  readonly expiresAt: string;
  /** The scopes granted, when the token endpoint named them. */
  readonly scope?: string;
  /** Its `iss`: the stack's TokenIssuer. */
  readonly issuer: string;
  /** The app client it was issued to. */
  readonly clientId: string;
  /** The stack's API, which accepts it. */
  readonly apiUrl?: string;
}

type TokensFile = Record<string, SavedToken>;

const readTokensFile = (): TokensFile | undefined => {
  let text: string;
  try {
    text = readFileSync(TOKENS_FILE, 'utf8');
  } catch {
    return undefined;
  }
  const parsed: unknown = JSON.parse(text);
  return typeof parsed === 'object' && parsed !== null ? (parsed as TokensFile) : {};
};

/**
 * Keeps `token` as `stack`'s, beside the other stacks' tokens that have not expired. The file is written whole under
 * another name and renamed, readable and writable by its owner only, so that no reader sees it half-written.
 */
export const saveToken = (stack: string, token: SavedToken, now = new Date()): void => {
  let kept: TokensFile = {};
  try {
    kept = readTokensFile() ?? {};
  } catch {
    // A file no longer JSON holds nothing worth keeping: it is replaced.
  }
  const tokens = Object.fromEntries(
    Object.entries(kept).filter(([, saved]) => Date.parse(saved.expiresAt) > now.getTime()),
  );
  tokens[stack] = token;
  const partial = `${TOKENS_FILE}.${process.pid}.tmp`;
  writeFileSync(partial, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  chmodSync(partial, 0o600);
  renameSync(partial, TOKENS_FILE);
};

/**
 * The token `npm run login` saved for `stack` (by default the only one saved), or an error saying how to get one:
 * none saved, or expired.
 */
export const readSavedToken = (stack?: string, now = new Date()): SavedToken => {
  const tokens = readTokensFile();
  if (tokens === undefined) throw new Error(`No ${TOKENS_FILE}: npm run login writes it`);
  const stacks = Object.keys(tokens);
  const chosen = stack ?? (stacks.length === 1 ? stacks[0] : undefined);
  if (chosen === undefined) {
    throw new Error(`${TOKENS_FILE} holds tokens of ${stacks.join(', ') || 'no stack'}: name the stack`);
  }
  const token = tokens[chosen];
  if (token === undefined) {
    throw new Error(`${TOKENS_FILE} holds no token of ${chosen}: get one with npm run login`);
  }
  if (Date.parse(token.expiresAt) <= now.getTime()) {
    throw new Error(`The token of ${chosen} expired at ${token.expiresAt}: get another with npm run login`);
  }
  return token;
};
