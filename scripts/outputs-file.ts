/**
 * The stack outputs the last `npm run deploy` kept: the CDK CLI writes them (`cdk deploy --outputs-file`) to a file in
 * the project's folder, ignored by git, which `npm run output` and `npm run login` read.
 */
import { readFileSync } from 'node:fs';

/** Where `npm run deploy` has the CDK CLI write the stack outputs. */
export const OUTPUTS_FILE = 'cdk-outputs.json';

/** One stack's outputs, by name. */
export interface StackOutputs {
  readonly stack: string;
  readonly outputs: Record<string, string>;
}

/** The outputs of one stack, as `cdk deploy --outputs-file` writes them: `{ "<stack>": { "<name>": "<value>" } }`. */
export const stackOutputs = (file: unknown, stack?: string): StackOutputs => {
  const stacks = (typeof file === 'object' && file !== null ? file : {}) as Record<
    string,
    Record<string, string>
  >;
  const names = Object.keys(stacks);
  if (names.length === 0) throw new Error(`${OUTPUTS_FILE} holds no stack: deploy with npm run deploy`);
  const chosen = stack ?? (names.length === 1 ? names[0] : undefined);
  if (chosen === undefined) {
    throw new Error(`${OUTPUTS_FILE} holds several stacks (${names.join(', ')}): name one with --stack`);
  }
  const outputs = stacks[chosen];
  if (outputs === undefined) {
    throw new Error(
      `${OUTPUTS_FILE} holds ${names.join(', ')}, from the last deploy, not ${chosen}: deploy it with npm run deploy (and its -c stage=…) to read its outputs`,
    );
  }
  return { stack: chosen, outputs };
};

/** The outputs of `stack` (by default the only one) in the file of the current folder, or an error saying why not. */
export const readStackOutputs = (stack?: string): StackOutputs => {
  let text: string;
  try {
    text = readFileSync(OUTPUTS_FILE, 'utf8');
  } catch {
    throw new Error(`No ${OUTPUTS_FILE}: npm run deploy writes it when it deploys the stack`);
  }
  return stackOutputs(JSON.parse(text), stack);
};
