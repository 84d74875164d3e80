import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { createChatConfigHandler } from '../../functions/chat-config/create-handler';
import type { SessionStore } from '../../functions/sessions/session-store';
import { createLocalHttpApi } from '../../local/http-api';
import { CHAT_CONFIG_ROUTES } from '../../local/routes';

/** A local API serving the handler on `store`, as `npm start` serves it, on a free port of 127.0.0.1. */
export const serveLocalApi = async (
  store: SessionStore,
  { requireIfMatch = false } = {},
): Promise<{ baseUrl: string; close: () => void }> => {
  const handler = createChatConfigHandler({
    store,
    logger: new Logger({ logLevel: 'SILENT' }),
    requireIfMatch,
  });
  const server = createLocalHttpApi({ routes: CHAT_CONFIG_ROUTES, handler }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => server.close(),
  };
};
