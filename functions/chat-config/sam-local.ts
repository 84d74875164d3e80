import type { Context } from 'aws-lambda';
import type { SamLocalAuthorizer } from '../api-gateway/sam-local-authorizer';
import { type ApiGatewayEvent, type ApiGatewayResult, methodOf } from '../http/events';
import { REQUIRED_SCOPE } from './routes';

/**
 * SAM CLI's `start-api` mounts the routes without their JWT authorizer, so its events carry no claims. Under SAM
 * local (SAM CLI sets `AWS_SAM_LOCAL=true` in its containers; Lambda never does), the function checks such events'
 * tokens itself, as the route's authorizer would. This module is all the function's bundle holds of it; the checks
 * are a module of their own beside it, loaded the first time an event comes without claims.
 */

/** The variable holding whose tokens to accept, which env.json sets for SAM local; declared empty in AWS. */
export const SAM_LOCAL_AUTHORIZER_SETTING = 'SAM_LOCAL_JWT_AUTHORIZER';

/** The file the stand-in is bundled into, beside the function's entry. */
export const SAM_LOCAL_AUTHORIZER_FILE = 'sam-local-authorizer.mjs';

/** Whether the function runs in a container of SAM CLI's. */
export const isSamLocal = (): boolean => process.env.AWS_SAM_LOCAL === 'true';

type Handler = (event: ApiGatewayEvent, context: Context) => Promise<ApiGatewayResult>;

const hasAuthorizerContext = (event: ApiGatewayEvent): boolean =>
  (event.requestContext as { readonly authorizer?: unknown }).authorizer != null;

/**
 * `handler` behind the stand-in: an event with authorizer context (`sam local invoke` with the files of `events/`)
 * goes straight through; one without is checked first, and refused as API Gateway would, or passed on with the
 * token's claims.
 */
export const withSamLocalAuthorizer = (
  handler: Handler,
  load: () => Promise<SamLocalAuthorizer>,
): Handler => {
  let authorizer: Promise<SamLocalAuthorizer> | undefined;
  return async (event, context) => {
    if (hasAuthorizerContext(event)) return handler(event, context);
    authorizer ??= load();
    const scope = REQUIRED_SCOPE[methodOf(event)];
    const decision = await (await authorizer)(event, scope === undefined ? [] : [scope]);
    return 'response' in decision ? decision.response : handler(decision.event, context);
  };
};

/** The stand-in from its file beside the bundle's entry, trusting what the setting's variable names. */
export const loadSamLocalAuthorizer = async (): Promise<SamLocalAuthorizer> => {
  // A specifier esbuild leaves as it is: the file is built on its own, and must not be inlined into the entry.
  const file = new URL(`./${SAM_LOCAL_AUTHORIZER_FILE}`, import.meta.url).href;
  const module: typeof import('../api-gateway/sam-local-authorizer') = await import(file);
  return module.createSamLocalAuthorizer(
    module.parseSamLocalAuthorizerSetting(
      process.env[SAM_LOCAL_AUTHORIZER_SETTING],
      SAM_LOCAL_AUTHORIZER_SETTING,
    ),
  );
};
