import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { UnsecuredJWT } from 'jose';
import {
  createLocalIssuer,
  generateSigningKey,
  LOCAL_AUDIENCE,
  type TokenRequest,
} from '../../local/local-issuer';
import { createTestTable, type TestTable } from '../helpers/dynamodb';
import { serveLocalApi } from '../helpers/local-api';
import { bearer, testIssuer } from '../helpers/tokens';

// Authentication and per-session authorization end to end: real HTTP to the local API, whose authorizer checks tokens
// as API Gateway's JWT authorizer does, then the handler on DynamoDB Local, which finds a session only for its owner.

let table: TestTable;
let api: { baseUrl: string; close: () => void };
let openApi: { baseUrl: string; close: () => void };

// Alice's session, with everything a session may hold besides its config.
const ALICES = {
  sessionId: 'alices',
  ownerId: 'alice',
  title: 'Alice only',
  messages: [{ role: 'user', content: 'private' }],
  config: { model: 'gpt-4', system_prompt: 'alice secret' },
  configVersion: 3,
  updatedAt: '2026-11-26T10:00:00.000Z',
};

beforeAll(async () => {
  table = await createTestTable();
  api = await serveLocalApi(table.store);
  // A route left without its authorizer: requests reach the function with no claims.
  openApi = await serveLocalApi(table.store, { authorizer: false });
});
afterAll(async () => {
  api.close();
  openApi.close();
  await table.drop();
});
beforeEach(async () => table.put(ALICES));

const WRITES: Record<string, { contentType: string; body: string }> = {
  POST: { contentType: 'application/json', body: '{"config": {"system_prompt": "mallory was here"}}' },
  PUT: { contentType: 'application/json', body: '{"config": {"system_prompt": "mallory was here"}}' },
  PATCH: { contentType: 'application/merge-patch+json', body: '{"system_prompt": "mallory was here"}' },
};

const request = async (
  method: string,
  {
    sessionId = 'alices',
    authorization,
    headers = {},
    base = api.baseUrl,
  }: {
    sessionId?: string;
    authorization?: string;
    headers?: Record<string, string>;
    base?: string;
  } = {},
) => {
  const write = WRITES[method];
  const response = await fetch(`${base}/api/chat-sessions/${sessionId}/config`, {
    method,
    headers: {
      ...(authorization === undefined ? {} : { authorization }),
      ...(write ? { 'content-type': write.contentType } : {}),
      ...headers,
    },
    body: write?.body,
  });
  return {
    status: response.status,
    headers: Object.fromEntries(
      [...response.headers].filter(([name]) => !['date', 'apigw-requestid'].includes(name)),
    ),
    body: await response.text(),
  };
};

const METHODS = ['GET', 'POST', 'PUT', 'PATCH'];

describe('the owner', () => {
  it.each(METHODS)('%s: 200 with a valid token of the session’s owner', async (method) => {
    const response = await request(method, { authorization: await bearer('alice') });

    expect(response.status).toBe(200);
  });

  it('takes the token with or without "Bearer " (as API Gateway does)', async () => {
    const raw = (await bearer('alice')).replace(/^Bearer /, '');

    expect((await request('GET', { authorization: raw })).status).toBe(200);
  });
});

describe('another user', () => {
  it.each(METHODS)(
    '%s on Alice’s session: the very 404 of a missing session, and Alice’s item byte for byte unchanged',
    async (method) => {
      const before = await table.getRaw('alices');
      const mallory = await bearer('mallory');

      const theirs = await request(method, { authorization: mallory });
      const missing = await request(method, { authorization: mallory, sessionId: 'no-such-session' });

      expect(theirs.status).toBe(404);
      expect(theirs).toEqual(missing);
      expect(await table.getRaw('alices')).toBe(before);
    },
  );

  it.each<[string, Record<string, string>]>([
    ['If-Match with Alice’s version', { 'if-match': '"3"' }],
    ['If-Match: *', { 'if-match': '*' }],
    ['If-Match with version 0', { 'if-match': '"0"' }],
    ['If-Match with another version', { 'if-match': '"2"' }],
    ['If-None-Match with Alice’s version', { 'if-none-match': '"3"' }],
    ['If-None-Match: *', { 'if-none-match': '*' }],
  ])(
    'learns nothing from %s: the very 404 of a missing session (no 412, 304 or ETag)',
    async (_, headers) => {
      const before = await table.getRaw('alices');
      const mallory = await bearer('mallory');

      for (const method of 'if-match' in headers ? METHODS : ['GET']) {
        const theirs = await request(method, { authorization: mallory, headers });
        const missing = await request(method, {
          authorization: mallory,
          headers,
          sessionId: 'no-such-session',
        });
        expect(theirs.status).toBe(404);
        expect(theirs).toEqual(missing);
      }
      expect(await table.getRaw('alices')).toBe(before);
    },
  );

  it('finds no session without an owner (nobody owns it)', async () => {
    await table.put({ sessionId: 'orphan', config: { model: 'm' } });

    expect((await request('GET', { sessionId: 'orphan', authorization: await bearer('alice') })).status).toBe(
      404,
    );
  });
});

