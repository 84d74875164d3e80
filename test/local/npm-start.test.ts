import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { statSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { promisify } from 'node:util';
import {
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from '@jest/globals';
import { functionRecordOf } from '../../local/console-log';
import { freePort, localDynamoDbClient } from '../../local/dynamodb-local';
import { testEndpoint } from '../helpers/dynamodb';
import { consoleLines, listeningUrl, PATH_WITHOUT_JAVA, useNpmStart } from '../helpers/npm-start';

const run = promisify(execFile);

const { LOCAL_ISSUER_KEY_FILE, token, startLocalApi, startOnTestEndpoint } = useNpmStart();

const refusesConnections = async (url: string) =>
  fetch(url, { method: 'POST', body: '{}' }).then(
    () => false,
    () => true,
  );

describe('npm start', () => {
  it('serves the API on an embedded DynamoDB Local; the printed commands return 200; SIGTERM stops both', async () => {
    // GIVEN
    const api = startLocalApi({ PORT: '0' }, ['npm', ['start']]);
    const banner = await api.banner;
    const url = listeningUrl(banner);
    const dynamoDb = /^DynamoDB Local \(in memory\) on (http:\/\/127\.0\.0\.1:\d+),/m.exec(banner)?.[1];
    const lines = banner.split('\n');
    const exports = lines.filter((line) => line.startsWith('export TOKEN='));
    const curls = lines.filter((line) => line.startsWith('curl '));
    expect(url && dynamoDb).toBeTruthy();
    // The token once, the demo session's owner's, from the key npm start generated (its owner's to read only).
    expect(exports).toEqual([expect.stringMatching(/^export TOKEN=[\w-]+\.[\w-]+\.[\w-]+$/)]);
    expect(curls.map((curl) => /-X (\w+)/.exec(curl)?.[1] ?? 'GET')).toEqual(['GET', 'PUT', 'PATCH']);
    for (const curl of curls) expect(curl).toContain('-H "Authorization: Bearer $TOKEN"');
    expect(statSync(LOCAL_ISSUER_KEY_FILE).mode & 0o777).toBe(0o600);

    // WHEN the printed commands are pasted into one shell, in order
    const { stdout } = await run('bash', [
      '-c',
      [...exports, ...curls.map((curl) => `${curl} -w '\n%{http_code}\n'`)].join('\n'),
    ]);
    const printed = stdout.trim().split('\n');
    const answers = [];
    for (let i = 0; i + 1 < printed.length; i += 2) {
      answers.push({ status: printed[i + 1], body: JSON.parse(printed[i] ?? '') });
    }

    // THEN
    expect(answers).toEqual([
      { status: '200', body: expect.objectContaining({ sessionId: 'demo', config: {}, version: 0 }) },
      {
        status: '200',
        body: expect.objectContaining({ message: 'Chat configuration updated successfully', version: 1 }),
      },
      {
        status: '200',
        body: expect.objectContaining({ config: { model: 'gpt-4', temperature: 0.2 }, version: 2 }),
      },
    ]);
    // One readable line per request, and none of the function's own JSON lines
    expect(await consoleLines(api.output, 3)).toEqual([
      expect.stringMatching(/^\d\d:\d\d:\d\d GET \/api\/chat-sessions\/demo\/config 200 \d+ ms demo-user$/),
      expect.stringMatching(/^\d\d:\d\d:\d\d PUT \/api\/chat-sessions\/demo\/config 200 \d+ ms demo-user$/),
      expect.stringMatching(/^\d\d:\d\d:\d\d PATCH \/api\/chat-sessions\/demo\/config 200 \d+ ms demo-user$/),
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
    // cdk.json allows no origin: no CORS, as the stack it deploys
    expect(banner).toContain("CORS: none (no origins in cdk.json's chat-config:corsAllowedOrigins;");
    expect(response.status).toBe(200);
  });

  it("creates the idempotency records' table there too, its records expiring by their expiration attribute", async () => {
    // WHEN
    const api = startOnTestEndpoint();
    await api.banner;

    // THEN
    const client = localDynamoDbClient(testEndpoint());
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: api.idempotencyTableName }));
      const { TimeToLiveDescription } = await client.send(
        new DescribeTimeToLiveCommand({ TableName: api.idempotencyTableName }),
      );
      expect(Table?.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
      expect(TimeToLiveDescription).toEqual({ AttributeName: 'expiration', TimeToLiveStatus: 'ENABLED' });
    } finally {
      client.destroy();
    }
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
    const api = startLocalApi({ PORT: '0', DYNAMODB_LOCAL_PORT: String(port) });

    // WHEN
    const banner = await api.banner;

    // THEN
    expect(banner).toContain(`DynamoDB Local (in memory) on http://127.0.0.1:${port},`);
    const client = DynamoDBDocumentClient.from(localDynamoDbClient(`http://127.0.0.1:${port}`));
    const { Item } = await client.send(
      new GetCommand({ TableName: 'chat-sessions', Key: { sessionId: 'demo' } }),
    );
    client.destroy();
    expect(Item).toMatchObject({ sessionId: 'demo', ownerId: 'demo-user' });
  });

  it('fails naming DYNAMODB_LOCAL_PORT when it is not a port number', async () => {
    const api = startLocalApi({ PORT: '0', DYNAMODB_LOCAL_PORT: '80000' });

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
      const api = startLocalApi({ PORT: '0', DYNAMODB_LOCAL_PORT: String(port) });

      // WHEN
      const [code] = await api.exited;

      // THEN
      expect(code).toBe(1);
      expect(api.output().stderr).toContain(
        `npm start failed: Port ${port} is already in use: stop what listens there, or choose another port, e.g. DYNAMODB_LOCAL_PORT=${port + 1} npm start`,
      );
      expect(api.output().stdout).not.toContain('DynamoDB Local');
    } finally {
      taken.close();
    }
  });

  it('fails with one line naming the fix when Java is missing', async () => {
    const api = startLocalApi({ PORT: '0', PATH: PATH_WITHOUT_JAVA });

    const [code] = await api.exited;

    expect(code).toBe(1);
    const lines = api.output().stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(
      /^npm start failed: DynamoDB Local needs Java 17 or later .*DYNAMODB_ENDPOINT/,
    );
  });

  it('names the fix and stops the DynamoDB Local it started when the port is taken', async () => {
    // GIVEN a port already in use
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    try {
      const port = (taken.address() as AddressInfo).port;
      const dynamoDbPort = await freePort();
      const api = startLocalApi({ PORT: String(port), DYNAMODB_LOCAL_PORT: String(dynamoDbPort) });

      // WHEN
      const [code] = await api.exited;

      // THEN
      expect(code).toBe(1);
      expect(api.output().stderr.trim()).toBe(
        `npm start failed: Port ${port} is already in use: stop what listens there, or choose another port, e.g. PORT=${port + 1} npm start`,
      );
      expect(await refusesConnections(`http://127.0.0.1:${dynamoDbPort}`)).toBe(true);
    } finally {
      taken.close();
    }
  });
});

