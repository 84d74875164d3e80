import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { MAX_BODY_BYTES } from '../functions/chat-config/body-size';
import { ALL_SCOPES } from '../functions/chat-config/routes';
import { DEMO_SESSION } from './demo-session';
import { authorizerContextOf, type JwtAuthorizerContext, toChatConfigEvent } from './http-api-event';

// Fixed, so that regenerating the files changes nothing unless the factory or a request changed.
const RECEIVED_AT = new Date('2026-01-15T09:30:00Z');
const HOST = 'abc123defg.execute-api.us-east-1.amazonaws.com';
const ISSUED_AT = Math.floor(RECEIVED_AT.getTime() / 1000) - 300;

// The claims of a Cognito access token of a user with both scopes: sam local does not run JWT authorizers, so the
// events carry what the deployed API's authorizer would pass on.
const verifiedToken = (sub: string): JwtAuthorizerContext =>
  authorizerContextOf({
    sub,
    issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE',
    clientId: 'exampleappclientid0123456789',
    issuedAt: ISSUED_AT,
    scopes: ALL_SCOPES,
    jti: '5f3c1a7e-0000-4000-8000-000000000000',
  });

interface SampleRequest {
  readonly method?: string;
  readonly sessionId?: string;
  readonly contentType?: string;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** The user the authorizer verified; `null`: none (a route left without authorizer). @default the demo's owner */
  readonly caller?: string | null;
}

const sample = (
  name: string,
  {
    method = 'POST',
    sessionId = DEMO_SESSION.sessionId,
    contentType = 'application/json',
    body,
    headers = {},
    caller = DEMO_SESSION.ownerId,
  }: SampleRequest,
): APIGatewayProxyEventV2 =>
  toChatConfigEvent({
    method,
    sessionId,
    headers: {
      accept: '*/*',
      host: HOST,
      'user-agent': 'curl/8.5.0',
      ...(body === undefined
        ? {}
        : { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)) }),
      ...headers,
    },
    ...(body === undefined ? {} : { body }),
    sourceIp: '203.0.113.10',
    ...(caller === null ? {} : { authorizer: verifiedToken(caller) }),
    requestId: `sample-${name}`,
    receivedAt: RECEIVED_AT,
  });

const config = (value: Record<string, unknown>) => JSON.stringify({ config: value });

/**
 * Sample API Gateway HTTP API (payload 2.0) events, one per route and per status an event decides, by file name; the
 * status a file leads to starts its name. Each carries the claims of the demo session's owner, as the authorizer
 * would pass them on, but the 401 (none) and the 404 of another user's session. (A 500 or 503 depends on DynamoDB, not on the event. The 412 sample's
 * `If-Match` names no version a session can have, so that it is a 412 whatever the demo session's version.)
 */
export const SAMPLE_EVENTS: Readonly<Record<string, APIGatewayProxyEventV2>> = {
  '200-config-patched.json': sample('200-config-patched', {
    method: 'PATCH',
    contentType: 'application/merge-patch+json',
    body: JSON.stringify({ temperature: 0.3, stop: null }),
  }),
  '200-config-read.json': sample('200-config-read', { method: 'GET' }),
  '200-config-replaced.json': sample('200-config-replaced', {
    body: config({
      model: 'gpt-4',
      temperature: 0.7,
      max_tokens: 2000,
      system_prompt: 'You are a helpful assistant',
    }),
  }),
  '200-config-replaced-by-put.json': sample('200-config-replaced-by-put', {
    method: 'PUT',
    body: config({ model: 'gpt-4o-mini', temperature: 0.2, stop: ['\n\nUser:'] }),
  }),
  '304-not-modified.json': sample('304-not-modified', { method: 'GET', headers: { 'if-none-match': '*' } }),
  '401-no-verified-caller.json': sample('401-no-verified-caller', { method: 'GET', caller: null }),
  '400-malformed-json.json': sample('400-malformed-json', { body: '{"config": {"model": "gpt-4",}' }),
  '404-session-not-found.json': sample('404-session-not-found', {
    sessionId: 'no-such-session',
    body: config({ temperature: 0.5 }),
  }),
  '404-session-of-another-user.json': sample('404-session-of-another-user', {
    caller: 'another-user',
    body: config({ system_prompt: 'Not yours to change' }),
  }),
  '405-method-not-allowed.json': sample('405-method-not-allowed', { method: 'DELETE' }),
  '412-version-mismatch.json': sample('412-version-mismatch', {
    method: 'PUT',
    body: config({ model: 'gpt-4o' }),
    headers: { 'if-match': '"stale"' },
  }),
  '413-payload-too-large.json': sample('413-payload-too-large', {
    body: config({ system_prompt: 'x'.repeat(MAX_BODY_BYTES) }),
  }),
  '415-unsupported-media-type.json': sample('415-unsupported-media-type', {
    contentType: 'text/plain',
    body: config({ temperature: 0.5 }),
  }),
  '422-validation-failed.json': sample('422-validation-failed', {
    body: config({ temperature: 3, max_tokens: 0, colour: 'blue' }),
  }),
};

/** The text of a sample event file. */
export const sampleEventFile = (event: APIGatewayProxyEventV2): string =>
  `${JSON.stringify(event, null, 2)}\n`;
