/**
 * A typed client of the chat session config API, for browsers and Node.js 24: `createChatConfigClient` and what its
 * calls take, answer and throw. Only web APIs are used (fetch, Headers, crypto.randomUUID, AbortSignal, setTimeout).
 */
export { type ChatConfigClient, type ChatConfigClientOptions, createChatConfigClient } from './client.ts';
export { ChatConfigError, type ChatConfigErrorFields, type FieldViolation } from './errors.ts';
export type { Fetch, RetryOptions, TokenSource } from './transport.ts';
export type {
  CallOptions,
  ChatConfig,
  ChatConfigPatch,
  ChatConfigState,
  ChatConfigWritten,
  StoredConfig,
  UpdateOptions,
  WriteOptions,
} from './types.ts';
export type { ConfigChange } from './update.ts';
