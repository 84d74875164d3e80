// Runs in a fresh Node.js process, as the Lambda Node.js runtime would: loads the bundled handler named by the
// function's `Handler` (e.g. `index.handler` → index.mjs, export `handler`) from the asset folder, invokes it once per
// event file, and sends the results to the parent. Only Node.js built-ins are imported here: whatever the handler
// needs must come from the bundle itself. (So the Lambda context is built here, not by local/http-api.ts's
// lambdaContext, which is TypeScript this process cannot load.)
// Usage: node invoke-bundle.mjs <asset dir> <Handler> <timeout seconds> <event file>...
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [assetDir, handlerSetting, timeoutSeconds, ...eventFiles] = process.argv.slice(2);
const [file, exportName] = handlerSetting.split('.');
const module = await import(pathToFileURL(join(assetDir, `${file}.mjs`)).href);
const handler = module[exportName];

const results = [];
for (const eventFile of eventFiles) {
  const event = JSON.parse(await readFile(eventFile, 'utf8'));
  const deadline = Date.now() + Number(timeoutSeconds) * 1000;
  const awsRequestId = randomUUID();
  // What the runtime sets for each invocation of a traced function: its X-Ray trace, sampled.
  const epoch = Math.floor(Date.now() / 1000).toString(16);
  process.env._X_AMZN_TRACE_ID = `Root=1-${epoch}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=1`;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:000000000000:function:${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId,
    logGroupName: `/aws/lambda/${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
    logStreamName: 'bundle-test',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  const started = performance.now();
  const result = await handler(event, context);
  results.push({ eventFile, result, ms: performance.now() - started });
}
// Exits a moment after the last answer, as Lambda keeps running the event loop while the runtime posts it: time for
// the datagrams sent to the X-Ray daemon to leave.
process.send({ node: process.version, results }, () => setTimeout(() => process.exit(0), 50));
