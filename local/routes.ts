import { CHAT_CONFIG_METHODS, CHAT_CONFIG_PATH, REQUIRED_SCOPE } from '../functions/chat-config/routes';
import type { Route } from './http-api';

/** The routes API Gateway sends to the chat-config function, each with the scope it requires. */
export const CHAT_CONFIG_ROUTES: readonly Route[] = CHAT_CONFIG_METHODS.map((method) => ({
  method,
  path: CHAT_CONFIG_PATH,
  scopes: [REQUIRED_SCOPE[method] as string],
}));

/** Where `npm start` serves them: loopback only, on `PORT` (this one unless set). */
export const LOCAL_API_HOST = '127.0.0.1';
export const LOCAL_API_DEFAULT_PORT = 3000;
