import { Annotations, type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ChatConfigStack } from './chat-config-stack';
import { DEFAULT_STACK_NAME, readSettings } from './settings';

/**
 * Puts the chat-config stack, configured from the app's context, into `app`, and has cdk-nag's AWS Solutions
 * rules check it at every synth: a finding that nobody acknowledged with a reason fails the synth.
 */
export const defineChatConfigApp = (app: App): ChatConfigStack => {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const settings = readSettings(app.node);
  const stack = new ChatConfigStack(app, settings.stackName ?? DEFAULT_STACK_NAME, {
    ...(settings.existingTableName ? { existingTableName: settings.existingTableName } : {}),
    api: settings.api,
    monitoring: settings.monitoring,
  });
  // A stage's settings win over the other keys, a `-c` included: the synth says which it changed.
  for (const change of settings.stageChanges) Annotations.of(stack).addInfo(change);
  return stack;
};
