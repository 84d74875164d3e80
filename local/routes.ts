import { CHAT_CONFIG_METHODS, CHAT_CONFIG_PATH } from '../functions/chat-config/routes';
import type { Route } from './http-api';

/** The routes API Gateway sends to the chat-config function. */
export const CHAT_CONFIG_ROUTES: readonly Route[] = CHAT_CONFIG_METHODS.map((method) => ({
  method,
  path: CHAT_CONFIG_PATH,
}));
