import { UnauthorizedError } from './errors';
import type { ApiGatewayEvent } from './events';

/** The longest user id served: issuers give far shorter ones (Cognito: a UUID); longer is no id this API stores. */
export const MAX_CALLER_ID_LENGTH = 256;

type Claims = Readonly<Record<string, unknown>> | null | undefined;

/** The claims API Gateway's authorizer verified: HTTP API JWT authorizer (payload 2.0), or REST API / payload 1.0. */
const claimsOf = (event: ApiGatewayEvent): Claims => {
  const { authorizer } = event.requestContext as {
    readonly authorizer?: { readonly jwt?: { readonly claims?: Claims }; readonly claims?: Claims } | null;
  };
  return authorizer?.jwt?.claims ?? authorizer?.claims;
};

/**
 * The id of the verified caller: the `sub` claim of the token API Gateway's authorizer checked. A request without one
 * (a route left without authorizer) is a 401: no request is ever served as anonymous.
 */
export const callerOf = (event: ApiGatewayEvent): string => {
  const sub = claimsOf(event)?.sub;
  if (typeof sub !== 'string' || sub.trim() === '' || sub.length > MAX_CALLER_ID_LENGTH) {
    throw new UnauthorizedError();
  }
  return sub;
};
