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

/** The `handler` export of the bundle `file`. */
export const importHandler = async (file: string): Promise<Handler> =>
  (await import(pathToFileURL(file).href)).handler;
