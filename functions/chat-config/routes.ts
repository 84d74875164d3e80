import { JSON_MEDIA_TYPE, MERGE_PATCH_MEDIA_TYPE, type RequestMediaTypes } from '../http/request-body';

/**
 * The route contract of the chat-config function, shared by the function itself, the CDK construct that wires
 * API Gateway to it, the local API and the OpenAPI document: all of them always agree on the path and the methods.
 */

/** The path API Gateway sends to the function, with its `{sessionId}` path parameter. */
export const CHAT_CONFIG_PATH = '/api/chat-sessions/{sessionId}/config';

/** The methods that write, each with the one media type its body must have. */
export const WRITE_MEDIA_TYPES: RequestMediaTypes = {
  POST: JSON_MEDIA_TYPE,
  PUT: JSON_MEDIA_TYPE,
  PATCH: MERGE_PATCH_MEDIA_TYPE,
};

/** The methods routed to the function on that path: a read, two full replaces and a merge patch. */
export const CHAT_CONFIG_METHODS: readonly string[] = ['GET', ...Object.keys(WRITE_MEDIA_TYPES)];

/** The OAuth resource server the scopes belong to (a Cognito resource server's identifier). */
export const RESOURCE_SERVER = 'chat-config';

/** The names of the resource server's scopes: reading configs, and changing them. */
export const SCOPE_NAMES = { read: 'read', write: 'write' } as const;

/** The OAuth scopes of this API, as tokens carry them (`<resource server>/<scope name>`). */
const CHAT_CONFIG_SCOPES = {
  read: `${RESOURCE_SERVER}/${SCOPE_NAMES.read}`,
  write: `${RESOURCE_SERVER}/${SCOPE_NAMES.write}`,
} as const;

/** Every scope of this API. */
export const ALL_SCOPES: readonly string[] = Object.values(CHAT_CONFIG_SCOPES);

/** The scope a token must carry for each method: a read needs `read`, every write `write`. */
export const REQUIRED_SCOPE: Readonly<Record<string, string>> = Object.fromEntries(
  CHAT_CONFIG_METHODS.map((method) => [
    method,
    method in WRITE_MEDIA_TYPES ? CHAT_CONFIG_SCOPES.write : CHAT_CONFIG_SCOPES.read,
  ]),
);
