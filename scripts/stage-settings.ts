/**
 * What `npm run deploy` deploys for a stage (`-c stage=<stage>`) or, without one, by default: its stack's name and the
 * callback URLs of its user pool's app client, read from cdk.json by the CDK app's own settings reader, so that a
 * script finds the stack the deploy made without being told its name.
 */
import { readFileSync } from 'node:fs';
import { RootConstruct } from 'constructs';
import { CHAT_CONFIG_AUTH_DEFAULTS } from '../lib/chat-config-auth';
import { DEFAULT_STACK_NAME, readSettings, STAGE_KEY } from '../lib/settings';

/** Where the CDK CLI reads the app's context: the project's cdk.json. */
const CDK_JSON = 'cdk.json';

export interface StageSettings {
  /** The stack `npm run deploy` makes for the stage. */
  readonly stackName: string;
  /** Where its user pool's login may send users back, unless it takes tokens of an issuer of its own. */
  readonly callbackUrls: readonly string[];
}

/** The settings of `stage` (by default, of a deploy without one), or the sentence the synth would fail with. */
export const stageSettings = (stage?: string): StageSettings => {
  let context: Record<string, unknown>;
  try {
    context =
      (JSON.parse(readFileSync(CDK_JSON, 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
  } catch (error) {
    throw new Error(`Cannot read ${CDK_JSON}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const root = new RootConstruct();
  for (const [key, value] of Object.entries(context)) root.node.setContext(key, value);
  if (stage !== undefined) root.node.setContext(STAGE_KEY, stage);
  const settings = readSettings(root.node);
  return {
    stackName: settings.stackName ?? DEFAULT_STACK_NAME,
    callbackUrls: settings.api.auth?.oauthCallbackUrls ?? CHAT_CONFIG_AUTH_DEFAULTS.oauthCallbackUrls,
  };
};
