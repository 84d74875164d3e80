import type { SamLocalAuthorizerSetting } from '../functions/api-gateway/sam-local-authorizer';
import { SAM_LOCAL_AUTHORIZER_SETTING } from '../functions/chat-config/sam-local';
import { LOCAL_IDEMPOTENCY_TABLE_NAME, LOCAL_TABLE_NAME } from './dynamodb-local';
import type { LocalIssuer } from './local-issuer';

/**
 * env.json, sam local's `--env-vars`: what SAM CLI cannot take from the template (it overrides only the variables a
 * template declares, and turns a `Ref` it cannot resolve into the logical id).
 */

/** The function's id for SAM CLI: its construct id, which SAM reads from the template's `aws:cdk:path`. */
export const SAM_FUNCTION_ID = 'ChatConfigFunction';

/** The port docs/sam-local.md starts `npm start`'s DynamoDB Local on, for the container to reach it. */
export const SAM_DYNAMODB_LOCAL_PORT = 8000;

/** Where env.json is written unless SAM_ENV_VARS_FILE names another file (git ignores it: it holds a key of this checkout). */
export const DEFAULT_SAM_ENV_VARS_FILE = 'env.json';

/**
 * The function's settings under sam local: `npm start`'s tables, its DynamoDB Local as seen from the container, and
 * the local issuer whose tokens (`npm run token`) the function accepts, as the deployed API's authorizer accepts the
 * user pool's.
 */
export const samLocalEnv = (issuer: LocalIssuer): Record<string, Record<string, string>> => {
  const authorizer: SamLocalAuthorizerSetting = {
    issuer: issuer.issuer,
    audience: [issuer.audience],
    keys: issuer.keys,
  };
  return {
    [SAM_FUNCTION_ID]: {
      TABLE_NAME: LOCAL_TABLE_NAME,
      IDEMPOTENCY_TABLE_NAME: LOCAL_IDEMPOTENCY_TABLE_NAME,
      DYNAMODB_ENDPOINT: `http://host.docker.internal:${SAM_DYNAMODB_LOCAL_PORT}`,
      [SAM_LOCAL_AUTHORIZER_SETTING]: JSON.stringify(authorizer),
    },
  };
};
