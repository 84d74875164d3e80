import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { chatConfigHandler, serviceName } from './function';

const tracer = new Tracer({ serviceName, captureHTTPsRequests: false });

/**
 * Lambda entry point with X-Ray subsegments, which the stack deploys when `chat-config:traceDynamoDbCalls` is true:
 * Powertools Tracer opens one per invocation and one per DynamoDB call. The X-Ray SDK it loads tracks its context
 * with async hooks on every promise, sampled or not, which the default entry does not pay.
 */
export const handler = chatConfigHandler({
  instrument: (client) => tracer.captureAWSv3Client(client),
  // Responses are never recorded in traces: they hold config values.
  outermost: captureLambdaHandler(tracer, { captureResponse: false }),
});
