/** What the bench's child processes load: a bundle's handler, as the Lambda runtime would. */
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

export type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

// tsx, which runs these processes, turns Node's source map support on; the Lambda runtime (as the stack deploys the
// function) does not. Off before any bundle is loaded, so that no bundle's map is parsed nor any stack mapped.
process.setSourceMapsEnabled(false);

// A trace id's root holds the time in seconds; each invocation then counts in the random part.
const TRACE_EPOCH = Math.floor(Date.now() / 1000).toString(16);
let invocations = 0;

/**
 * The `handler` export of the bundle `file`, invoked as Lambda invokes a traced function: each invocation with a trace
 * header of its own in `_X_AMZN_TRACE_ID`, unsampled, as X-Ray's default rule (the first request each second, then
 * 5 %) leaves almost every request of a busy function. Every bundle is invoked alike.
 */
export const importHandler = async (file: string): Promise<Handler> => {
  const handler: Handler = (await import(pathToFileURL(file).href)).handler;
  return (event, context) => {
    invocations += 1;
    process.env._X_AMZN_TRACE_ID = `Root=1-${TRACE_EPOCH}-${invocations.toString(16).padStart(24, '0')};Parent=0123456789abcdef;Sampled=0`;
    return handler(event, context);
  };
};
