import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/** The context of cdk.json: what `cdk synth` and `cdk deploy` give the app. */
export const cdkJsonContext = (): Record<string, unknown> =>
  JSON.parse(readFileSync('cdk.json', 'utf8')).context;

const outdirs: string[] = [];

/**
 * An app as the tests synthesize it: without the CloudFormation validator (seconds per synth), without bundling
 * unless `bundle` is set, writing to a temporary folder that `removeTestAssemblies` deletes.
 */
export const createTestApp = ({
  context = {},
  bundle = false,
}: {
  context?: Record<string, unknown>;
  bundle?: boolean;
} = {}): App => {
  const outdir = mkdtempSync(join(tmpdir(), 'chat-config-cdk-'));
  outdirs.push(outdir);
  return new App({
    outdir,
    builtinCloudFormationValidation: false,
    context: { ...context, ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
  });
};

/** Synthesizes the stack's app and returns the stack's template (what `Template.fromStack` does, minus its temp folder). */
export const templateOf = (stack: Stack): Template => {
  const assembly = (stack.node.root as App).synth();
  return Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template);
};

/** Deletes every folder `createTestApp` made. */
export const removeTestAssemblies = (): void => {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
};
