/**
 * The three bundles `npm run bench` compares, built in one run: **ours**, the asset `npm run synth` puts into the
 * stack (what `cdk deploy` uploads), and **floor** and **peer** (bench/handlers/), bundled by the same `NodejsFunction`
 * settings as ours (`CHAT_CONFIG_BUNDLING`). Ours is bundled a second time beside them, with a metafile, to tell
 * where its bytes go; that copy must be byte for byte the deployed one.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { App, Stack } from 'aws-cdk-lib';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { CHAT_CONFIG_BUNDLING } from '../lib/chat-config-bundling';

const run = promisify(execFile);

export const BUNDLE_NAMES = ['floor', 'peer', 'ours'] as const;
export type BundleName = (typeof BUNDLE_NAMES)[number];

export interface Bundle {
  readonly file: string;
  readonly bytes: number;
  /** Its size gzipped at level 9. */
  readonly gzipBytes: number;
}

export interface Bundles {
  readonly bundles: Record<BundleName, Bundle>;
  /** The deployed function's environment variables that the template sets to literals. */
  readonly functionEnvironment: Record<string, string>;
  /** Bytes in ours that floor does not have, by package (or by folder of ours), largest first. */
  readonly oursOverFloor: readonly { readonly source: string; readonly bytes: number }[];
}

interface CfnResource {
  readonly Type: string;
  readonly Properties: { Environment?: { Variables?: Record<string, unknown> } };
  readonly Metadata?: Record<string, unknown>;
}
type Template = { Resources: Record<string, CfnResource> };

const projectFile = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

const measured = (file: string): Bundle => {
  const code = readFileSync(file);
  return { file, bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
};

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

const functionsOf = (template: Template) =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === 'AWS::Lambda::Function');

const assetFile = (outdir: string, resource: CfnResource) =>
  join(outdir, String(resource.Metadata?.['aws:asset:path']), 'index.mjs');

/** `npm run synth` into `outdir`: the deployed asset and the function's environment. */
const synthesizeStack = async (outdir: string) => {
  await run('npm', ['run', 'synth', '--', '--output', outdir], {
    cwd: projectFile(''),
    env: {
      ...process.env,
      CDK_DISABLE_CLI_TELEMETRY: 'true',
      // The env.json synth writes for sam local, and the local issuer's key, kept out of the checkout.
      SAM_ENV_VARS_FILE: join(outdir, 'env.json'),
      LOCAL_ISSUER_KEY_FILE: join(outdir, 'local-issuer-key.json'),
    },
  });
  const templateFile = readdirSync(outdir).find((file) => file.endsWith('.template.json'));
  const template = JSON.parse(readFileSync(join(outdir, templateFile ?? ''), 'utf8')) as Template;
  const functions = functionsOf(template);
  const [entry] = functions;
  if (functions.length !== 1 || entry === undefined) throw new Error('Expected one function in the stack');
  const [, resource] = entry;
  const variables = resource.Properties.Environment?.Variables ?? {};
  return {
    file: assetFile(outdir, resource),
    environment: Object.fromEntries(
      Object.entries(variables).filter((pair): pair is [string, string] => typeof pair[1] === 'string'),
    ),
  };
};

const ENTRIES: Record<BundleName, string> = {
  floor: 'bench/handlers/floor.ts',
  peer: 'bench/handlers/peer.ts',
  ours: 'functions/chat-config/handler.ts',
};

/** Floor, peer and ours, each a `NodejsFunction` with ours' bundling settings and a metafile. */
const bundleWithMetafiles = (outdir: string) => {
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'Bench');
  for (const name of BUNDLE_NAMES) {
    new NodejsFunction(stack, name, {
      entry: projectFile(ENTRIES[name]),
      runtime: Runtime.NODEJS_24_X,
      bundling: { ...CHAT_CONFIG_BUNDLING, metafile: true },
    });
  }
  const template = app.synth().getStackByName(stack.stackName).template as Template;
  return Object.fromEntries(
    functionsOf(template).map(([id, resource]) => [
      BUNDLE_NAMES.find((name) => id.startsWith(name)),
      assetFile(outdir, resource),
    ]),
  ) as Record<BundleName, string>;
};

/** Output bytes of each input of a bundle, summed by package (`node_modules/…`) or by our folder. */
const bytesBySource = (bundleFile: string): Map<string, number> => {
  const meta = JSON.parse(readFileSync(join(bundleFile, '..', 'index.meta.json'), 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
  };
  const output = Object.entries(meta.outputs).find(([file]) => file.endsWith('.mjs'))?.[1];
  const bySource = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const source =
      /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split('/').slice(0, -1).join('/');
    bySource.set(source, (bySource.get(source) ?? 0) + bytesInOutput);
  }
  return bySource;
};

export const buildBundles = async (workDir: string): Promise<Bundles> => {
  const deployed = await synthesizeStack(join(workDir, 'stack'));
  const built = bundleWithMetafiles(join(workDir, 'bench'));
  if (sha256(built.ours) !== sha256(deployed.file)) {
    throw new Error(
      `Ours bundled with the bench's settings differs from the deployed asset ${deployed.file}`,
    );
  }
  const floor = bytesBySource(built.floor);
  const oursOverFloor = [...bytesBySource(built.ours)]
    .map(([source, bytes]) => ({ source, bytes: bytes - (floor.get(source) ?? 0) }))
    .filter(({ bytes }) => bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  return {
    bundles: { floor: measured(built.floor), peer: measured(built.peer), ours: measured(deployed.file) },
    functionEnvironment: deployed.environment,
    oursOverFloor,
  };
};
