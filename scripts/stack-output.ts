/**
 * `npm run -s output -- [--stack <name>] [<OutputName>]`: the outputs of the stack the last `npm run deploy` deployed,
 * read from the file `cdk deploy --outputs-file` wrote. With a name, its value alone (for `$(…)` in a shell);
 * without, every output as `Name=value`.
 */
import { parseArgs } from 'node:util';
import { OUTPUTS_FILE, readStackOutputs } from './outputs-file';

const USAGE = `Usage: npm run -s output -- [--stack <stack name>] [<output name>]
  <output name>  print this output's value alone, e.g. ApiUrl (default: every output, as Name=value)
  --stack        the stack to read, when ${OUTPUTS_FILE} holds several (default: the only one)`;

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
  const { stack, outputs } = readStackOutputs(values.stack);
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
