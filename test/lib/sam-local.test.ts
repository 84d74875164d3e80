/**
 * The shipped asset, run as `sam local start-api` runs it: in a fresh Node.js 24 process with the template's
 * variables, env.json's over them and SAM CLI's `AWS_SAM_LOCAL=true`, given the events SAM CLI builds (no authorizer
 * context: start-api runs no JWT authorizer), with tokens of the local issuer whose key `npm run synth` put in env.json.
 */

import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  SAM_LOCAL_AUTHORIZER_FILE,
  SAM_LOCAL_AUTHORIZER_SETTING,
} from '../../functions/chat-config/sam-local';
import { DEMO_SESSION } from '../../local/demo-session';
import {
  createLocalIssuer,
  generateSigningKey,
  type LocalIssuer,
  loadLocalIssuer,
} from '../../local/local-issuer';
import { DEFAULT_SAM_ENV_VARS_FILE } from '../../local/sam-env';
import { CURL_REPORTING_STATUS, commandsOf, expectedStatuses, shellBlocks } from '../helpers/doc-blocks';
import { createTestTable, type TestTable } from '../helpers/dynamodb';
import { startSamStartApi } from '../helpers/sam-start-api';
import { samStartApiEvent } from '../helpers/sam-start-api-event';
import {
  assetDirOf,
  envJsonFor,
  envJsonOf,
  functionProperties,
  runBundle,
  STACK,
  type Synthesized,
  samFunctionIdOf,
  synthesize,
} from '../helpers/shipped-asset';

const run = promisify(execFile);

const SAM_LOCAL_DOC = 'docs/sam-local.md';
/** Where the doc has SAM CLI's API listen. */
const DOCUMENTED_URL = 'http://127.0.0.1:3001';

const CONFIG = { model: 'gpt-4o-mini', temperature: 0.3, system_prompt: 'You are a terse assistant' };
const READ_ONLY = ['chat-config/read'];

const workDir = mkdtempSync(join(tmpdir(), 'chat-config-sam-local-'));
/** The local issuer's key for this file's synth and `npm run token` (the checkout's own is left alone). */
const issuerKeyFile = join(workDir, 'signing-key.jwk.json');
let shipped: Synthesized;
let issuer: LocalIssuer;
let table: TestTable;

beforeAll(async () => {
  shipped = await synthesize([], issuerKeyFile);
  // The issuer `npm run token` signs with: the one whose key the synth wrote into env.json.
  issuer = await loadLocalIssuer(issuerKeyFile);
  table = await createTestTable();
}, 120_000);

afterAll(async () => {
  await table?.drop();
  if (shipped) rmSync(shipped.outdir, { recursive: true, force: true });
  rmSync(workDir, { recursive: true, force: true });
});

let eventCount = 0;
/** Writes `event` to a file of its own, for the bundle to read. */
const eventFile = (event: unknown): string => {
  eventCount += 1;
  const file = join(workDir, `event-${eventCount}.json`);
  writeFileSync(file, JSON.stringify(event));
  return file;
};

/** A PUT of CONFIG to the demo session, as start-api forwards it, with `authorization` unless undefined. */
const putEvent = (authorization?: string) =>
  samStartApiEvent({
    method: 'PUT',
    sessionId: DEMO_SESSION.sessionId,
    headers: {
      'Content-Type': 'application/json',
      ...(authorization === undefined ? {} : { Authorization: authorization }),
    },
    body: JSON.stringify({ config: CONFIG }),
  });

/** env.json's settings as the container gets them (this run's DynamoDB Local, and a table of this file's own). */
const samEnv = (synthesized = shipped): Record<string, string> => ({
  ...envJsonFor(synthesized, table.endpoint),
  TABLE_NAME: table.tableName,
  // What SAM CLI sets in every container it runs.
  AWS_SAM_LOCAL: 'true',
});

/** Runs `events` through the bundle as sam local runs it, with `env` over SAM's environment. */
const runAsSamLocal = async (events: unknown[], env: Record<string, string> = {}, synthesized = shipped) => {
  await table.put(DEMO_SESSION);
  return runBundle(synthesized, events.map(eventFile), { ...samEnv(synthesized), ...env });
};

const storedConfig = async () => (await table.get(DEMO_SESSION.sessionId))?.config;

