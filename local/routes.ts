import type { Route } from './http-api';

/** The routes API Gateway sends to the chat-config function. */
export const CHAT_CONFIG_ROUTES: readonly Route[] = [
  { method: 'POST', path: '/api/chat-sessions/{sessionId}/config' },
  { method: 'PUT', path: '/api/chat-sessions/{sessionId}/config' },
];
