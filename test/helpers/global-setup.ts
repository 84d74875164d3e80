import { type DynamoDbLocal, startDynamoDbLocal, useLocalAwsEnv } from '../../local/dynamodb-local';

declare global {
  var dynamoDbLocal: DynamoDbLocal | undefined;
}

/** One DynamoDB Local for the whole run; workers inherit its endpoint through the environment. */
export default async function globalSetup(): Promise<void> {
  useLocalAwsEnv();
  globalThis.dynamoDbLocal = await startDynamoDbLocal();
  process.env.TEST_DYNAMODB_ENDPOINT = globalThis.dynamoDbLocal.endpoint;
}
