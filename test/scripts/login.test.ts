/**
 * `npm run login`, run as an operator runs it after `npm run deploy`, against an OpenID provider on a loopback port
 * standing in for the stack's user pool, with a fetch-driven browser signing a user in on its pages.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { gatherOutput } from '../helpers/child-output';
import { FetchBrowser, type Page } from '../helpers/fetch-browser';
import { startOidcProvider, type TestOidcProvider } from '../helpers/oidc-provider';

const run = promisify(execFile);

const STAGE = 'qa';
const STACK = 'ChatConfigApi-qa';
const CLIENT_ID = 'test-app-client';
const API_URL = 'https://abc123.execute-api.eu-west-1.amazonaws.com/';
const TOKENS_FILE = 'login-tokens.json';

/** Tokens an earlier login kept for other stacks: one still valid, one expired. */
const OTHER_STACK = 'ChatConfigApi-prod';
const EXPIRED_STACK = 'ChatConfigApi-old';
const savedToken = (expiresAt: string) => ({
  accessToken: 'a.b.c',
  expiresAt,
  issuer: 'https://i',
  clientId: 'c',
});
const KEPT = savedToken('2999-01-01T00:00:00.000Z');
const EXPIRED = savedToken('2000-01-01T00:00:00.000Z');

/** A port nothing listens on now, on both loopback addresses localhost may name. */
const freePort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
};

let provider: TestOidcProvider;
/** The callback URL the stage configures for its app client, and another one the app client allows. */
let stageCallback: string;
let otherCallback: string;
let project: string;

/**
 * A project folder as `npm run deploy -- -c stage=qa` leaves it: this project's package.json script and code (linked),
 * a cdk.json whose stage `qa` names its stack and callback URL, the outputs file (unless `outputs` is null), and no
 * token saved yet.
 */
const writeProject = (outputs: unknown) => {
  const real = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({
      name: 'login-test',
      private: true,
      type: 'module',
      scripts: { login: real.scripts.login },
    }),
  );
  writeFileSync(
    join(project, 'cdk.json'),
    JSON.stringify({
      app: 'npx tsx bin/app.ts',
      context: {
        'chat-config:stages': { [STAGE]: { stackName: STACK, oauthCallbackUrls: [stageCallback] } },
      },
    }),
  );
  rmSync(join(project, 'cdk-outputs.json'), { force: true });
  rmSync(join(project, TOKENS_FILE), { force: true });
  if (outputs !== null) writeFileSync(join(project, 'cdk-outputs.json'), JSON.stringify(outputs));
};

const outputsOf = (issuer: string, extra: Record<string, string> = {}) => ({
  [STACK]: {
    ApiUrl: API_URL,
    TokenIssuer: issuer,
    UserPoolId: 'eu-west-1_TestPool',
    AppClientId: CLIENT_ID,
    LoginUrl: issuer,
    ...extra,
  },
});

const started: ChildProcess[] = [];

/**
 * `npm run -s login -- <args>` in the project folder, in a shell's environment (none of this run's npm variables, and
 * `env` over it).
 */
const login = (args: string[], env: Record<string, string> = {}) => {
  const shell = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('npm_')));
  const child = spawn('npm', ['run', '-s', 'login', '--', ...args], {
    cwd: project,
    env: { ...shell, ...env },
    stdio: 'pipe',
  });
  started.push(child);
  const output = gatherOutput(child);
  const exited = once(child, 'exit').then(([code]) => ({ code: code as number, ...output }));
  /** Waits for the authorization URL on stderr. */
  const authorizationUrl = async () => {
    for (;;) {
      const url = /^(http:\/\/\S+\/auth\?\S+)$/m.exec(output.stderr)?.[1];
      if (url !== undefined) return new URL(url);
      if (child.exitCode !== null) throw new Error(`npm run login exited: ${output.stderr}`);
      await Promise.race([once(child.stderr, 'data'), exited]);
    }
  };
  return { authorizationUrl, exited, stderr: () => output.stderr };
};

/** Signs `user` in on the provider's pages, consents, and lands on the callback (or stops before it). */
const signIn = async (
  browser: FetchBrowser,
  url: URL,
  user: string,
  stopAtCallback?: string,
): Promise<Page> => {
  const stopAt =
    stopAtCallback === undefined ? undefined : (next: URL) => next.href.startsWith(stopAtCallback);
  const loginPage = await browser.visit(url);
  expect(loginPage.text).toContain('name="login"');
  const consentPage = await browser.submit(loginPage, { login: user, password: 'any password' });
  expect(consentPage.text).toContain('value="consent"');
  return browser.submit(consentPage, {}, stopAt === undefined ? {} : { stopAt });
};

