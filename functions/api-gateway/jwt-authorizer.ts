import {
  createLocalJWKSet,
  decodeProtectedHeader,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
} from 'jose';

/**
 * The checks of an API Gateway HTTP API JWT authorizer, for where none runs: in front of the handler in the local API,
 * and in front of the function under SAM local. The token from `Authorization` (with or without `Bearer `), its RSA
 * signature by a key of the issuer's set, `iss`, `aud` (or `client_id` when there is no `aud`), `exp`, `nbf`, `iat`,
 * and one of the route's scopes in `scope` or `scp`. Refusals are answered like API Gateway's:
 * 401 `{"message":"Unauthorized"}` or 403 `{"message":"Forbidden"}` with a `www-authenticate` header (RFC 6750 §3)
 * saying why; the function is then not invoked.
 */

/** What API Gateway's JWT authorizer hands the function: the token's claims (as strings), and the route's scopes. */
export interface JwtAuthorizerContext {
  readonly claims: Record<string, string>;
  readonly scopes: readonly string[] | null;
}

/**
 * The claims of a verified token as API Gateway passes them on: every value a string, numbers as digits, and a list
 * as its elements in brackets, separated by spaces.
 */
export const claimsAsPassedOn = (payload: Readonly<Record<string, unknown>>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(payload).map(([name, value]) => [
      name,
      typeof value === 'string'
        ? value
        : Array.isArray(value)
          ? `[${value.join(' ')}]`
          : typeof value === 'object'
            ? JSON.stringify(value)
            : String(value),
    ]),
  );

export interface JwtAuthorizerOptions {
  /** The `iss` tokens must carry, exactly. */
  readonly issuer: string;
  /** Accepted audiences: a token's `aud`, or else its `client_id`, must be one of them. */
  readonly audience: readonly string[];
  /** The issuer's public keys. */
  readonly keys: JSONWebKeySet;
}

/** What the authorizer decided: the context the function gets, or API Gateway's refusal. */
export type Authorization =
  | { readonly allowed: true; readonly context: JwtAuthorizerContext }
  | {
      readonly allowed: false;
      readonly statusCode: 401 | 403;
      readonly body: string;
      /** The answer's headers: its JSON content type, and `www-authenticate`. */
      readonly headers: Readonly<Record<string, string>>;
      /** Why, in a sentence, as the access log's `authorizerError` would say. */
      readonly reason: string;
    };

export type JwtAuthorizer = (
  authorization: string | undefined,
  routeScopes: readonly string[],
) => Promise<Authorization>;

// API Gateway supports only RSA-based algorithms.
const ALGORITHMS = ['RS256', 'RS384', 'RS512'];

// Text inside a quoted-string of WWW-Authenticate: no quote or backslash can end it early.
const withoutQuotes = (text: string) => text.replace(/["\\]/g, '');

const unauthorized = (description?: string): Authorization => ({
  allowed: false,
  statusCode: 401,
  body: '{"message":"Unauthorized"}',
  reason: `Unauthorized: ${description ?? 'no token'}`,
  headers: {
    'content-type': 'application/json',
    'www-authenticate':
      description === undefined
        ? 'Bearer'
        : `Bearer scope="" error="invalid_token" error_description="${withoutQuotes(description)}"`,
  },
});

const forbidden = (routeScopes: readonly string[]): Authorization => ({
  allowed: false,
  statusCode: 403,
  body: '{"message":"Forbidden"}',
  reason: `Forbidden: the token has none of the scopes ${routeScopes.join(', ')}`,
  headers: {
    'content-type': 'application/json',
    'www-authenticate': `Bearer scope="${routeScopes.join(' ')}" error="insufficient_scope" error_description="the token does not have any of the scopes ${withoutQuotes(routeScopes.join(', '))}"`,
  },
});

/** Why jose refused the token, in API Gateway's words where it has some. */
const describeFailure = (error: unknown): string => {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return `the token has no ${error.claim}`;
    if (error.claim === 'iss') return 'the token does not have a valid issuer';
    if (error.claim === 'nbf') return 'the token is not valid yet';
    return `the token's ${error.claim} is not valid`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the token signature is invalid';
  if (error instanceof errors.JWKSNoMatchingKey) return 'the token was not signed by a key of the issuer';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token is not signed with an RSA algorithm';
  return 'the token is not a valid JWT';
};

const audiencesOf = (payload: JWTPayload): readonly unknown[] =>
  payload.aud !== undefined ? [payload.aud].flat() : [payload.client_id];

/** The scopes a token carries: OAuth's space-separated `scope`, and `scp` (a list, or a space-separated string). */
const scopesOf = (payload: JWTPayload): string[] =>
  [payload.scope, payload.scp]
    .flatMap((scopes) =>
      typeof scopes === 'string' ? scopes.split(' ') : Array.isArray(scopes) ? scopes : [],
    )
    .filter((scope): scope is string => typeof scope === 'string' && scope !== '');

/** An authorizer that trusts `issuer`'s `keys` for the given audiences. */
export const createJwtAuthorizer = ({ issuer, audience, keys }: JwtAuthorizerOptions): JwtAuthorizer => {
  const keySet = createLocalJWKSet(keys);
  return async (authorization, routeScopes) => {
    const token = authorization?.trim().replace(/^Bearer(\s+|$)/i, '');
    if (!token) return unauthorized();
    let payload: JWTPayload;
    try {
      // API Gateway finds the key by the token's `kid` (jose alone would take the only key of a set without one).
      if (typeof decodeProtectedHeader(token).kid !== 'string') return unauthorized('the token has no kid');
      ({ payload } = await jwtVerify(token, keySet, {
        issuer,
        algorithms: ALGORITHMS,
        requiredClaims: ['exp'],
        clockTolerance: 0,
      }));
    } catch (error) {
      return unauthorized(describeFailure(error));
    }
    if (!audiencesOf(payload).some((value) => typeof value === 'string' && audience.includes(value))) {
      return unauthorized('the token does not have a valid audience');
    }
    if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000) {
      return unauthorized('the token was issued in the future');
    }
    const scopes = scopesOf(payload);
    if (routeScopes.length > 0 && !routeScopes.some((scope) => scopes.includes(scope))) {
      return forbidden(routeScopes);
    }
    return { allowed: true, context: { claims: claimsAsPassedOn(payload), scopes } };
  };
};
