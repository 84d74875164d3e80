import { Tracer } from '@aws-lambda-powertools/tracer';
import { chatConfigHandler, serviceName } from './function';

/**
 * Lambda entry point with X-Ray subsegments, which the stack deploys when `chat-config:traceDynamoDbCalls` is true:
 * Powertools Tracer opens one per invocation and one per DynamoDB call. The X-Ray SDK it loads tracks its context
 * with async hooks on every promise, sampled or not, which the default entry does not pay.
 */
export const handler = chatConfigHandler(new Tracer({ serviceName, captureHTTPsRequests: false }));
