import { readFileSync } from 'node:fs';

/** Where the CDK CLI reads the app and its context: the project's cdk.json, in the current folder. */
export const CDK_JSON = 'cdk.json';

/**
 * The context of the cdk.json at `path`, as the CDK CLI gives it to the app: for readers of the app's settings that
 * have no construct tree (`npm start`, the scripts), so that they load no aws-cdk-lib (this module imports none of it).
 * A file missing or not JSON throws, each reader saying so in its own words.
 */
export const cdkJsonContext = (path = CDK_JSON): Record<string, unknown> =>
  (JSON.parse(readFileSync(path, 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
