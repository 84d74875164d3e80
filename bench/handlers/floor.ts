/**
 * The floor: the least a Lambda function can run to make ours' write, one `UpdateItemCommand` of
 * `@aws-sdk/client-dynamodb` with the same key, expressions and values that ours sends for a `POST` (the config
 * stored as a map, the version counted, the time stamped, on the caller's own session only). Nothing else: no
 * validation, no logging, no error mapping, no reading of the answer. What it costs is what the SDK itself costs.
 */
import { type AttributeValue, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2 } from 'aws-lambda';

const client = new DynamoDBClient({});
const tableName = process.env.TABLE_NAME;
const ownerAttribute = process.env.OWNER_ATTRIBUTE || 'ownerId';

/** JSON as DynamoDB's typed values: the least a config needs (strings, numbers, lists of strings). */
const typed = (value: unknown): AttributeValue => {
  if (typeof value === 'number') return { N: String(value) };
  if (Array.isArray(value)) return { L: value.map(typed) };
  if (typeof value === 'object' && value !== null) {
    return { M: Object.fromEntries(Object.entries(value).map(([name, field]) => [name, typed(field)])) };
  }
  return { S: String(value) };
};

export const handler = async (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
): Promise<APIGatewayProxyResultV2> => {
  const { config } = JSON.parse(event.body ?? '{}');
  await client.send(
    new UpdateItemCommand({
      TableName: tableName,
      Key: { sessionId: { S: event.pathParameters?.sessionId ?? '' } },
      UpdateExpression:
        'SET #version = if_not_exists(#version, :zero) + :one, #updatedAt = :updatedAt, #config = :config',
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: {
        '#owner': ownerAttribute,
        '#config': 'config',
        '#version': 'configVersion',
        '#updatedAt': 'updatedAt',
      },
      ExpressionAttributeValues: {
        ':owner': { S: event.requestContext.authorizer.jwt.claims.sub as string },
        ':zero': { N: '0' },
        ':one': { N: '1' },
        ':updatedAt': { S: new Date().toISOString() },
        ':config': typed(config),
      },
      ReturnValues: 'UPDATED_OLD',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }),
  );
  return { statusCode: 200, body: '{"message":"Chat configuration updated successfully"}' };
};
