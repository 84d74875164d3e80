import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { freePort, localDynamoDbClient } from '../../local/dynamodb-local';
import { testEndpoint } from '../helpers/dynamodb';

const run = promisify(execFile);

// The local issuer's key for this file's runs, out of the checkout.
const issuerDir = mkdtempSync(join(tmpdir(), 'local-issuer-'));
const LOCAL_ISSUER_KEY_FILE = join(issuerDir, 'signing-key.jwk.json');
afterAll(() => rmSync(issuerDir, { recursive: true, force: true }));

/** `npm run token -- <args>`, as a developer runs it: the token it prints. */
const token = async (...args: string[]) => {
  const { stdout } = await run('tsx', ['local/token.ts', ...args], {
    env: { ...process.env, LOCAL_ISSUER_KEY_FILE, PATH: PATH_WITHOUT_JAVA },
  });
  return stdout.trim();
};

// What `npm start` runs, for runs where npm itself is off the PATH.
const START_SCRIPT = ['tsx', ['local/start.ts']] as const;
// Node 24 and the project's bins (tsx) but no Java: the PATH of a machine without a JRE.
const PATH_WITHOUT_JAVA = join(process.cwd(), 'node_modules', '.bin');

/** The local API in its own process group, so that every child can be stopped. */
const startLocalApi = (
  env: Record<string, string>,
  [command, args]: readonly [string, readonly string[]],
) => {
  // A developer's shell has no AWS credentials or region unless they set them: leave out the ones jest's setup set.
  const { AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ...shell } = process.env;
  const child = spawn(command, args, {
    env: { ...shell, LOCAL_ISSUER_KEY_FILE, ...env },
    detached: true,
    stdio: 'pipe',
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const banner = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', () => {
      if (stdout.includes('Ctrl-C stops it.')) resolve(stdout);
    });
    void exited.then(([code]) => reject(new Error(`npm start exited with ${code}: ${stderr}`)));
  });
  // A run that is expected to fail never shows a banner: that is not an unhandled rejection.
  banner.catch(() => undefined);
  return { child, banner, exited, output: () => ({ stdout, stderr }) };
};

let started: ChildProcess | undefined;
afterEach(() => {
  if (started?.pid && started.exitCode === null) process.kill(-started.pid, 'SIGKILL');
  started = undefined;
});

/**
 * `npm start` on this run's DynamoDB Local (DYNAMODB_ENDPOINT: no Java needed), with a table of its own and `env`
 * besides: the API, stopped after the test, and the table's name.
 */
const startOnTestEndpoint = (env: Record<string, string> = {}) => {
  const tableName = `start-${randomUUID()}`;
  const api = startLocalApi(
    { PORT: '0', DYNAMODB_ENDPOINT: testEndpoint(), TABLE_NAME: tableName, PATH: PATH_WITHOUT_JAVA, ...env },
    START_SCRIPT,
  );
  started = api.child;
  return { ...api, tableName };
};

/** The URL the banner says the API listens on. */
const listeningUrl = (banner: string) => /Local API listening on (\S+)/.exec(banner)?.[1];

const refusesConnections = async (url: string) =>
  fetch(url, { method: 'POST', body: '{}' }).then(
    () => false,
    () => true,
  );

