/**
 * `npm run -s output -- [--stack <name>] [<OutputName>]`: the outputs of the stack the last `npm run deploy` deployed,
 * read from the file `cdk deploy --outputs-file` wrote. With a name, its value alone (for `$(…)` in a shell);
 * without, every output as `Name=value`.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/** Where `npm run deploy` has the CDK CLI write the stack outputs (ignored by git). */
const OUTPUTS_FILE = 'cdk-outputs.json';

const USAGE = `Usage: npm run -s output -- [--stack <stack name>] [<output name>]
  <output name>  print this output's value alone, e.g. ApiUrl (default: every output, as Name=value)
  --stack        the stack to read, when ${OUTPUTS_FILE} holds several (default: the only one)`;

/** The outputs of one stack, as `cdk deploy --outputs-file` writes them: `{ "<stack>": { "<name>": "<value>" } }`. */
const stackOutputs = (file: unknown, stack?: string): { stack: string; outputs: Record<string, string> } => {
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

const main = () => {
  const { values, positionals } = parseArgs({
    options: {
      stack: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help || positionals.length > 1) {
    console.log(USAGE);
    if (positionals.length > 1) process.exitCode = 1;
    return;
  }
  let text: string;
  try {
    text = readFileSync(OUTPUTS_FILE, 'utf8');
  } catch {
    throw new Error(`No ${OUTPUTS_FILE}: npm run deploy writes it when it deploys the stack`);
  }
  const { stack, outputs } = stackOutputs(JSON.parse(text), values.stack);
  const [name] = positionals;
  if (name === undefined) {
    for (const [key, value] of Object.entries(outputs)) console.log(`${key}=${value}`);
    return;
  }
  const value = outputs[name];
  if (value === undefined) {
    throw new Error(`${stack} has no output ${name}; it has ${Object.keys(outputs).join(', ')}`);
  }
  console.log(value);
};

try {
  main();
} catch (error) {
  console.error(`npm run output: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