describe("npm start's console", () => {
  it("prints one line per request, refusals included, and none of the function's own lines", async () => {
    // GIVEN
    const api = startOnTestEndpoint();
    const url = `${listeningUrl(await api.banner)}/api/chat-sessions/demo/config`;
    const owner = `Bearer ${await token()}`;
    const readOnly = `Bearer ${await token('--scope', 'chat-config/read')}`;
    const patch = (authorization: string, body: string) =>
      fetch(url, {
        method: 'PATCH',
        headers: { authorization, 'content-type': 'application/merge-patch+json' },
        body,
      });

    // WHEN
    await fetch(url, { headers: { authorization: owner } });
    await patch(owner, '{"temperature": 0.4}');
    await patch(owner, '{"temperature": 5}');
    await fetch(url);
    await patch(readOnly, '{"temperature": 0.4}');
    await fetch(`${url}s`, { headers: { authorization: owner } });

    // THEN
    const time = '\\d\\d:\\d\\d:\\d\\d';
    expect(await consoleLines(api.output, 6)).toEqual(
      [
        'GET /api/chat-sessions/demo/config 200 \\d+ ms demo-user',
        'PATCH /api/chat-sessions/demo/config 200 \\d+ ms demo-user',
        'PATCH /api/chat-sessions/demo/config 422 \\d+ ms demo-user validation-failed',
        'GET /api/chat-sessions/demo/config 401 \\d+ ms - Unauthorized: no token',
        'PATCH /api/chat-sessions/demo/config 403 \\d+ ms - Forbidden: the token has none of the scopes chat-config/write',
        'GET /api/chat-sessions/demo/configs 404 \\d+ ms - Not Found',
      ].map((line) => expect.stringMatching(new RegExp(`^${time} ${line}$`))),
    );
    expect(
      api
        .output()
        .stdout.split('\n')
        .filter((line) => functionRecordOf(line) !== undefined),
    ).toEqual([]);
  });

  it("shows the function's error under the line of a request that failed", async () => {
    // GIVEN npm start on a table that is then deleted
    const api = startOnTestEndpoint();
    const url = `${listeningUrl(await api.banner)}/api/chat-sessions/demo/config`;
    const client = localDynamoDbClient(testEndpoint());
    try {
      await client.send(new DeleteTableCommand({ TableName: api.tableName }));
    } finally {
      client.destroy();
    }

    // WHEN
    const response = await fetch(url, { headers: { authorization: `Bearer ${await token()}` } });

    // THEN
    expect(response.status).toBe(500);
    const [line, error] = await consoleLines(api.output, 2);
    expect(line).toMatch(
      / GET \/api\/chat-sessions\/demo\/config 500 \d+ ms demo-user Internal Server Error$/,
    );
    expect(error).toMatch(
      /^ {2}ERROR Request failed: StoreFailedError at functions\/sessions\/\S+\.ts:\d+:\d+, caused by ResourceNotFoundException: /,
    );
  });

  it("prints the function's JSON logs and metrics and a JSON access log line with LOG_FORMAT=json", async () => {
    // GIVEN
    const api = startOnTestEndpoint({ LOG_FORMAT: 'json' });
    const url = `${listeningUrl(await api.banner)}/api/chat-sessions/demo/config`;

    // WHEN
    await fetch(url, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${await token()}`, 'content-type': 'application/merge-patch+json' },
      body: '{"temperature": 0.4}',
    });

    // THEN the audit line, the request's metrics (four DynamoDB calls: the config was never written by this API, so
    // the field-by-field write fails, its cause and the config are read, and the merged config is written) and the
    // access log line, each JSON
    const records = (await consoleLines(api.output, 7)).map(
      (line) => JSON.parse(line) as Record<string, unknown>,
    );
    expect(records).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 'INFO',
          message: 'Chat configuration patched',
          callerId: 'demo-user',
        }),
        expect.objectContaining({ _aws: expect.anything(), ConfigUpdates: 1, outcome: '2xx' }),
        expect.objectContaining({
          routeKey: 'PATCH /api/chat-sessions/{sessionId}/config',
          path: '/api/chat-sessions/demo/config',
          status: 200,
          caller: 'demo-user',
          responseLatency: expect.any(Number),
        }),
      ]),
    );
  });

  it('fails naming LOG_FORMAT when it is neither pretty nor json', async () => {
    const api = startOnTestEndpoint({ LOG_FORMAT: 'yaml' });

    const [code] = await api.exited;

    expect(code).toBe(1);
    expect(api.output().stderr.trim()).toBe(
      'npm start failed: LOG_FORMAT must be pretty or json, not "yaml"',
    );
  });
});
