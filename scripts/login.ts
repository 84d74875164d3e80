/**
 * `npm run -s login -- [<stage>]`: signs a user of the deployed stack's user pool in, by the authorization code flow
 * with PKCE through the app client, and prints the access token on a line of its own (`export TOKEN=$(…)`). The
 * browser comes back to a server this command runs on the loopback callback URL the app client allows; the token is
 * also kept, with its expiry, in a file only its owner may read. Run again, it prints that token without a sign-in
 * while it is still the stack's and lives long enough to use, so that `export TOKEN=$(…)` is instant then.
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import * as oidc from 'openid-client';
import { ALL_SCOPES } from '../functions/chat-config/routes';
import { isLoopbackHost, listenForCallback } from './loopback-callback';
import { OUTPUTS_FILE, readStackOutputs } from './outputs-file';
import { reusableToken, saveToken, TOKENS_FILE } from './saved-tokens';
import { stageSettings } from './stage-settings';

/** How long the callback waits for a sign-in unless told otherwise. */
const DEFAULT_TIMEOUT_SECONDS = 300;

/** How long a saved token must still be valid to be printed again: time for the commands it is fetched for. */
const REUSE_MARGIN_MINUTES = 5;

const USAGE = `Usage: npm run -s login -- [<stage>] [--stack <name>] [--callback <url>] [--scope "<scope> <scope>"] [--timeout <seconds>] [--open] [--fresh]
  <stage>     the stage deployed with npm run deploy -- -c stage=<stage> (default: the stack deployed without one)
  --stack     the stack to sign in to, by its name in ${OUTPUTS_FILE} (default: the stage's), for a deploy that
              named it with -c chat-config:stackName=<name>
  --callback  where to receive the code: an http URL on localhost that the app client allows (default: the first
              such URL of chat-config:oauthCallbackUrls, http://localhost:8080/callback unless set)
  --scope     scopes separated by spaces (default: "${ALL_SCOPES.join(' ')}")
  --timeout   how long to wait for the sign-in, in seconds (default: ${DEFAULT_TIMEOUT_SECONDS})
  --open      open the sign-in page in the browser as well as printing its URL
  --fresh     sign in even if a saved token could be printed
Prints the access token alone on stdout; keeps it, with its expiry, in ${TOKENS_FILE} (yours only, ignored by git).
Run again, prints the saved token without signing in while it is valid ${REUSE_MARGIN_MINUTES} minutes more at least, of the
stack's issuer and app client now, and with the scopes asked for.`;

/** A mistake in the command line: its sentence, then the usage. */
class UsageError extends Error {}

/** An http URL on this machine, or an https one: what a browser or this command may be sent to. */
const isSafeUrl = (url: URL): boolean =>
  url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));

/** An http URL on this machine, without query or fragment: a callback this command can listen at, to the character. */
const isLoopbackCallback = (url: URL | null): url is URL =>
  url !== null &&
  url.protocol === 'http:' &&
  isLoopbackHost(url.hostname) &&
  url.search === '' &&
  url.hash === '';

/** The callback to listen on: the one asked for, or the first the app client allows that this machine can serve. */
const callbackUrl = (asked: string | undefined, allowed: readonly string[]): URL => {
  if (asked !== undefined) {
    const url = URL.parse(asked);
    if (!isLoopbackCallback(url) || asked.includes('#')) {
      throw new UsageError(
        `--callback must be an http URL on localhost without query or fragment, not "${asked}"`,
      );
    }
    return url;
  }
  const url = allowed.map((allowedUrl) => URL.parse(allowedUrl)).find(isLoopbackCallback);
  if (url === undefined) {
    throw new Error(
      `None of the app client's callback URLs (${allowed.join(', ')}) is an http URL on localhost: add one to chat-config:oauthCallbackUrls and deploy, then name it with --callback`,
    );
  }
  return url;
};

/** The output `name` of the stack, or an error naming the ones it has. */
const outputOf = (stack: string, outputs: Record<string, string>, name: string): string => {
  const value = outputs[name];
  if (value === undefined || value === '') {
    throw new Error(
      `${stack} has no output ${name} (it has ${Object.keys(outputs).join(', ') || 'none'}): deploy it again with npm run deploy`,
    );
  }
  return value;
};

/** The issuer's configuration, read from its discovery document; plain http only for an issuer on this machine. */
const discover = async (issuer: string, clientId: string): Promise<oidc.Configuration> => {
  const url = URL.parse(issuer);
  if (url === null || !isSafeUrl(url)) {
    throw new Error(`TokenIssuer must be an https URL (or http on localhost), not "${issuer}"`);
  }
  let config: oidc.Configuration;
  try {
    config = await oidc.discovery(url, clientId, undefined, oidc.None(), {
      ...(url.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {}),
    });
  } catch (error) {
    throw new Error(`Cannot read the discovery document of ${issuer}: ${describe(error)}`);
  }
  const { authorization_endpoint, token_endpoint } = config.serverMetadata();
  for (const endpoint of [authorization_endpoint, token_endpoint]) {
    const endpointUrl = URL.parse(endpoint ?? '');
    if (endpointUrl === null || !isSafeUrl(endpointUrl)) {
      throw new Error(`${issuer} names an endpoint that is not https: "${endpoint}"`);
    }
  }
  return config;
};

