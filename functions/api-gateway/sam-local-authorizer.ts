import type { JSONWebKeySet } from 'jose';
import type { ApiGatewayEvent, ApiGatewayResult } from '../http/events';
import { createJwtAuthorizer } from './jwt-authorizer';

/**
 * API Gateway's JWT authorizer as the function runs it under SAM local, whose `start-api` runs none: the entry of a
 * module of its own, bundled beside the function's and loaded only there, so that none of it (jose included) is read
 * or evaluated by the function in AWS.
 */

/** Whose tokens the stand-in accepts: what a JWT authorizer is configured with, the issuer's keys given outright. */
export interface SamLocalAuthorizerSetting {
  /** The `iss` tokens must carry. */
  readonly issuer: string;
  /** The accepted audiences (a token's `aud`, or `client_id` without one). */
  readonly audience: readonly string[];
  /** The issuer's public keys, as published at its `jwks_uri`. */
  readonly keys: JSONWebKeySet;
}

/** Why `value` is no setting, or undefined when it is one. */
const settingProblem = (value: unknown): string | undefined => {
  const { issuer, audience, keys } = (value ?? {}) as Partial<
    Record<keyof SamLocalAuthorizerSetting, unknown>
  >;
  if (typeof issuer !== 'string' || URL.parse(issuer) === null) return 'its issuer is not a URL';
  if (
    !Array.isArray(audience) ||
    audience.length === 0 ||
    !audience.every((a) => typeof a === 'string' && a !== '')
  ) {
    return 'its audience is not a list of names';
  }
  const list = (keys as { keys?: unknown } | undefined)?.keys;
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    !list.every((key) => key?.kty === 'RSA' && typeof key.kid === 'string')
  ) {
    return 'its keys are not a key set of RSA keys with key ids';
  }
  return undefined;
};

/** The setting, from the JSON the variable `name` holds; a missing or wrong one throws, naming the variable. */
export const parseSamLocalAuthorizerSetting = (
  json: string | undefined,
  name: string,
): SamLocalAuthorizerSetting => {
  const wrong = (why: string) =>
    new Error(
      `Environment variable ${name} ${why}: under SAM local, the function checks tokens itself with it (npm run synth writes it into env.json)`,
    );
  if (json === undefined || json.trim() === '') throw wrong('is not set');
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw wrong('is not JSON');
  }
  const problem = settingProblem(value);
  if (problem !== undefined) throw wrong(`is wrong: ${problem}`);
  return value as SamLocalAuthorizerSetting;
};

/** What the stand-in decided: the event with the claims API Gateway would pass on, or API Gateway's refusal. */
export type SamLocalDecision = { readonly event: ApiGatewayEvent } | { readonly response: ApiGatewayResult };

/** Checks an event's token against the route's scopes (any one of them), as the route's authorizer would. */
export type SamLocalAuthorizer = (
  event: ApiGatewayEvent,
  routeScopes: readonly string[],
) => Promise<SamLocalDecision>;

// SAM CLI passes header names as the client wrote them; API Gateway reads them in any case.
const headerOf = (event: ApiGatewayEvent, name: string): string | undefined =>
  Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];

/** The stand-in for the routes' authorizer, trusting the tokens `setting` describes. */
export const createSamLocalAuthorizer = (setting: SamLocalAuthorizerSetting): SamLocalAuthorizer => {
  const authorize = createJwtAuthorizer(setting);
  return async (event, routeScopes) => {
    const decision = await authorize(headerOf(event, 'authorization'), routeScopes);
    if (!decision.allowed) {
      const { statusCode, body, headers, reason } = decision;
      // What API Gateway's access log would say of it; never the token.
      console.log(
        JSON.stringify({
          level: 'INFO',
          message: "Refused before the function, as the route's JWT authorizer would",
          statusCode,
          authorizerError: reason,
          requestId: event.requestContext.requestId,
        }),
      );
      return { response: { statusCode, headers: { ...headers }, body } };
    }
    const { claims, scopes } = decision.context;
    return {
      event: {
        ...event,
        requestContext: { ...event.requestContext, authorizer: { jwt: { claims, scopes } } },
      } as ApiGatewayEvent,
    };
  };
};
