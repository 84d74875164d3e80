import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { JwtAuthorizer } from '../../functions/api-gateway/jwt-authorizer';
import type { SessionStore } from '../../functions/sessions/session-store';
import type { CorsPolicy } from '../../lib/cors-policy';
import { createLocalHttpApi } from '../../local/http-api';
import { CHAT_CONFIG_ROUTES } from '../../local/routes';
import { type TestHandlerOptions, testChatConfigHandler } from './handler';
import { testIssuer } from './tokens';

/** The local authorizer, trusting this test file's issuer (see `bearer`). */
export const testAuthorizer = async (): Promise<JwtAuthorizer> => (await testIssuer()).authorizer();

/**
 * A local API serving the handler on `store`, as `npm start` serves it, on a free port of 127.0.0.1: every route
 * checks tokens of the test issuer (see `bearer`), unless `authorizer` is false (a misconfigured route), and `cors`
 * is its CORS configuration, if any. The handler logs nothing unless given a `log`.
 */
export const serveLocalApi = async (
  store: SessionStore,
  {
    authorizer = true,
    cors,
    ...options
  }: TestHandlerOptions & { authorizer?: boolean; cors?: CorsPolicy } = {},
): Promise<{ baseUrl: string; close: () => void }> => {
  const handler = testChatConfigHandler(store, options);
  const server = createLocalHttpApi({
    routes: CHAT_CONFIG_ROUTES,
    handler,
    ...(authorizer ? { authorizer: await testAuthorizer() } : {}),
    ...(cors ? { cors } : {}),
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => server.close(),
  };
};