describe('npm run synth, for sam local', () => {
  it("writes into env.json the local issuer's public key, issuer and audience, and no private part of the key", () => {
    // GIVEN
    const settings = envJsonOf(shipped)[samFunctionIdOf(shipped)] ?? {};

    // THEN
    const setting = JSON.parse(settings[SAM_LOCAL_AUTHORIZER_SETTING] ?? '');
    expect(setting).toEqual({ issuer: issuer.issuer, audience: [issuer.audience], keys: issuer.keys });
    for (const key of setting.keys.keys)
      expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
  });

  it('declares the setting empty in the template, for env.json to set, and never sets AWS_SAM_LOCAL', () => {
    const variables = functionProperties(shipped).Environment.Variables;

    expect(variables[SAM_LOCAL_AUTHORIZER_SETTING]).toBe('');
    expect(variables).not.toHaveProperty('AWS_SAM_LOCAL');
  });

  it('bundles the stand-in into a file of its own: the entry holds none of it', () => {
    const entry = readFileSync(join(assetDirOf(shipped), 'index.mjs'), 'utf8');
    const standIn = readFileSync(join(assetDirOf(shipped), SAM_LOCAL_AUTHORIZER_FILE), 'utf8');

    // jose's error class names, kept by the minifier: in the stand-in only. (Booleans: the bundles are large.)
    expect(standIn.includes('JWSSignatureVerificationFailed')).toBe(true);
    expect(entry.includes('JWSSignatureVerificationFailed')).toBe(false);
    expect(entry.includes(SAM_LOCAL_AUTHORIZER_FILE)).toBe(true);
  });
});

describe('the bundled asset, run as sam local start-api runs it', () => {
  it('serves a token of the local issuer with the write scope: 200, and the writes land', async () => {
    // GIVEN a replace, then a merge patch on it, with one token
    const token = await issuer.sign({ sub: DEMO_SESSION.ownerId });
    const patch = samStartApiEvent({
      method: 'PATCH',
      sessionId: DEMO_SESSION.sessionId,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ temperature: 0.9 }),
    });

    // WHEN
    const { results, logs } = await runAsSamLocal([putEvent(`Bearer ${token}`), patch]);

    // THEN
    expect(results.map(({ result }) => result.statusCode)).toEqual([200, 200]);
    expect(JSON.parse(String(results[0]?.result.body))).toMatchObject({
      message: 'Chat configuration updated successfully',
      config: CONFIG,
    });
    expect(await storedConfig()).toEqual({ ...CONFIG, temperature: 0.9 });
    expect(logs).not.toContain(CONFIG.system_prompt);
    expect(logs).not.toContain(token);
  });

  it("refuses a read-only token on a write with API Gateway's 403, and on a read serves it", async () => {
    // GIVEN
    const readOnly = `Bearer ${await issuer.sign({ sub: DEMO_SESSION.ownerId, scopes: READ_ONLY })}`;
    const read = samStartApiEvent({
      method: 'GET',
      sessionId: DEMO_SESSION.sessionId,
      headers: { Authorization: readOnly },
    });

    // WHEN
    const { results } = await runAsSamLocal([putEvent(readOnly), read]);

    // THEN
    expect(results.map(({ result }) => result.statusCode)).toEqual([403, 200]);
    expect(results[0]?.result).toMatchObject({
      body: '{"message":"Forbidden"}',
      headers: {
        'content-type': 'application/json',
        'www-authenticate': expect.stringContaining('error="insufficient_scope"'),
      },
    });
    expect(await storedConfig()).toBeUndefined();
  });

  it("refuses what API Gateway's authorizer refuses with its 401, writing nothing and logging no token", async () => {
    // GIVEN
    const sub = DEMO_SESSION.ownerId;
    const foreign = await createLocalIssuer(await generateSigningKey());
    // The local issuer's token, with the signature of another key's
    const [header, payload] = (await issuer.sign({ sub })).split('.');
    const forged = `${header}.${payload}.${(await foreign.sign({ sub })).split('.')[2]}`;
    const tokens = {
      'the token has expired': await issuer.sign({ sub, expiresIn: -60 }),
      'the token signature is invalid': forged,
      'the token was not signed by a key of the issuer': await foreign.sign({ sub }),
      'the token does not have a valid issuer': await issuer.sign({
        sub,
        claims: { iss: 'https://other.invalid' },
      }),
      'the token does not have a valid audience': await issuer.sign({
        sub,
        claims: { client_id: 'other-app' },
      }),
    };

    // WHEN
    const { results, logs } = await runAsSamLocal([
      ...Object.values(tokens).map((token) => putEvent(`Bearer ${token}`)),
      putEvent(),
    ]);

    // THEN
    expect(results.map(({ result }) => result.statusCode)).toEqual(Array(6).fill(401));
    for (const { result } of results) {
      expect(result.body).toBe('{"message":"Unauthorized"}');
      expect(result.headers?.['content-type']).toBe('application/json');
    }
    expect(results.map(({ result }) => result.headers?.['www-authenticate'])).toEqual([
      ...Object.keys(tokens).map((why) => `Bearer scope="" error="invalid_token" error_description="${why}"`),
      'Bearer',
    ]);
    expect(await storedConfig()).toBeUndefined();
    for (const token of Object.values(tokens)) expect(logs).not.toContain(token);
    expect(logs).toContain('"authorizerError":"Unauthorized: the token has expired"');
  });

  it('without AWS_SAM_LOCAL, answers the same event with its own 401, as a route without authorizer in AWS', async () => {
    // GIVEN a valid token, which only an authorizer's claims would vouch for
    const event = putEvent(`Bearer ${await issuer.sign({ sub: DEMO_SESSION.ownerId })}`);

    // WHEN
    const { results } = await runAsSamLocal([event], { AWS_SAM_LOCAL: '' });

    // THEN
    expect(results[0]?.result.statusCode).toBe(401);
    expect(results[0]?.result.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(String(results[0]?.result.body)).type).toBe('urn:chat-config:problem:unauthorized');
    expect(await storedConfig()).toBeUndefined();
  });

  it('passes an event that carries claims straight on, as sam local invoke sends the files of events/', async () => {
    // GIVEN the sample event of a replace, with the claims the authorizer would pass on, and no token at all
    const sample = JSON.parse(readFileSync(resolve('events/200-config-replaced.json'), 'utf8'));

    // WHEN
    const { results } = await runAsSamLocal([sample]);

    // THEN
    expect(results[0]?.result.statusCode).toBe(200);
    expect(await storedConfig()).toEqual(sample.body && JSON.parse(sample.body).config);
  });

  it('loads the stand-in only under SAM local, for an event without claims: never at a cold start', async () => {
    // GIVEN a copy of the asset whose stand-in fails as it loads
    const outdir = join(workDir, 'copy');
    cpSync(shipped.outdir, outdir, { recursive: true });
    const copy: Synthesized = { ...shipped, outdir, envVarsFile: join(outdir, 'env.json') };
    writeFileSync(join(assetDirOf(copy), SAM_LOCAL_AUTHORIZER_FILE), "throw new Error('stand-in loaded');\n");
    const token = `Bearer ${await issuer.sign({ sub: DEMO_SESSION.ownerId })}`;
    const sample = JSON.parse(readFileSync(resolve('events/200-config-read.json'), 'utf8'));

    // WHEN
    const inLambda = await runAsSamLocal([putEvent(token), sample], { AWS_SAM_LOCAL: '' }, copy);
    const invoked = await runAsSamLocal([sample], {}, copy);
    const startApi = await runAsSamLocal([putEvent(token)], {}, copy);

    // THEN
    expect(inLambda.results.map(({ result }) => result.statusCode)).toEqual([401, 200]);
    expect(invoked.results.map(({ result }) => result.statusCode)).toEqual([200]);
    expect(startApi.results).toEqual([]);
    expect(startApi.logs).toContain('stand-in loaded');
    expect(`${inLambda.logs}${invoked.logs}`).not.toContain('stand-in loaded');
  });

  it("fails a request without claims naming the setting's variable when env.json does not set it", async () => {
    const token = `Bearer ${await issuer.sign({ sub: DEMO_SESSION.ownerId })}`;

    const { results, logs } = await runAsSamLocal([putEvent(token)], { [SAM_LOCAL_AUTHORIZER_SETTING]: '' });

    expect(results).toEqual([]);
    expect(logs).toContain(`Environment variable ${SAM_LOCAL_AUTHORIZER_SETTING} is not set`);
    expect(await storedConfig()).toBeUndefined();
  });
});

