import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';
import { createJwtAuthorizer, type JwtAuthorizer } from '../functions/api-gateway/jwt-authorizer';
import { ALL_SCOPES } from '../functions/chat-config/routes';
import { accessTokenClaims } from './http-api-event';

/**
 * The local stand-in for the user pool: an issuer whose RSA key the project generates, signing access tokens shaped like
 * Cognito's (`sub`, `client_id`, `scope`, `token_use`), for the local API's authorizer to check like API Gateway does.
 */

/** The `iss` of local tokens (`.invalid`: a name that never resolves, so no real issuer can be confused with it). */
const LOCAL_ISSUER = 'https://issuer.chat-config.invalid';

/** The app client local tokens are issued to (`client_id`), the audience the local authorizer accepts. */
export const LOCAL_AUDIENCE = 'chat-config-local';

/** Where the local issuer's private key is kept unless LOCAL_ISSUER_KEY_FILE names another file (git ignores it). */
const DEFAULT_KEY_FILE = fileURLToPath(new URL('./.issuer/signing-key.jwk.json', import.meta.url));

// RS256: API Gateway's JWT authorizers take RSA signatures only, and Cognito signs with RS256.
const ALGORITHM = 'RS256';

/** A token's lifetime unless asked otherwise: a Cognito access token's default. */
export const DEFAULT_TOKEN_LIFETIME = '1h';

export interface TokenRequest {
  /** The user id (`sub`). */
  readonly sub: string;
  /** Scopes, as tokens carry them. @default both scopes of the API */
  readonly scopes?: readonly string[];
  /** How long the token is valid: seconds (negative: expired), or a span such as "30m", "12h". @default '1h' */
  readonly expiresIn?: number | string;
  /** Claims to add or to put in place of those above (tests make wrong tokens with them). */
  readonly claims?: Readonly<JWTPayload>;
}

export interface LocalIssuer {
  readonly issuer: string;
  readonly audience: string;
  /** The public key set tokens are verified with (what a real issuer publishes at its `jwks_uri`). */
  readonly keys: JSONWebKeySet;
  /** A signed access token. */
  sign(request: TokenRequest): Promise<string>;
  /** The local API's authorizer, trusting this issuer's tokens for its audience. */
  authorizer(): JwtAuthorizer;
}

/** A new RSA private key, as a JWK with its thumbprint as key id. */
export const generateSigningKey = async (): Promise<JWK> => {
  const { privateKey } = await generateKeyPair(ALGORITHM, { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: ALGORITHM, use: 'sig' };
};

/** The issuer signing with `signingKey` (a private JWK). */
export const createLocalIssuer = async (signingKey: JWK): Promise<LocalIssuer> => {
  const privateKey = await importJWK(signingKey, ALGORITHM);
  const { kty, n, e, kid } = signingKey;
  const keys = { keys: [{ kty, n, e, kid, alg: ALGORITHM, use: 'sig' }] };
  return {
    issuer: LOCAL_ISSUER,
    audience: LOCAL_AUDIENCE,
    keys,
    authorizer: () => createJwtAuthorizer({ issuer: LOCAL_ISSUER, audience: [LOCAL_AUDIENCE], keys }),
    sign: async ({ sub, scopes = ALL_SCOPES, expiresIn = DEFAULT_TOKEN_LIFETIME, claims = {} }) => {
      const now = Math.floor(Date.now() / 1000);
      const jwt = new SignJWT({
        ...accessTokenClaims({
          sub,
          issuer: LOCAL_ISSUER,
          clientId: LOCAL_AUDIENCE,
          issuedAt: now,
          scopes,
          jti: randomUUID(),
        }),
        ...claims,
      }).setProtectedHeader({ alg: ALGORITHM, kid, typ: 'JWT' });
      // The token's own lifetime, unless the claims name an `exp` (jose reads a number as a time, not a lifetime).
      if (!('exp' in claims))
        jwt.setExpirationTime(typeof expiresIn === 'number' ? now + expiresIn : expiresIn);
      return jwt.sign(privateKey);
    },
  };
};

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';
const isTaken = (error: unknown) => (error as NodeJS.ErrnoException).code === 'EEXIST';

/**
 * The local issuer of this checkout: its key is read from `keyFile`, or generated and saved there (readable by its
 * owner only) the first time, so that `npm start` and `npm run token` sign and verify with the same key.
 */
export const loadLocalIssuer = async (
  keyFile = process.env.LOCAL_ISSUER_KEY_FILE || DEFAULT_KEY_FILE,
): Promise<LocalIssuer> => {
  try {
    return await createLocalIssuer(JSON.parse(await readFile(keyFile, 'utf8')) as JWK);
  } catch (error) {
    if (!isMissing(error))
      throw new Error(`Cannot read the local issuer's key from ${keyFile}`, { cause: error });
  }
  const signingKey = await generateSigningKey();
  await mkdir(dirname(keyFile), { recursive: true });
  // Written whole under another name, then linked into place: a process starting at the same time reads either no
  // file or a complete one, and if it saved its key first, that one is used.
  const draft = `${keyFile}.${randomUUID()}.draft`;
  await writeFile(draft, `${JSON.stringify(signingKey)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(draft, keyFile);
  } catch (error) {
    if (!isTaken(error)) throw error;
    return loadLocalIssuer(keyFile);
  } finally {
    await rm(draft, { force: true });
  }
  return createLocalIssuer(signingKey);
};
