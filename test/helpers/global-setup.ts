import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DynamoDbLocal,
  ensureIdempotencyTable,
  localDynamoDbClient,
  startDynamoDbLocal,
  useLocalAwsEnv,
} from '../../local/dynamodb-local';
import { FIGURES_DIR_PREFIX } from './summary-reporter';

declare global {
  var dynamoDbLocal: DynamoDbLocal | undefined;
}

/** The idempotency records' table of the run, where handlers keep what the files that test them leave alone. */
const IDEMPOTENCY_TABLE_NAME = 'run-idempotency-records';

/**
 * One DynamoDB Local for the whole run, with a table for the handlers' idempotency records, and one file for the
 * figures tests print; workers inherit them through the environment.
 */
export default async function globalSetup(): Promise<void> {
  process.env.TEST_FIGURES_FILE = join(mkdtempSync(join(tmpdir(), FIGURES_DIR_PREFIX)), 'figures.txt');
  writeFileSync(process.env.TEST_FIGURES_FILE, '');
  useLocalAwsEnv();
  globalThis.dynamoDbLocal = await startDynamoDbLocal();
  process.env.TEST_DYNAMODB_ENDPOINT = globalThis.dynamoDbLocal.endpoint;
  const client = localDynamoDbClient(globalThis.dynamoDbLocal.endpoint);
  await ensureIdempotencyTable(client, IDEMPOTENCY_TABLE_NAME);
  client.destroy();
  process.env.TEST_IDEMPOTENCY_TABLE_NAME = IDEMPOTENCY_TABLE_NAME;
}
