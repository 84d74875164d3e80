/**
 * A typical peer: the shape most Lambda users write for this endpoint, with the features ours has. Middy with its JSON
 * body parser; Powertools Logger, Metrics (a cold-start metric, a count of each request by outcome, the DynamoDB
 * call's latency by operation on a line of its own, as Powertools' documentation shows it: a `singleMetric()` per
 * call) and Tracer (the handler's segment without its response, the DynamoDB client captured); a classic `zod`
 * schema and the DocumentClient; a 422 for a bad config, a 404 for a missing session.
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { z } from 'zod';

const serviceName = 'chat-config';
const logger = new Logger({ serviceName });
// The namespace comes from POWERTOOLS_METRICS_NAMESPACE.
const metrics = new Metrics({ serviceName });
const tracer = new Tracer({ serviceName });
const documents = DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})));
const tableName = process.env.TABLE_NAME;

const number = (min: number, max: number) => z.number().min(min).max(max).optional();
const configSchema = z
  .object({
    model: z.string().min(1).max(128).optional(),
    temperature: number(0, 2),
    max_tokens: z.number().int().min(1).max(1_000_000).optional(),
    top_p: number(0, 1),
    presence_penalty: number(-2, 2),
    frequency_penalty: number(-2, 2),
    stop: z.union([z.string().max(256), z.array(z.string().max(256)).max(4)]).optional(),
    system_prompt: z.string().max(65_536).optional(),
  })
  .strict();
const bodySchema = z.object({ config: configSchema });

/** The answer, counted by what it came to. */
const respond = (statusCode: number, body: unknown): APIGatewayProxyResultV2 => {
  const outcome = statusCode < 300 ? '2xx' : statusCode >= 500 ? '5xx' : String(statusCode);
  metrics.addDimension('outcome', outcome);
  metrics.addMetric('ConfigUpdates', MetricUnit.Count, 1);
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
};

const updateConfig = async (
  event: Omit<APIGatewayProxyEventV2, 'body'> & { body: unknown },
): Promise<APIGatewayProxyResultV2> => {
  const parsed = bodySchema.safeParse(event.body);
  if (!parsed.success) return respond(422, { message: 'Invalid config', errors: parsed.error.issues });
  const started = performance.now();
  try {
    await documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { sessionId: event.pathParameters?.sessionId },
        UpdateExpression: 'SET #config = :config',
        ConditionExpression: 'attribute_exists(sessionId)',
        ExpressionAttributeNames: { '#config': 'config' },
        ExpressionAttributeValues: { ':config': parsed.data.config },
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) {
      return respond(404, { message: 'Chat session not found or update failed' });
    }
    logger.error('Update failed', { error });
    return respond(500, { message: 'Failed to update chat configuration' });
  } finally {
    const latency = metrics.singleMetric();
    latency.addDimension('operation', 'UpdateItem');
    latency.addMetric('DynamoDbLatency', MetricUnit.Milliseconds, performance.now() - started);
  }
  logger.info('Chat configuration updated');
  return respond(200, { message: 'Chat configuration updated successfully' });
};

export const handler = middy(updateConfig)
  .use(captureLambdaHandler(tracer, { captureResponse: false }))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }))
  .use(httpJsonBodyParser());
