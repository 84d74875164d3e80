import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

const run = promisify(execFile);
const SCRIPT = resolve('scripts/stack-output.ts');

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'stack-output-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

/** `npm run -s output -- <args>` in a project folder holding `outputs` as the last deploy wrote them, if given. */
const output = async (outputs: unknown, ...args: string[]) => {
  if (outputs !== undefined) writeFileSync(join(folder, 'cdk-outputs.json'), JSON.stringify(outputs));
  try {
    const { stdout, stderr } = await run('tsx', [SCRIPT, ...args], { cwd: folder });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
};

const DEV = {
  'ChatConfigApi-dev': {
    ApiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com/',
    UserPoolId: 'eu-west-1_AbCdEf',
  },
};

describe('npm run output', () => {
  it('prints the value of the output it names, alone, for $(…) in a shell', async () => {
    expect(await output(DEV, 'ApiUrl')).toEqual({
      code: 0,
      stdout: 'https://abc123.execute-api.eu-west-1.amazonaws.com/\n',
      stderr: '',
    });
  });

  it('prints every output as Name=value without a name', async () => {
    expect((await output(DEV)).stdout).toBe(
      'ApiUrl=https://abc123.execute-api.eu-west-1.amazonaws.com/\nUserPoolId=eu-west-1_AbCdEf\n',
    );
  });

  it('reads the file npm run deploy has the CDK CLI write, which git ignores', async () => {
    const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as {
      scripts: Record<string, string>;
    };

    expect(scripts.deploy).toBe('cdk deploy --outputs-file cdk-outputs.json');
    expect(scripts.output).toBe('tsx scripts/stack-output.ts');
    await expect(run('git', ['check-ignore', '-q', 'cdk-outputs.json'])).resolves.toBeDefined();
  });

  it('takes --stack when the file holds several stacks, and asks for it otherwise', async () => {
    const both = { ...DEV, 'ChatConfigApi-prod': { ApiUrl: 'https://prod.example/' } };

    expect((await output(both, '--stack', 'ChatConfigApi-prod', 'ApiUrl')).stdout).toBe(
      'https://prod.example/\n',
    );
    expect(await output(both, 'ApiUrl')).toMatchObject({
      code: 1,
      stderr:
        'npm run output: cdk-outputs.json holds several stacks (ChatConfigApi-dev, ChatConfigApi-prod): name one with --stack\n',
    });
  });

  it('says that the last deploy was another stack when --stack names one not in the file', async () => {
    const { code, stderr } = await output(DEV, '--stack', 'ChatConfigApi-prod', 'ApiUrl');

    expect(code).toBe(1);
    expect(stderr).toContain(
      'holds ChatConfigApi-dev, from the last deploy, not ChatConfigApi-prod: deploy it',
    );
  });

  it('names the outputs there are when asked for one that is not', async () => {
    expect(await output(DEV, 'LoginUrl')).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'npm run output: ChatConfigApi-dev has no output LoginUrl; it has ApiUrl, UserPoolId\n',
    });
  });

  it('says how to get the file when there is none', async () => {
    expect(await output(undefined, 'ApiUrl')).toMatchObject({
      code: 1,
      stderr: 'npm run output: No cdk-outputs.json: npm run deploy writes it when it deploys the stack\n',
    });
  });
});