describe('npm start', () => {
  it('serves the API on an embedded DynamoDB Local; each printed curl returns 200; SIGTERM stops both', async () => {
    // GIVEN
    const api = startLocalApi({ PORT: '0' }, ['npm', ['start']]);
    started = api.child;
    const banner = await api.banner;
    const url = /Local API listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
    const dynamoDb = /DynamoDB: (http:\/\/127\.0\.0\.1:\d+) \(embedded/.exec(banner)?.[1];
    const curls = banner.split('\n').filter((line) => line.startsWith('curl '));
    expect(url && dynamoDb).toBeTruthy();
    expect(curls.map((curl) => /-X (\w+)/.exec(curl)?.[1] ?? 'GET')).toEqual(['POST', 'GET', 'PATCH']);
    // Each with a token of the demo session's owner, from the key npm start generated (its owner's to read only).
    for (const curl of curls) expect(curl).toMatch(/-H 'Authorization: Bearer [\w-]+\.[\w-]+\.[\w-]+'/);
    expect(statSync(LOCAL_ISSUER_KEY_FILE).mode & 0o777).toBe(0o600);

    // WHEN the printed commands are pasted into a shell, in order
    const answers = [];
    for (const curl of curls) {
      const { stdout } = await run('bash', ['-c', `${curl} -w '\\n%{http_code}'`]);
      const [body = '', status] = stdout.split('\n');
      answers.push({ status, body: JSON.parse(body) });
    }

    // THEN
    expect(answers).toEqual([
      {
        status: '200',
        body: expect.objectContaining({ message: 'Chat configuration updated successfully' }),
      },
      { status: '200', body: expect.objectContaining({ sessionId: 'demo', version: 1 }) },
      {
        status: '200',
        body: expect.objectContaining({
          config: { model: 'gpt-4', temperature: 0.2, max_tokens: 2000 },
          version: 2,
        }),
      },
    ]);

    // WHEN stopped
    process.kill(api.child.pid ?? 0, 'SIGTERM');
    const [code, signal] = await api.exited;

    // THEN the API and DynamoDB Local are gone
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
    expect(await refusesConnections(`${url}/api/chat-sessions/demo/config`)).toBe(true);
    expect(await refusesConnections(String(dynamoDb))).toBe(true);
  });

  it('uses DYNAMODB_ENDPOINT when set, needing no Java, and creates and seeds the table there', async () => {
    const api = startOnTestEndpoint();
    const banner = await api.banner;
    const url = listeningUrl(banner);

    const response = await fetch(`${url}/api/chat-sessions/demo/config`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${await token('--sub', 'demo-user')}`,
        'content-type': 'application/json',
      },
      body: '{"config": {"temperature": 0.1}}',
    });

    expect(banner).toContain(`table ${api.tableName}`);
    expect(response.status).toBe(200);
  });

  it('seeds the demo owner in OWNER_ATTRIBUTE as the handler reads it (trimmed)', async () => {
    const url = listeningUrl(await startOnTestEndpoint({ OWNER_ATTRIBUTE: ' userId ' }).banner);

    const response = await fetch(`${url}/api/chat-sessions/demo/config`, {
      headers: { authorization: `Bearer ${await token('--sub', 'demo-user')}` },
    });

    expect(response.status).toBe(200);
  });

  it('fails naming OWNER_ATTRIBUTE when it is one this API writes, before it writes anything', async () => {
    const api = startOnTestEndpoint({ OWNER_ATTRIBUTE: 'sessionId' });

    const [code] = await api.exited;

    expect(code).toBe(1);
    expect(api.output().stderr).toContain('OWNER_ATTRIBUTE');
    const client = localDynamoDbClient(testEndpoint());
    try {
      expect((await client.send(new ListTablesCommand({}))).TableNames).not.toContain(api.tableName);
    } finally {
      client.destroy();
    }
  });

  it('takes the tokens npm run token prints: the user, the scopes (both by default), the lifetime', async () => {
    // GIVEN
    const url = `${listeningUrl(await startOnTestEndpoint().banner)}/api/chat-sessions/demo/config`;
    const send = async (method: string, args: string[]) =>
      (
        await fetch(url, {
          method,
          headers: { authorization: `Bearer ${await token(...args)}`, 'content-type': 'application/json' },
          ...(method === 'GET' ? {} : { body: '{"config": {"top_p": 0.5}}' }),
        })
      ).status;

    // THEN
    expect(await send('PUT', ['--sub', 'demo-user'])).toBe(200);
    expect(await send('PUT', [])).toBe(200); // the demo session's owner by default
    expect(await send('PUT', ['--sub', 'alice'])).toBe(404);
    expect(await send('GET', ['--sub', 'demo-user', '--scope', 'chat-config/read'])).toBe(200);
    expect(await send('PUT', ['--sub', 'demo-user', '--scope', 'chat-config/read'])).toBe(403);
    expect(await send('PUT', ['--sub', 'demo-user', '--scope', 'chat-config/read chat-config/write'])).toBe(
      200,
    );
    expect(await send('GET', ['--sub', 'demo-user', '--expires-in=-1'])).toBe(401);
    await expect(token('--sub', '')).rejects.toThrow(/--sub must name a user in 1 to 256 characters/);
    await expect(token('--sub', 'a'.repeat(257))).rejects.toThrow(/--sub must name a user/);
  });

  it('starts DynamoDB Local on DYNAMODB_LOCAL_PORT, with the table and the demo session, for sam local to reach', async () => {
    // GIVEN
    const port = await freePort();
    const api = startLocalApi({ PORT: '0', DYNAMODB_LOCAL_PORT: String(port) }, START_SCRIPT);
    started = api.child;

    // WHEN
    const banner = await api.banner;

    // THEN
    expect(banner).toContain(`DynamoDB Local started on http://127.0.0.1:${port}`);
    const client = DynamoDBDocumentClient.from(localDynamoDbClient(`http://127.0.0.1:${port}`));
    const { Item } = await client.send(
      new GetCommand({ TableName: 'chat-sessions', Key: { sessionId: 'demo' } }),
    );
    client.destroy();
    expect(Item).toMatchObject({ sessionId: 'demo', ownerId: 'demo-user' });
  });

  it('fails naming DYNAMODB_LOCAL_PORT when it is not a port number', async () => {
    const api = startLocalApi({ PORT: '0', DYNAMODB_LOCAL_PORT: '80000' }, START_SCRIPT);
    started = api.child;

    const [code] = await api.exited;

    expect(code).toBe(1);
    expect(api.output().stderr).toContain(
      'npm start failed: DYNAMODB_LOCAL_PORT must be a port number, not "80000"',
    );
  });

  it('fails naming DYNAMODB_LOCAL_PORT when something already listens there, starting nothing', async () => {
    // GIVEN a port in use (say, by another DynamoDB Local)
    const taken = createServer().listen(0);
    await once(taken, 'listening');
    try {
      const port = (taken.address() as AddressInfo).port;
      const api = startLocalApi({ PORT: '0', DYNAMODB_LOCAL_PORT: String(port) }, START_SCRIPT);
      started = api.child;

      // WHEN
      const [code] = await api.exited;

      // THEN
      expect(code).toBe(1);
      expect(api.output().stderr).toContain(
        `npm start failed: DYNAMODB_LOCAL_PORT ${port} is already in use`,
      );
      expect(api.output().stdout).not.toContain('DynamoDB Local started');
    } finally {
      taken.close();
    }
  });

  it('fails with one line naming the fix when Java is missing', async () => {
    const api = startLocalApi({ PORT: '0', PATH: PATH_WITHOUT_JAVA }, START_SCRIPT);
    started = api.child;

    const [code] = await api.exited;

    expect(code).toBe(1);
    const lines = api.output().stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(
      /^npm start failed: DynamoDB Local needs Java 17 or later .*DYNAMODB_ENDPOINT/,
    );
  });

  it('stops the DynamoDB Local it started when the API cannot start (port taken)', async () => {
    // GIVEN a port already in use
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    try {
      const api = startLocalApi({ PORT: String((taken.address() as AddressInfo).port) }, START_SCRIPT);
      started = api.child;

      // WHEN
      const [code] = await api.exited;

      // THEN
      expect(code).toBe(1);
      expect(api.output().stderr).toMatch(/^npm start failed: listen EADDRINUSE/m);
      const dynamoDb = /DynamoDB Local started on (\S+)/.exec(api.output().stdout)?.[1];
      expect(dynamoDb).toBeDefined();
      expect(await refusesConnections(String(dynamoDb))).toBe(true);
    } finally {
      taken.close();
    }
  });
});