describe('tokens API Gateway refuses (401, the function is not invoked)', () => {
  const alice = (request: Omit<TokenRequest, 'sub'>) => bearer('alice', request);
  // Another key, and one that claims to be the issuer's own (its key id), to sign impostor tokens with.
  const otherKey = async () => createLocalIssuer(await generateSigningKey());
  const sameKidKey = async () => {
    const [published] = (await testIssuer()).keys.keys;
    return createLocalIssuer({ ...(await generateSigningKey()), kid: published?.kid });
  };

  // Each case: the Authorization header, and what the www-authenticate header must say.
  const cases: [string, () => Promise<string | undefined>, RegExp][] = [
    ['no Authorization header', async () => undefined, /^Bearer$/],
    ['an empty Authorization header', async () => '', /^Bearer$/],
    ['"Bearer" and no token', async () => 'Bearer ', /^Bearer$/],
    ['a token that is not a JWT', async () => 'Bearer not-a-jwt', /"the token is not a valid JWT"/],
    ['an expired token', () => alice({ expiresIn: -60 }), /"the token has expired"/],
    [
      'a token not valid yet (nbf)',
      () => alice({ claims: { nbf: Math.floor(Date.now() / 1000) + 600 } }),
      /"the token is not valid yet"/,
    ],
    [
      'a token issued in the future (iat)',
      () => alice({ claims: { iat: Math.floor(Date.now() / 1000) + 600 } }),
      /"the token was issued in the future"/,
    ],
    ['a token without exp', () => alice({ claims: { exp: undefined } }), /"the token has no exp"/],
    [
      'a token of another issuer',
      () => alice({ claims: { iss: 'https://evil.example.com' } }),
      /"the token does not have a valid issuer"/,
    ],
    [
      'a token for another app client (client_id)',
      () => alice({ claims: { client_id: 'other-app' } }),
      /"the token does not have a valid audience"/,
    ],
    [
      'a token whose aud is another API, though its client_id is ours',
      () => alice({ claims: { aud: 'other-api', client_id: LOCAL_AUDIENCE } }),
      /"the token does not have a valid audience"/,
    ],
    [
      'a token signed by another key under the issuer’s key id (bad signature)',
      async () => `Bearer ${await (await sameKidKey()).sign({ sub: 'alice' })}`,
      /"the token signature is invalid"/,
    ],
    [
      'a token signed by a key the issuer does not publish',
      async () => `Bearer ${await (await otherKey()).sign({ sub: 'alice' })}`,
      /"the token was not signed by a key of the issuer"/,
    ],
    [
      'a token with its signature cut off',
      async () => (await alice({})).replace(/\.[^.]+$/, '.'),
      /"the token signature is invalid"/,
    ],
    [
      'an unsigned token (alg none)',
      async () =>
        `Bearer ${new UnsecuredJWT({ sub: 'alice', client_id: LOCAL_AUDIENCE })
          .setIssuer((await testIssuer()).issuer)
          .setExpirationTime('1h')
          .encode()}`,
      /"the token has no kid"/,
    ],
    [
      'an unsigned token (alg none) naming the issuer’s key id',
      async () => {
        const [published] = (await testIssuer()).keys.keys;
        const header = Buffer.from(JSON.stringify({ alg: 'none', kid: published?.kid })).toString(
          'base64url',
        );
        const [, payload] = (await alice({})).split(' ')[1]?.split('.') ?? [];
        return `Bearer ${header}.${payload}.`;
      },
      /"the token is not signed with an RSA algorithm"/,
    ],
  ];

  it.each(cases)('%s', async (_, authorizationOf, reason) => {
    const before = await table.getRaw('alices');
    const authorization = await authorizationOf();

    for (const method of METHODS) {
      const response = await request(method, authorization === undefined ? {} : { authorization });
      expect(response.status).toBe(401);
      expect(JSON.parse(response.body)).toEqual({ message: 'Unauthorized' });
      expect(response.headers['www-authenticate']).toMatch(reason);
    }
    expect(await table.getRaw('alices')).toBe(before);
  });

  it('accepts a token whose aud names this API, whatever its client_id', async () => {
    const authorization = await alice({
      claims: { aud: [LOCAL_AUDIENCE, 'other-api'], client_id: 'other-app' },
    });

    expect((await request('GET', { authorization })).status).toBe(200);
  });
});

describe('scopes (403 from the authorizer)', () => {
  it.each<[string, string, number]>([
    ['GET', 'chat-config/read', 200],
    ['GET', 'chat-config/write', 403],
    ['POST', 'chat-config/read', 403],
    ['PUT', 'chat-config/read', 403],
    ['PATCH', 'chat-config/read', 403],
    ['POST', 'chat-config/write', 200],
    ['PUT', 'chat-config/write', 200],
    ['PATCH', 'chat-config/write', 200],
    ['GET', 'openid profile', 403],
    ['PATCH', '', 403],
  ])('%s with scope "%s": %i', async (method, scope, status) => {
    const before = await table.getRaw('alices');

    const response = await request(method, {
      authorization: await bearer('alice', { scopes: scope.split(' ').filter(Boolean) }),
    });

    expect(response.status).toBe(status);
    if (status === 403) {
      expect(JSON.parse(response.body)).toEqual({ message: 'Forbidden' });
      expect(response.headers['www-authenticate']).toMatch(/error="insufficient_scope"/);
      expect(await table.getRaw('alices')).toBe(before);
    }
  });
});

describe('a route left without its authorizer', () => {
  it.each(METHODS)(
    '%s reaching the function without claims is refused with 401 and changes nothing',
    async (method) => {
      const before = await table.getRaw('alices');

      const response = await request(method, { base: openApi.baseUrl, authorization: await bearer('alice') });

      expect(response.status).toBe(401);
      expect(response.headers['content-type']).toBe('application/problem+json');
      expect(response.headers['www-authenticate']).toBe('Bearer');
      expect(JSON.parse(response.body)).toMatchObject({
        status: 401,
        type: 'urn:chat-config:problem:unauthorized',
      });
      expect(await table.getRaw('alices')).toBe(before);
    },
  );
});
