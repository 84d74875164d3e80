import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';

const run = promisify(execFile);

/**
 * Imports the Lambda entry in a fresh Node process, as a cold start does, with `env`, a metrics namespace and an
 * idempotency table (unless `env` sets its own).
 */
const coldStart = (env: Record<string, string>) =>
  run(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', "await import('./functions/chat-config/handler.ts')"],
    {
      env: {
        PATH: process.env.PATH ?? '',
        AWS_REGION: 'us-east-1',
        POWERTOOLS_METRICS_NAMESPACE: 'ChatConfigTest',
        IDEMPOTENCY_TABLE_NAME: 'idempotency',
        ...env,
      },
    },
  ).then(
    () => ({ failed: false, stderr: '' }),
    (error: { stderr: string }) => ({ failed: true, stderr: error.stderr }),
  );

describe('the Lambda entry at init', () => {
  it.each([
    ['missing', {}],
    ['empty', { TABLE_NAME: '' }],
    ['blank', { TABLE_NAME: '  ' }],
  ])('fails its cold start naming TABLE_NAME when it is %s', async (_, env) => {
    const { failed, stderr } = await coldStart(env);

    expect(failed).toBe(true);
    expect(stderr).toContain('Environment variable TABLE_NAME is required');
  });

  it.each([
    ['empty', ''],
    ['blank', '  '],
  ])('fails its cold start naming IDEMPOTENCY_TABLE_NAME when it is %s', async (_, idempotencyTableName) => {
    const { failed, stderr } = await coldStart({
      TABLE_NAME: 'sessions',
      IDEMPOTENCY_TABLE_NAME: idempotencyTableName,
    });

    expect(failed).toBe(true);
    expect(stderr).toContain('Environment variable IDEMPOTENCY_TABLE_NAME is required');
  });

  it('fails its cold start naming DYNAMODB_ENDPOINT when it is not a URL', async () => {
    const { failed, stderr } = await coldStart({
      TABLE_NAME: 'sessions',
      DYNAMODB_ENDPOINT: 'localhost:8000',
    });

    expect(failed).toBe(true);
    expect(stderr).toContain('Environment variable DYNAMODB_ENDPOINT must be an http(s) URL');
  });

  it.each([
    ['a URL', { DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' }],
    ['empty, as the deployed function declares it', { DYNAMODB_ENDPOINT: '' }],
    ['absent', {}],
  ])('starts when TABLE_NAME is set and DYNAMODB_ENDPOINT is %s', async (_, env) => {
    const { failed, stderr } = await coldStart({ TABLE_NAME: 'sessions', ...env });

    expect(stderr).toBe('');
    expect(failed).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['blank', '  '],
  ])(
    'fails its cold start naming POWERTOOLS_METRICS_NAMESPACE when it is %s (no dashboard would see the metrics)',
    async (_, namespace) => {
      const { failed, stderr } = await coldStart({
        TABLE_NAME: 'sessions',
        POWERTOOLS_METRICS_NAMESPACE: namespace,
      });

      expect(failed).toBe(true);
      expect(stderr).toContain('Environment variable POWERTOOLS_METRICS_NAMESPACE is required');
    },
  );

  it('fails its cold start naming REQUIRE_IF_MATCH when it is neither true nor false', async () => {
    const { failed, stderr } = await coldStart({ TABLE_NAME: 'sessions', REQUIRE_IF_MATCH: 'maybe' });

    expect(failed).toBe(true);
    expect(stderr).toContain('Environment variable REQUIRE_IF_MATCH must be a boolean');
  });

  it('fails its cold start naming REQUIRE_IDEMPOTENCY_KEY when it is neither true nor false', async () => {
    const { failed, stderr } = await coldStart({ TABLE_NAME: 'sessions', REQUIRE_IDEMPOTENCY_KEY: 'yes' });

    expect(failed).toBe(true);
    expect(stderr).toContain('Environment variable REQUIRE_IDEMPOTENCY_KEY must be a boolean');
  });

  it.each(['true', 'false'])('starts with REQUIRE_IF_MATCH=%s', async (value) => {
    const { failed, stderr } = await coldStart({ TABLE_NAME: 'sessions', REQUIRE_IF_MATCH: value });

    expect(stderr).toBe('');
    expect(failed).toBe(false);
  });

  it.each(['config', 'configVersion', 'sessionId'])(
    'fails its cold start naming OWNER_ATTRIBUTE when it is %s, an attribute this API writes or keys on',
    async (ownerAttribute) => {
      const { failed, stderr } = await coldStart({ TABLE_NAME: 'sessions', OWNER_ATTRIBUTE: ownerAttribute });

      expect(failed).toBe(true);
      expect(stderr).toContain(
        `Environment variable OWNER_ATTRIBUTE is wrong: the owner attribute cannot be "${ownerAttribute}"`,
      );
    },
  );

  it('starts with the owner attribute an operator names', async () => {
    const { failed, stderr } = await coldStart({ TABLE_NAME: 'sessions', OWNER_ATTRIBUTE: 'userId' });

    expect(stderr).toBe('');
    expect(failed).toBe(false);
  });
});
