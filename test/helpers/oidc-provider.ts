import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { errors } from 'oidc-provider';
import { ALL_SCOPES } from '../../functions/chat-config/routes';

/** The resource server the API's scopes belong to, which every access token is for. */
const RESOURCE = 'https://chat-config.invalid/';

/** How long its access tokens live, as the stack's app client has them. */
export const ACCESS_TOKEN_TTL_SECONDS = 3600;

export interface TestOidcProvider {
  /** Its `iss`, an http URL on 127.0.0.1: what the stack's `TokenIssuer` output names. */
  readonly issuer: string;
  readonly jwksUri: URL;
  /** Every request it received, in order, as `<method> <path>`: `GET /auth` starts each authorization. */
  readonly requests: readonly string[];
  close(): Promise<void>;
}

/**
 * An OpenID provider on a loopback port, configured as the stack's user pool and app client are: a public client (no
 * secret) that must use PKCE, with exactly the given callback URLs; the API's scopes as a resource server's; JWT access
 * tokens carrying `scope`, `client_id` and `sub`. Its development login takes any user name and password, and asks
 * for consent.
 */
export const startOidcProvider = async ({
  clientId,
  redirectUris,
}: {
  clientId: string;
  redirectUris: readonly string[];
}): Promise<TestOidcProvider> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };

  // Its notices that development interactions are on are true and expected here: they stay off the run's console.
  const { warn, info } = console;
  const quiet =
    (print: (...args: unknown[]) => void) =>
    (...args: unknown[]) => {
      if (!String(args[0]).startsWith('oidc-provider ')) print(...args);
    };
  console.warn = quiet(warn);
  console.info = quiet(info);

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [...redirectUris],
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: ['test-cookie-key'] },
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, indicator: string) => {
          if (indicator !== RESOURCE) throw new errors.InvalidTarget();
          return {
            scope: ALL_SCOPES.join(' '),
            accessTokenFormat: 'jwt',
            accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
  });
  const requests: string[] = [];
  const handle = provider.callback();
  server.on('request', (request, response) => {
    requests.push(`${request.method} ${new URL(request.url ?? '/', issuer).pathname}`);
    handle(request, response);
  });

  return {
    issuer,
    jwksUri: new URL('/jwks', issuer),
    requests,
    close: async () => {
      console.warn = warn;
      console.info = info;
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
};
