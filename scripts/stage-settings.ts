/**
 * What `npm run deploy` deploys for a stage (`-c stage=<stage>`) or, without one, by default: its stack's name and the
 * callback URLs of its user pool's app client, read from cdk.json by the CDK app's own settings reader, so that a
 * script finds the stack the deploy made without being told its name. It loads no aws-cdk-lib, which would take 0.7 s.
 */

import { CDK_JSON, cdkJsonContext } from '../lib/cdk-json';
import { CHAT_CONFIG_AUTH_DEFAULTS } from '../lib/chat-config-auth-defaults';
import { DEFAULT_STACK_NAME, readSettingsFrom, STAGE_KEY } from '../lib/settings';

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
    context = cdkJsonContext();
  } catch (error) {
    throw new Error(`Cannot read ${CDK_JSON}: ${error instanceof Error ? error.message : String(error)}`);
  }
  // The stage as `-c stage=<stage>` sets it: over cdk.json's context.
  const settings = readSettingsFrom(stage === undefined ? context : { ...context, [STAGE_KEY]: stage });
  return {
    stackName: settings.stackName ?? DEFAULT_STACK_NAME,
    callbackUrls: settings.api.auth?.oauthCallbackUrls ?? CHAT_CONFIG_AUTH_DEFAULTS.oauthCallbackUrls,
  };
};
