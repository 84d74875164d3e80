/**
 * The route contract of the chat-config function, shared by the function itself, the CDK construct that wires
 * API Gateway to it and the local API: all three always agree on the path and the methods.
 */

/** The path API Gateway sends to the function, with its `{sessionId}` path parameter. */
export const CHAT_CONFIG_PATH = '/api/chat-sessions/{sessionId}/config';

/** The methods routed to the function on that path: both replace the whole config. */
export const CHAT_CONFIG_METHODS: readonly string[] = ['POST', 'PUT'];
