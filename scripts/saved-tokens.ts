/**
 * The access tokens `npm run login` got, one per stack, kept with their expiry in a file of the project's folder that
 * git ignores and only its owner may read, so that running it again prints the token while it lives.
 */
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/** Where `npm run login` keeps its tokens: `{ "<stack>": SavedToken }`. */
export const TOKENS_FILE = 'login-tokens.json';

/** An access token of a stack's user pool, as `npm run login` got it. */
export interface SavedToken {
  readonly accessToken: string;
  /** When it stops being accepted (ISO 8601). */
  readonly expiresAt: string;
  /** The scopes granted: those the token endpoint named, or else those asked for (RFC 6749, section 5.1). */
  readonly scope?: string;
  /** Its `iss`: the stack's TokenIssuer. */
  readonly issuer: string;
  /** The app client it was issued to. */
  readonly clientId: string;
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
  // Created afresh (wx): a file or link already at that name is never written through.
  writeFileSync(partial, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(partial, 0o600);
  renameSync(partial, TOKENS_FILE);
};

/** What `npm run login` asks of a saved token before printing it instead of signing in again. */
export interface WantedToken {
  /** The stack's TokenIssuer and AppClientId now: a token of an earlier pool or app client is not theirs. */
  readonly issuer: string;
  readonly clientId: string;
  /** The scopes asked for, each of which the token must carry. */
  readonly scopes: readonly string[];
  /** How long it must still be valid, for the command it is fetched for to use it (milliseconds). */
  readonly marginMs: number;
}

/**
 * The token saved for `stack` when it is still `wanted`'s, or why not: none saved (or the file unreadable), of another
 * issuer or app client, without a scope asked for, or expiring within the margin.
 */
export const reusableToken = (
  stack: string,
  wanted: WantedToken,
  now = new Date(),
): { readonly token: SavedToken } | { readonly refused: string } => {
  let saved: unknown;
  try {
    saved = readTokensFile()?.[stack];
  } catch {
    return { refused: `${TOKENS_FILE} is not JSON` };
  }
  const token = (typeof saved === 'object' && saved !== null ? saved : {}) as Partial<SavedToken>;
  if (typeof token.accessToken !== 'string' || typeof token.expiresAt !== 'string') {
    return { refused: `no token of ${stack} saved` };
  }
  if (token.issuer !== wanted.issuer || token.clientId !== wanted.clientId) {
    return { refused: `the saved token is of another issuer or app client than ${stack}'s now` };
  }
  const granted = new Set((token.scope ?? '').split(' '));
  const missing = wanted.scopes.filter((scope) => !granted.has(scope));
  if (missing.length > 0) return { refused: `the saved token lacks ${missing.join(' ')}` };
  // An unparsable date (NaN) fails the comparison too: such a token is never reused.
  const left = Date.parse(token.expiresAt) - now.getTime();
  if (!(left >= wanted.marginMs)) {
    return {
      refused:
        left > 0
          ? `the saved token expires at ${token.expiresAt}, within ${wanted.marginMs / 60_000} minutes`
          : `the saved token expired at ${token.expiresAt}`,
    };
  }
  return { token: token as SavedToken };
};
