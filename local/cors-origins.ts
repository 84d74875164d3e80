import { existsSync } from 'node:fs';
import { CDK_JSON, cdkJsonContext } from '../lib/cdk-json';
import { CONTEXT_KEYS } from '../lib/context-keys';
import { allowedOriginsProblem } from '../lib/cors-policy';
import { CONTEXT_PREFIX, readSettingsFrom } from '../lib/settings';

/** The variable that sets `npm start`'s allowed origins, over cdk.json's. */
export const CORS_ORIGINS_VARIABLE = 'CORS_ALLOWED_ORIGINS';

const CONTEXT_KEY = `${CONTEXT_PREFIX}corsAllowedOrigins`;

/** The origins browsers may call the local API from, and where they were read. */
export interface CorsOrigins {
  readonly origins: readonly string[];
  readonly source: string;
}

const checked = (origins: readonly string[], where: string): readonly string[] => {
  const problem = allowedOriginsProblem(origins);
  if (problem !== undefined) throw new Error(`${where} ${problem}`);
  return origins;
};

/**
 * The local API's allowed origins: `CORS_ALLOWED_ORIGINS` when set (origins separated by commas, or a JSON array, as
 * `-c` takes them; empty: none), or else cdk.json's `chat-config:corsAllowedOrigins`, read as the CDK app reads its
 * context and so checked alike. Its top-level value, as `npm run deploy` without a stage deploys it: a stage's would
 * need a stage to be chosen. Origins the construct would refuse throw, naming where they were set.
 */
export const corsOriginsOf = (env: NodeJS.ProcessEnv = process.env, cdkJsonPath = CDK_JSON): CorsOrigins => {
  const fromEnv = env[CORS_ORIGINS_VARIABLE];
  if (fromEnv !== undefined) {
    let origins: readonly string[] | undefined;
    try {
      origins = CONTEXT_KEYS.corsAllowedOrigins?.read(fromEnv)?.part.api?.corsAllowedOrigins;
    } catch {
      origins = undefined;
    }
    if (origins === undefined) {
      throw new Error(
        `${CORS_ORIGINS_VARIABLE} must be origins separated by commas, or a JSON array of them, not ${JSON.stringify(fromEnv)}`,
      );
    }
    return { origins: checked(origins, CORS_ORIGINS_VARIABLE), source: CORS_ORIGINS_VARIABLE };
  }
  let origins: readonly string[];
  try {
    // Without a cdk.json, as the CDK CLI without one, no context.
    const context = existsSync(cdkJsonPath) ? cdkJsonContext(cdkJsonPath) : {};
    origins = readSettingsFrom(context).api.corsAllowedOrigins ?? [];
  } catch (error) {
    throw new Error(`${cdkJsonPath}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    origins: checked(origins, `${cdkJsonPath}'s context key "${CONTEXT_KEY}"`),
    source: `${cdkJsonPath}'s ${CONTEXT_KEY}`,
  };
};

/** The banner's line on CORS: the origins allowed and where they come from, or how to allow some. */
export const corsBannerLine = ({ origins, source }: CorsOrigins): string =>
  origins.length === 0
    ? `CORS: none (no origins in ${source}; ${CORS_ORIGINS_VARIABLE}=http://localhost:5173 npm start allows one)`
    : `CORS: browsers may call from ${origins.join(', ')} (${source}), preflights answered as API Gateway does`;