describe('docs/sam-local.md', () => {
  it('names the template, env.json and the function id that npm run synth writes', () => {
    const doc = readFileSync(SAM_LOCAL_DOC, 'utf8');
    const template = `-t cdk.out/${STACK}.template.json`;

    expect(doc).toContain('npm run synth');
    expect(doc).toContain(
      `sam local start-api ${template} --env-vars ${DEFAULT_SAM_ENV_VARS_FILE} --port 3001`,
    );
    expect(doc).toContain(`sam local invoke ${template} ${samFunctionIdOf(shipped)} -e events/`);
  });

  it('answers its curls, run as written against a stand-in for start-api, with the statuses they name', async () => {
    // GIVEN the block a reader pastes, but its sam commands (Docker), against the asset as SAM CLI would run it
    const [block] = shellBlocks(SAM_LOCAL_DOC).filter(({ code }) => code.includes(DOCUMENTED_URL));
    const code = commandsOf(block?.code ?? '')
      .filter((command) => !command.startsWith('sam '))
      .join('\n');
    await table.put(DEMO_SESSION);
    const startApi = await startSamStartApi(shipped, samEnv);
    try {
      // WHEN
      const script = [
        'set -euo pipefail',
        CURL_REPORTING_STATUS,
        code.replaceAll(DOCUMENTED_URL, startApi.url),
      ];
      const { stderr } = await run('bash', ['-c', script.join('\n')], {
        env: { ...process.env, LOCAL_ISSUER_KEY_FILE: issuerKeyFile },
      });

      // THEN
      const statuses = [...stderr.matchAll(/^@@status (\d{3})$/gm)].map(([, status]) => status);
      expect(expectedStatuses(code)).toEqual(['200', '200', '401']);
      expect(statuses).toEqual(expectedStatuses(code));
      expect(await storedConfig()).toMatchObject({ temperature: 0.3 });
    } finally {
      await startApi.close();
    }
  }, 60_000);
});
