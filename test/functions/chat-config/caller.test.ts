import { describe, expect, it } from '@jest/globals';
import { createHttpApiEvent, createRestApiEvent, TEST_CALLER } from '../../helpers/events';
import { useSessionFixture } from '../../helpers/handler';

// The handler serves only a verified caller, whichever payload version carries the claims, and never anyone else.

const ITEM = { sessionId: 'session-1', ownerId: TEST_CALLER, config: { model: 'm' }, configVersion: 2 };
const { invoke, expectSessionUnchanged } = useSessionFixture(ITEM);

const JSON_BODY = { 'content-type': 'application/json' };
const requests = {
  GET: { method: 'GET', headers: {} },
  POST: { method: 'POST', body: { config: { model: 'x' } }, headers: JSON_BODY },
  PUT: { method: 'PUT', body: { config: { model: 'x' } }, headers: JSON_BODY },
  PATCH: {
    method: 'PATCH',
    body: { model: 'x' },
    headers: { 'content-type': 'application/merge-patch+json' },
  },
  // Not a method of the resource: without a caller, not even that is told.
  DELETE: { method: 'DELETE', headers: {} },
};

describe('a request without a verified caller', () => {
  it.each(Object.entries(requests))(
    '%s: 401 problem+json with WWW-Authenticate, nothing read or written',
    async (_, request) => {
      for (const event of [
        createHttpApiEvent({ ...request, caller: null }),
        createRestApiEvent({ ...request, caller: null }),
      ]) {
        const response = await invoke(event);

        expect(response.statusCode).toBe(401);
        expect(response.headers).toMatchObject({
          'content-type': 'application/problem+json',
          'www-authenticate': 'Bearer',
        });
        expect(response.body).toEqual({
          type: 'urn:chat-config:problem:unauthorized',
          title: 'Unauthorized',
          status: 401,
          detail: 'The request carries no verified caller: send a valid bearer token in Authorization',
          error: 'Failed to update chat configuration',
        });
      }
      await expectSessionUnchanged();
    },
  );

  it.each<[string, Record<string, unknown>]>([
    ['an empty sub', { sub: '' }],
    ['a blank sub', { sub: '  ' }],
    ['a sub that is not a string', { sub: 42 }],
    ['a sub of more than 256 characters', { sub: 'a'.repeat(257) }],
    ['claims without sub', { username: TEST_CALLER }],
  ])('401 for claims with %s', async (_, claims) => {
    const event = createHttpApiEvent({ ...requests.POST, caller: null });
    Object.assign(event.requestContext, { authorizer: { jwt: { claims, scopes: null } } });

    expect((await invoke(event)).statusCode).toBe(401);
    await expectSessionUnchanged();
  });
});

describe('a verified caller', () => {
  it.each([
    ['an HTTP API event (payload 2.0, authorizer.jwt.claims)', createHttpApiEvent({ method: 'GET' })],
    ['a REST API event (payload 1.0, authorizer.claims)', createRestApiEvent({ method: 'GET' })],
  ])('is read from %s', async (_, event) => {
    expect((await invoke(event)).statusCode).toBe(200);
  });

  it.each(Object.keys(requests).filter((method) => method !== 'DELETE'))(
    '%s of another user’s session: the 404 of a missing session, whichever payload version',
    async (method) => {
      const request = requests[method as keyof typeof requests];
      for (const eventOf of [createHttpApiEvent, createRestApiEvent]) {
        const theirs = await invoke(eventOf({ ...request, caller: 'mallory' }));
        const missing = await invoke(eventOf({ ...request, sessionId: 'missing' }));

        expect(theirs.statusCode).toBe(404);
        expect(theirs.rawBody).toBe(missing.rawBody);
        expect(theirs.headers).toEqual(missing.headers);
      }
      await expectSessionUnchanged();
    },
  );
});
