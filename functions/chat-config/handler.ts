import { chatConfigHandler } from './function';

export { ownerAttribute } from './function';

/**
 * Lambda entry point for `GET`/`POST`/`PUT`/`PATCH /api/chat-sessions/{sessionId}/config`, as the stack deploys it by
 * default: no X-Ray SDK in the bundle. Lambda's active tracing still records each invocation; the durations of its
 * DynamoDB calls are in its metrics (see docs/architecture.md, Observability).
 */
export const handler = chatConfigHandler();