beforeAll(async () => {
  const [port, otherPort] = [await freePort(), await freePort()];
  stageCallback = `http://localhost:${port}/callback`;
  otherCallback = `http://127.0.0.1:${otherPort}/signed-in`;
  provider = await startOidcProvider({ clientId: CLIENT_ID, redirectUris: [stageCallback, otherCallback] });
  project = mkdtempSync(join(tmpdir(), 'login-'));
  for (const linked of ['node_modules', 'scripts', 'lib', 'functions', 'tsconfig.json']) {
    symlinkSync(resolve(linked), join(project, linked));
  }
});

afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

afterAll(async () => {
  await provider.close();
  rmSync(project, { recursive: true, force: true });
});

describe('npm run login', () => {
  describe('signed in on the login page of the stage configured', () => {
    let result: { code: number; stdout: string; stderr: string };
    let landed: Page;

    beforeAll(async () => {
      writeProject(outputsOf(provider.issuer));
      writeFileSync(
        join(project, TOKENS_FILE),
        JSON.stringify({ [OTHER_STACK]: KEPT, [EXPIRED_STACK]: EXPIRED }),
        {
          mode: 0o644,
        },
      );
      const running = login([STAGE]);
      landed = await signIn(new FetchBrowser(), await running.authorizationUrl(), 'alice');
      result = await running.exited;
    }, 60_000);

    it('sends the browser to the issuer with PKCE, the API scopes and the stage callback URL', () => {
      expect(result.stderr).toContain(`Sign in to ${STACK} at:`);
      const url = new URL(/^(http:\/\/\S+\/auth\?\S+)$/m.exec(result.stderr)?.[1] ?? '');
      expect(url.origin).toBe(provider.issuer);
      expect(Object.fromEntries(url.searchParams)).toMatchObject({
        client_id: CLIENT_ID,
        response_type: 'code',
        redirect_uri: stageCallback,
        scope: 'openid chat-config/read chat-config/write',
        code_challenge_method: 'S256',
      });
      expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
      expect(url.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
      expect(landed).toMatchObject({ status: 200, url: expect.objectContaining({ pathname: '/callback' }) });
      expect(landed.text).toContain('Signed in');
    });

    it('prints the access token alone, which the JWKS verifies: the user, the scopes, the app client', async () => {
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
      const { payload } = await jwtVerify(result.stdout.trim(), createRemoteJWKSet(provider.jwksUri), {
        issuer: provider.issuer,
      });

      expect(payload).toMatchObject({ sub: 'alice', client_id: CLIENT_ID });
      expect(String(payload.scope).split(' ').sort()).toEqual(['chat-config/read', 'chat-config/write']);
    });

    it('keeps it with its expiry in a file only its owner may read, which git ignores, beside tokens still valid', async () => {
      const file = join(project, TOKENS_FILE);
      const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>;
      const token = result.stdout.trim();
      const { exp = 0 } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
        exp?: number;
      };

      expect(saved).toEqual({
        [OTHER_STACK]: KEPT,
        [STACK]: {
          accessToken: token,
          expiresAt: expect.any(String),
          scope: expect.stringContaining('chat-config/write'),
          issuer: provider.issuer,
          clientId: CLIENT_ID,
        },
      });
      // The expiry the token endpoint gave (expires_in), as a date: the token's own exp, give or take the exchange.
      expect(Math.abs(Date.parse(saved[STACK]?.expiresAt ?? '') / 1000 - exp)).toBeLessThan(60);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(result.stderr).toContain(`kept in ${TOKENS_FILE}`);
      await expect(run('git', ['check-ignore', '-q', TOKENS_FILE])).resolves.toBeDefined();
      // Nor the file it writes the tokens to before renaming it, should a run stop in between.
      await expect(run('git', ['check-ignore', '-q', `${TOKENS_FILE}.4242.tmp`])).resolves.toBeDefined();
    });
  });

  describe('run again', () => {
    type Saved = Record<string, string>;
    /** What the first run printed and saved. */
    let first: { stdout: string; saved: Saved };

    const savedToken = (): Saved =>
      (JSON.parse(readFileSync(join(project, TOKENS_FILE), 'utf8')) as Record<string, Saved>)[STACK] ?? {};
    const saveToken = (token: Saved) =>
      writeFileSync(join(project, TOKENS_FILE), JSON.stringify({ [STACK]: token }), { mode: 0o600 });
    /** How many authorization requests the provider has seen: one per sign-in. */
    const authorizations = () => provider.requests.filter((request) => request === 'GET /auth').length;
    const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

    /** `npm run login -- <args>`, signed in on the page whose URL it prints. */
    const signedIn = async (args: string[]) => {
      const running = login(args);
      await signIn(new FetchBrowser(), await running.authorizationUrl(), 'dave');
      return running.exited;
    };

    beforeAll(async () => {
      writeProject(outputsOf(provider.issuer));
      const { code, stdout } = await signedIn([STAGE]);
      expect(code).toBe(0);
      first = { stdout, saved: savedToken() };
    }, 60_000);

    it.each([
      ['as the first run saved it', (): Saved => ({})],
      ['valid 10 minutes more', () => ({ expiresAt: inMinutes(10) })],
    ])(
      'prints the saved token %s, without a sign-in: the provider sees no request',
      async (_, change) => {
        const token = { ...first.saved, ...change() };
        saveToken(token);
        const [authorized, seen] = [authorizations(), provider.requests.length];
        // A run that wrongly waited for a sign-in would give up and fail.
        const { code, stdout, stderr } = await login([STAGE, '--timeout', '5']).exited;

        expect({ code, stdout }).toEqual({ code: 0, stdout: first.stdout });
        expect(stderr).toContain(`Saved token of ${STACK}, valid until ${token.expiresAt}`);
        expect(stderr).not.toContain('Sign in to');
        expect(authorizations()).toBe(authorized);
        // Not even the discovery document: the run is instant, offline.
        expect(provider.requests.slice(seen)).toEqual([]);
      },
      60_000,
    );

    it.each([
      [
        'one expiring within 5 minutes',
        () => ({ expiresAt: inMinutes(4) }),
        [],
        expect.stringMatching(/^Signing in: the saved token expires at \S+, within 5 minutes\.$/),
      ],
      [
        'one expired',
        () => ({ expiresAt: EXPIRED.expiresAt }),
        [],
        `Signing in: the saved token expired at ${EXPIRED.expiresAt}.`,
      ],
      [
        'one of another issuer',
        () => ({ issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_OldPool' }),
        [],
        `Signing in: the saved token is of another issuer or app client than ${STACK}'s now.`,
      ],
      [
        'one of another app client',
        () => ({ clientId: 'an-old-app-client' }),
        [],
        `Signing in: the saved token is of another issuer or app client than ${STACK}'s now.`,
      ],
      [
        'one without a scope asked for',
        () => ({ scope: 'chat-config/read' }),
        [],
        'Signing in: the saved token lacks chat-config/write.',
      ],
      // Asked to, it signs in without a word about the saved token.
      ['a valid one, with --fresh', () => ({}), ['--fresh'], undefined],
    ])(
      'signs in again instead of printing %s',
      async (_, change, args, reason) => {
        saveToken({ ...first.saved, ...change() });
        const authorized = authorizations();
        const { code, stdout, stderr } = await signedIn([STAGE, ...args]);

        expect(code).toBe(0);
        expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
        expect(stdout).not.toBe(first.stdout);
        expect(/^Signing in: .*$/m.exec(stderr)?.[0]).toEqual(reason);
        expect(stderr).toContain('Signed in: an access token valid until');
        expect(authorizations()).toBe(authorized + 1);
        expect(savedToken()).toMatchObject({
          accessToken: stdout.trim(),
          issuer: provider.issuer,
          clientId: CLIENT_ID,
          scope: expect.stringContaining('chat-config/write'),
        });
      },
      60_000,
    );
  });

  it('refuses a callback without this login state, and still takes the one with it', async () => {
    writeProject(outputsOf(provider.issuer));
    const running = login([STAGE, '--callback', otherCallback, '--scope', 'chat-config/read']);
    const browser = new FetchBrowser();
    const redirect = await signIn(browser, await running.authorizationUrl(), 'bob', otherCallback);
    const callback = redirect.location ?? new URL('about:blank');
    expect(callback.searchParams.get('code')).toBeTruthy();

    const forged = new URL(callback);
    forged.searchParams.set('state', 'not-this-login');
    const stateless = new URL(callback);
    stateless.searchParams.delete('state');
    const refused = [await browser.visit(forged), await browser.visit(stateless)];
    expect(refused.map(({ status }) => status)).toEqual([400, 400]);
    expect(running.stderr()).toContain('Refused a callback: its state is not the one this login sent.');
    expect(running.stderr()).toContain('Refused a callback: it carries no state.');

    // The code was never sent to the token endpoint by the refused callbacks: it is still good, once.
    expect((await browser.visit(callback)).status).toBe(200);
    const { code, stdout } = await running.exited;
    expect(code).toBe(0);
    const { payload } = await jwtVerify(stdout.trim(), createRemoteJWKSet(provider.jwksUri));
    expect(payload).toMatchObject({ sub: 'bob', scope: 'chat-config/read' });
  }, 60_000);

  it('signs in to the stack --stack names, a deploy having named it with -c chat-config:stackName', async () => {
    const named = 'MyChatConfig';
    writeProject({ [named]: outputsOf(provider.issuer)[STACK] });
    const running = login([STAGE, '--stack', named]);
    await signIn(new FetchBrowser(), await running.authorizationUrl(), 'erin');
    const { code, stdout, stderr } = await running.exited;

    expect(code).toBe(0);
    expect(stderr).toContain(`Sign in to ${named} at:`);
    const saved = JSON.parse(readFileSync(join(project, TOKENS_FILE), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(saved)).toEqual([named]);
    expect(saved[named]).toMatchObject({ accessToken: stdout.trim(), clientId: CLIENT_ID });
  }, 60_000);

  it('opens the sign-in page with the desktop opener when asked to', async () => {
    // The desktop's opener (xdg-open, or open on macOS), played by a script that notes the URL it was given.
    const desktop = mkdtempSync(join(tmpdir(), 'desktop-'));
    const opened = join(desktop, 'opened-url');
    for (const opener of ['xdg-open', 'open']) {
      writeFileSync(join(desktop, opener), `#!/bin/sh\nprintf %s "$1" > '${opened}'\n`, { mode: 0o755 });
    }
    writeProject(outputsOf(provider.issuer));
    const running = login([STAGE, '--open'], { PATH: `${desktop}:${process.env.PATH}` });
    try {
      const printed = await running.authorizationUrl();
      while (!existsSync(opened)) await new Promise((resolve) => setTimeout(resolve, 20));

      expect(readFileSync(opened, 'utf8')).toBe(printed.href);
      await signIn(new FetchBrowser(), new URL(readFileSync(opened, 'utf8')), 'carol');
      expect((await running.exited).code).toBe(0);
    } finally {
      rmSync(desktop, { recursive: true, force: true });
    }
  }, 60_000);

  it('fails, saying so, when the user denies the sign-in', async () => {
    writeProject(outputsOf(provider.issuer));
    const running = login([STAGE]);
    const browser = new FetchBrowser();
    const loginPage = await browser.visit(await running.authorizationUrl());
    const abort = /href="([^"]*\/abort)"/.exec(loginPage.text)?.[1] ?? '';
    const landed = await browser.visit(new URL(abort, loginPage.url));

    expect(landed.status).toBe(400);
    const { code, stdout, stderr } = await running.exited;
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toMatch(
      /^npm run login failed: The sign-in failed: .*access_denied \(End-User aborted interaction\)$/m,
    );
  }, 60_000);

  it('gives up with a sentence when nobody signs in in time', async () => {
    writeProject(outputsOf(provider.issuer));
    const { code, stdout, stderr } = await login([STAGE, '--timeout', '1']).exited;

    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toContain('npm run login failed: Nobody signed in within 1 s: run npm run login again');
  }, 60_000);

  it.each([
    [
      'a stage cdk.json does not have',
      outputsOf('http://127.0.0.1:9'),
      ['prod'],
      'Unknown stage "prod": "chat-config:stages" has "qa"',
    ],
    [
      'no deploy yet',
      null,
      [STAGE],
      'No cdk-outputs.json: npm run deploy writes it when it deploys the stack',
    ],
    [
      'the last deploy of another stage',
      { 'ChatConfigApi-dev': {} },
      [STAGE],
      `cdk-outputs.json holds ChatConfigApi-dev, from the last deploy, not ${STACK}: deploy it`,
    ],
    [
      'a stack without the issuer output',
      { [STACK]: { ApiUrl: API_URL } },
      [STAGE],
      `${STACK} has no output TokenIssuer (it has ApiUrl): deploy it again with npm run deploy`,
    ],
    [
      'a stack of an issuer of its own',
      { [STACK]: { ApiUrl: API_URL, TokenIssuer: 'https://issuer.example/' } },
      [STAGE],
      `${STACK} takes the tokens of your own issuer (https://issuer.example/), not of a user pool of its own`,
    ],
    [
      'a plain http issuer off this machine',
      outputsOf('http://issuer.example'),
      [STAGE],
      'TokenIssuer must be an https URL (or http on localhost), not "http://issuer.example"',
    ],
    [
      'a stack --stack names that the last deploy did not deploy',
      outputsOf('http://127.0.0.1:9'),
      [STAGE, '--stack', 'MyChatConfig'],
      `cdk-outputs.json holds ${STACK}, from the last deploy, not MyChatConfig: deploy it`,
    ],
    [
      'a callback URL off this machine',
      outputsOf('http://127.0.0.1:9'),
      [STAGE, '--callback', 'http://example.com/callback'],
      '--callback must be an http URL on localhost without query or fragment, not "http://example.com/callback"',
    ],
  ])(
    'stops with a sentence on %s',
    async (_, outputs, args, sentence) => {
      writeProject(outputs);
      const { code, stdout, stderr } = await login(args).exited;

      expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
      expect(stderr).toContain(`npm run login failed: ${sentence}`);
    },
    60_000,
  );
});