/** An error's sentence, with the OAuth error code and description an authorization server answered, if any. */
const describe = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const { error: code, error_description: description } = error as {
    error?: unknown;
    error_description?: unknown;
  };
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  if (typeof code !== 'string') return `${error.message}${cause}`;
  return `${error.message}: ${code}${typeof description === 'string' ? ` (${description})` : ''}`;
};

/** Opens `url` in the desktop's browser, if it has one; the URL is printed anyway. */
const openBrowser = (url: string) => {
  const [command, args]: [string, string[]] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () => console.error(`Could not run ${command}: open the URL above yourself.`));
  child.unref();
};

const main = async () => {
  let parsed: ReturnType<typeof parseArguments>;
  try {
    parsed = parseArguments();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (positionals.length > 1) throw new UsageError(`One stage at most, not ${positionals.join(', ')}`);
  const timeout = Number(values.timeout);
  if (!Number.isInteger(timeout) || timeout < 1) {
    throw new UsageError(`--timeout must be a whole number of seconds, not "${values.timeout}"`);
  }
  const scopes = values.scope.split(/\s+/).filter(Boolean);
  if (scopes.length === 0) throw new UsageError('--scope must name at least one scope');

  if (values.stack === '') throw new UsageError('--stack must name a stack');
  const settings = stageSettings(positionals[0]);
  const { stack, outputs } = readStackOutputs(values.stack ?? settings.stackName);
  const issuer = outputOf(stack, outputs, 'TokenIssuer');
  if (outputs.AppClientId === undefined) {
    throw new Error(
      `${stack} takes the tokens of your own issuer (${issuer}), not of a user pool of its own: get one from that issuer`,
    );
  }
  const clientId = outputOf(stack, outputs, 'AppClientId');
  const redirectUrl = callbackUrl(values.callback, settings.callbackUrls);
  if (!values.fresh) {
    const saved = reusableToken(stack, {
      issuer,
      clientId,
      scopes,
      marginMs: REUSE_MARGIN_MINUTES * 60_000,
    });
    if ('token' in saved) {
      console.error(
        `Saved token of ${stack}, valid until ${saved.token.expiresAt}, from ${TOKENS_FILE} (--fresh signs in again).`,
      );
      console.log(saved.token.accessToken);
      return;
    }
    console.error(`Signing in: ${saved.refused}.`);
  }
  const config = await discover(issuer, clientId);

  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const callback = await listenForCallback({
    url: redirectUrl,
    state,
    onRefused: (reason) => console.error(`Refused a callback: ${reason}.`),
  });
  const authorizationUrl = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUrl.href,
    scope: ['openid', ...scopes].join(' '),
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
  });
  console.error(`Sign in to ${stack} at:\n\n${authorizationUrl.href}\n`);
  console.error(`Waiting for the browser at ${redirectUrl.href} (${timeout} s at most; Ctrl-C stops)…`);
  if (values.open) openBrowser(authorizationUrl.href);

  const tokens = await callback.receive(timeout * 1000, async (currentUrl) => {
    try {
      // The redirect_uri it sends is the current URL without its query: the callback URL, to the character.
      return await oidc.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: codeVerifier,
        expectedState: state,
      });
    } catch (error) {
      throw new Error(`The sign-in failed: ${describe(error)}`);
    }
  });
  const expiresIn = tokens.expiresIn();
  if (expiresIn === undefined) throw new Error('The token endpoint answered no expires_in');
  const expiresAt = new Date(Date.now() + expiresIn * 1000).toISOString();
  saveToken(stack, {
    accessToken: tokens.access_token,
    expiresAt,
    // A token endpoint may leave out the scopes when it granted those asked for (RFC 6749, section 5.1).
    scope: tokens.scope ?? scopes.join(' '),
    issuer,
    clientId,
  });
  console.error(`Signed in: an access token valid until ${expiresAt}, kept in ${TOKENS_FILE}.`);
  console.log(tokens.access_token);
};

const parseArguments = () =>
  parseArgs({
    options: {
      stack: { type: 'string' },
      callback: { type: 'string' },
      scope: { type: 'string', default: ALL_SCOPES.join(' ') },
      timeout: { type: 'string', default: String(DEFAULT_TIMEOUT_SECONDS) },
      open: { type: 'boolean', default: false },
      fresh: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
    strict: true,
  });

main().catch((error: unknown) => {
  const usage = error instanceof UsageError ? `\n\n${USAGE}` : '';
  console.error(`npm run login failed: ${error instanceof Error ? error.message : String(error)}${usage}`);
  process.exit(1);
});
