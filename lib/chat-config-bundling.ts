import { fileURLToPath } from 'node:url';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { SAM_LOCAL_AUTHORIZER_FILE } from '../functions/chat-config/sam-local';

/** The stand-in for API Gateway's JWT authorizer that the function loads under SAM local, and only there. */
const SAM_LOCAL_AUTHORIZER_ENTRY = 'functions/api-gateway/sam-local-authorizer.ts';

const TARGET = 'node24';
// The packages' ES builds: smaller than their CommonJS builds, and quicker to load.
const MAIN_FIELDS = ['module', 'main'];

/**
 * How the function's code is bundled: one minified ES module with the AWS SDK inside. `npm run bench` builds its
 * comparison bundles with these same settings.
 */
export const CHAT_CONFIG_BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: TARGET,
  mainFields: MAIN_FIELDS,
  minify: true,
  sourceMap: true,
  // File and line numbers in stack traces, without shipping every dependency's source in the map.
  sourcesContent: false,
  // What runs in Lambda is what ran in the tests: the SDK versions of package-lock.json, not the runtime's.
  bundleAwsSDK: true,
  externalModules: [],
  // The X-Ray SDK (Powertools Tracer's) is CommonJS and requires Node's built-ins, which an ES module can only do
  // through a require of its own.
  // Powertools Idempotency imports a whole JMESPath interpreter (24 KB minified) for the two bare field names this
  // function's config gives it: a lookup of field names stands in its place.
  esbuildArgs: {
    '--alias:@aws-lambda-powertools/jmespath': fileURLToPath(
      new URL('../functions/chat-config/jmespath-fields', import.meta.url),
    ),
  },
  banner:
    "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  // The stand-in, bundled into a file of its own beside the entry: the entry's bundle holds none of it, so that in AWS
  // none of it is read or evaluated. (CDK runs these in the project's root, with the esbuild it bundles with.)
  commandHooks: {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) => [
      [
        `"${inputDir}/node_modules/.bin/esbuild"`,
        `"${inputDir}/${SAM_LOCAL_AUTHORIZER_ENTRY}"`,
        '--bundle',
        '--platform=node',
        '--format=esm',
        `--target=${TARGET}`,
        `--main-fields=${MAIN_FIELDS.join(',')}`,
        '--minify',
        '--log-level=warning',
        `--outfile="${outputDir}/${SAM_LOCAL_AUTHORIZER_FILE}"`,
      ].join(' '),
    ],
  },
};
