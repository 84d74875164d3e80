/**
 * What ships: `npm run synth`'s output, read as SAM reads it, and its bundled asset run in a fresh Node.js 24 process
 * as Lambda (or sam local) runs it.
 */
import { execFile, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect } from '@jest/globals';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

const run = promisify(execFile);

export const STACK = 'ChatConfigApi';

export interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface FunctionProperties {
  Handler: string;
  Timeout: number;
  MemorySize: number;
  Environment: { Variables: Record<string, unknown> };
}

/** A `npm run synth` output: its folder, its one function, and the env.json it wrote for sam local. */
export interface Synthesized {
  readonly outdir: string;
  readonly functionResource: CfnResource;
  readonly envVarsFile: string;
}

/**
 * `npm run synth` with `args`, as the docs give it, into a folder of its own; env.json goes there too, with the key
 * of the local issuer in `issuerKeyFile` (the checkout's own files are left alone).
 */
export const synthesize = async (args: string[], issuerKeyFile: string): Promise<Synthesized> => {
  const outdir = mkdtempSync(join(tmpdir(), 'chat-config-synth-'));
  const envVarsFile = join(outdir, 'env.json');
  // The documented command, as CI runs it: no AWS credentials or region (jest's setup sets local ones: leave them out),
  // and no CLI telemetry from a test run.
  const { AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ...shell } = process.env;
  await run('npm', ['run', 'synth', '--', '--output', outdir, ...args], {
    env: {
      ...shell,
      CDK_DISABLE_CLI_TELEMETRY: 'true',
      // A Docker that cannot start: were local esbuild bundling to fail, CDK's fallback to Docker fails too.
      CDK_DOCKER: '/nonexistent/docker',
      LOCAL_ISSUER_KEY_FILE: issuerKeyFile,
      SAM_ENV_VARS_FILE: envVarsFile,
    },
  });
  const template: { Resources: Record<string, CfnResource> } = JSON.parse(
    readFileSync(join(outdir, `${STACK}.template.json`), 'utf8'),
  );
  const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
  expect(functions).toHaveLength(1);
  return { outdir, functionResource: functions[0] as CfnResource, envVarsFile };
};

export const functionProperties = ({ functionResource }: Synthesized) =>
  functionResource.Properties as unknown as FunctionProperties;

export const assetDirOf = ({ outdir, functionResource }: Synthesized) =>
  join(outdir, String(functionResource.Metadata?.['aws:asset:path']));

/** What SAM names a function of a CDK template: the construct id before `/Resource` in `aws:cdk:path`. */
export const samFunctionIdOf = ({ functionResource }: Synthesized) =>
  String(functionResource.Metadata?.['aws:cdk:path']).split('/').at(-2) ?? '';

/** The env.json `npm run synth` wrote. */
export const envJsonOf = ({ envVarsFile }: Synthesized): Record<string, Record<string, string>> =>
  JSON.parse(readFileSync(envVarsFile, 'utf8'));

/** env.json's settings for the function, its DynamoDB endpoint moved from the container's host to `endpoint`'s. */
export const envJsonFor = (synthesized: Synthesized, endpoint: string): Record<string, string> => {
  const settings = envJsonOf(synthesized)[samFunctionIdOf(synthesized)] ?? {};
  const url = new URL(settings.DYNAMODB_ENDPOINT ?? '');
  url.host = new URL(endpoint).host;
  return { ...settings, DYNAMODB_ENDPOINT: url.origin };
};

/** What the bundle answered, in order, and all it printed. */
export interface BundleRun {
  /** Whether its cold start succeeded. */
  readonly started: boolean;
  readonly results: { eventFile: string; result: APIGatewayProxyStructuredResultV2; ms: number }[];
  readonly logs: string;
}

/**
 * Invokes the bundled handler once per event file, in a fresh Node.js process, with the template's variables, then
 * `env` over them (env.json's, Lambda's own, the test's).
 */
export const runBundle = async (
  synthesized: Synthesized,
  eventFiles: string[],
  env: Record<string, string>,
): Promise<BundleRun> => {
  const { Environment, Handler, Timeout, MemorySize } = functionProperties(synthesized);
  const templateLiterals = Object.fromEntries(
    Object.entries(Environment.Variables).filter(([, v]) => typeof v === 'string'),
  ) as Record<string, string>;
  const child = fork(
    resolve('test/helpers/invoke-bundle.mjs'),
    [assetDirOf(synthesized), Handler, String(Timeout), ...eventFiles],
    {
      cwd: assetDirOf(synthesized),
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: {
        ...templateLiterals,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_LAMBDA_FUNCTION_NAME: 'chat-config',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(MemorySize),
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
        AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
        _HANDLER: Handler,
        LAMBDA_TASK_ROOT: assetDirOf(synthesized),
        PATH: process.env.PATH ?? '',
        ...env,
      },
    },
  );
  let logs = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    logs += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    logs += chunk.toString();
  });
  const reports: { node: string; results: BundleRun['results'] }[] = [];
  child.on('message', (report) => reports.push(report as (typeof reports)[number]));
  await once(child, 'exit');
  const [report] = reports;
  // The runtime nodejs24.x stands for.
  if (report !== undefined) expect(report.node).toMatch(/^v24\./);
  return { started: report !== undefined, results: report?.results ?? [], logs };
};
