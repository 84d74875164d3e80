import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from '@jest/globals';
import { localDynamoDbClient } from '../../local/dynamodb-local';
import { testEndpoint } from '../helpers/dynamodb';
import { listeningUrl, useNpmStart } from '../helpers/npm-start';

// npm start's CORS: its origins from CORS_ALLOWED_ORIGINS or cdk.json, checked as the construct checks them, applied
// by the local API as API Gateway applies them.

const { token, startOnTestEndpoint } = useNpmStart();

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** A folder holding only a cdk.json with this context, for npm start to run in. */
const folderWithCdkJson = (context: Record<string, unknown>): string => {
  const folder = mkdtempSync(join(tmpdir(), 'npm-start-cors-'));
  folders.push(folder);
  writeFileSync(join(folder, 'cdk.json'), JSON.stringify({ app: 'npx tsx bin/app.ts', context }));
  return folder;
};

const CONFIG = '/api/chat-sessions/demo/config';

/** A browser's preflight for a PATCH with a token and a JSON body from `origin`. */
const preflight = (url: string | undefined, origin: string) =>
  fetch(`${url}${CONFIG}`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'PATCH',
      'access-control-request-headers': 'authorization,content-type',
    },
  });

describe('npm start with CORS', () => {
  it('allows the origins of CORS_ALLOWED_ORIGINS, says so, and answers their preflights and reads as API Gateway', async () => {
    // GIVEN
    const banner = await startOnTestEndpoint({
      CORS_ALLOWED_ORIGINS: 'https://app.example.com, http://localhost:5173',
    }).banner;
    const url = listeningUrl(banner);

    // WHEN
    const answered = await preflight(url, 'http://localhost:5173');
    const refused = await preflight(url, 'https://elsewhere.example.com');
    const read = await fetch(`${url}${CONFIG}`, {
      headers: { origin: 'http://localhost:5173', authorization: `Bearer ${await token()}` },
    });

    // THEN
    expect(banner).toContain(
      'CORS: browsers may call from https://app.example.com, http://localhost:5173 (CORS_ALLOWED_ORIGINS)',
    );
    expect(answered.status).toBe(204);
    expect(answered.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(answered.headers.get('access-control-allow-methods')).toBe('GET,POST,PUT,PATCH');
    expect(refused.status).toBe(204);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(read.headers.get('access-control-expose-headers')).toContain('etag');
  });

  it("takes cdk.json's top-level chat-config:corsAllowedOrigins when the variable is unset, not a stage's", async () => {
    // GIVEN
    const cwd = folderWithCdkJson({
      'chat-config:corsAllowedOrigins': ['https://app.example.com'],
      'chat-config:stages': { dev: { corsAllowedOrigins: 'https://dev.example.com' } },
    });
    const banner = await startOnTestEndpoint({}, { cwd }).banner;
    const url = listeningUrl(banner);

    // WHEN
    const [app, dev] = await Promise.all([
      preflight(url, 'https://app.example.com'),
      preflight(url, 'https://dev.example.com'),
    ]);

    // THEN
    expect(banner).toContain(
      "CORS: browsers may call from https://app.example.com (cdk.json's chat-config:corsAllowedOrigins)",
    );
    expect(app.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(dev.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets an empty CORS_ALLOWED_ORIGINS turn off the origins of cdk.json', async () => {
    // GIVEN
    const cwd = folderWithCdkJson({ 'chat-config:corsAllowedOrigins': ['https://app.example.com'] });
    const banner = await startOnTestEndpoint({ CORS_ALLOWED_ORIGINS: '' }, { cwd }).banner;

    // WHEN
    const response = await preflight(listeningUrl(banner), 'https://app.example.com');

    // THEN
    expect(banner).toContain('CORS: none (no origins in CORS_ALLOWED_ORIGINS;');
    expect(response.status).toBe(404);
  });

  it.each<[string, Record<string, string>, Record<string, unknown>, RegExp]>([
    [
      'an origin with a path in CORS_ALLOWED_ORIGINS',
      { CORS_ALLOWED_ORIGINS: 'https://app.example.com/' },
      {},
      /^npm start failed: CORS_ALLOWED_ORIGINS must hold origins such as .*; "https:\/\/app.example.com\/" is not allowed$/m,
    ],
    [
      'a broken JSON array in CORS_ALLOWED_ORIGINS',
      { CORS_ALLOWED_ORIGINS: '["https://app.example.com"' },
      {},
      /^npm start failed: CORS_ALLOWED_ORIGINS must be origins separated by commas, or a JSON array of them/m,
    ],
    [
      '"*" beside another origin in cdk.json',
      {},
      { 'chat-config:corsAllowedOrigins': ['*', 'https://app.example.com'] },
      /^npm start failed: cdk.json's context key "chat-config:corsAllowedOrigins" must hold origins .*or only "\*"; "\*" is not allowed$/m,
    ],
    [
      'a misspelt key in cdk.json, as the CDK app refuses it',
      {},
      { 'chat-config:corsAllowedOrigin': ['https://app.example.com'] },
      /^npm start failed: cdk.json: Unknown context key "chat-config:corsAllowedOrigin"/m,
    ],
  ])('fails on %s, naming where it was set, before it creates anything', async (_, env, context, message) => {
    // WHEN
    const api = startOnTestEndpoint(env, { cwd: folderWithCdkJson(context) });
    const [code] = await api.exited;

    // THEN
    expect(code).toBe(1);
    expect(api.output().stderr).toMatch(message);
    const client = localDynamoDbClient(testEndpoint());
    try {
      expect((await client.send(new ListTablesCommand({}))).TableNames).not.toContain(api.tableName);
    } finally {
      client.destroy();
    }
  });
});
