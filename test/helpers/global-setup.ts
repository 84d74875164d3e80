import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DynamoDbLocal, startDynamoDbLocal, useLocalAwsEnv } from '../../local/dynamodb-local';
import { FIGURES_DIR_PREFIX } from './summary-reporter';

declare global {
  var dynamoDbLocal: DynamoDbLocal | undefined;
}

/**
 * One DynamoDB Local for the whole run, and one file for the figures tests print; workers inherit both through the
 * environment.
 */
export default async function globalSetup(): Promise<void> {
  process.env.TEST_FIGURES_FILE = join(mkdtempSync(join(tmpdir(), FIGURES_DIR_PREFIX)), 'figures.txt');
  writeFileSync(process.env.TEST_FIGURES_FILE, '');
  useLocalAwsEnv();
  globalThis.dynamoDbLocal = await startDynamoDbLocal();
  process.env.TEST_DYNAMODB_ENDPOINT = globalThis.dynamoDbLocal.endpoint;
}
