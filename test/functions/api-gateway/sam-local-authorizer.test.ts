import { describe, expect, it, jest } from '@jest/globals';
import {
  createSamLocalAuthorizer,
  parseSamLocalAuthorizerSetting,
} from '../../../functions/api-gateway/sam-local-authorizer';
import { samStartApiEvent } from '../../helpers/sam-start-api-event';
import { testIssuer } from '../../helpers/tokens';

const NAME = 'SAM_LOCAL_JWT_AUTHORIZER';

const settingOf = async () => {
  const issuer = await testIssuer();
  return { issuer: issuer.issuer, audience: [issuer.audience], keys: issuer.keys };
};

describe('parseSamLocalAuthorizerSetting', () => {
  it('reads the issuer, the audiences and the key set env.json gives', async () => {
    const setting = await settingOf();

    expect(parseSamLocalAuthorizerSetting(JSON.stringify(setting), NAME)).toEqual(setting);
  });

  it.each([
    ['unset', undefined, 'is not set'],
    ['empty, as the template declares it', '', 'is not set'],
    ['not JSON', '{issuer:', 'is not JSON'],
    ['without issuer', { audience: ['a'], keys: { keys: [] } }, 'is wrong: its issuer is not a URL'],
    [
      'without audience',
      { issuer: 'https://i.invalid', audience: [], keys: { keys: [] } },
      'is wrong: its audience',
    ],
    [
      'with a key set of no key',
      { issuer: 'https://i.invalid', audience: ['a'], keys: { keys: [] } },
      'is wrong: its keys',
    ],
    [
      'with a key without kid',
      { issuer: 'https://i.invalid', audience: ['a'], keys: { keys: [{ kty: 'RSA', n: 'x', e: 'AQAB' }] } },
      'is wrong: its keys',
    ],
  ])('refuses a setting %s, naming the variable and what sets it', (_, value, why) => {
    const json = typeof value === 'object' ? JSON.stringify(value) : value;

    expect(() => parseSamLocalAuthorizerSetting(json, NAME)).toThrow(
      new RegExp(`^Environment variable ${NAME} ${why}.*npm run synth writes it into env\\.json`),
    );
  });
});

describe('createSamLocalAuthorizer', () => {
  it("reads the token from Authorization in any case, and passes on its claims as API Gateway's authorizer does", async () => {
    // GIVEN
    const authorize = createSamLocalAuthorizer(await settingOf());
    const token = await (await testIssuer()).sign({ sub: 'alice', scopes: ['chat-config/read'] });

    // WHEN
    const decisions = await Promise.all(
      ['Authorization', 'authorization', 'AUTHORIZATION'].map((name) =>
        authorize(
          samStartApiEvent({
            method: 'GET',
            sessionId: 's',
            headers: { [name]: `Bearer ${token}` },
          }) as never,
          ['chat-config/read'],
        ),
      ),
    );

    // THEN
    for (const decision of decisions) {
      expect(decision).toMatchObject({
        event: {
          requestContext: {
            authorizer: {
              jwt: { claims: { sub: 'alice', scope: 'chat-config/read' }, scopes: ['chat-config/read'] },
            },
          },
        },
      });
    }
  });

  it('answers a refusal as API Gateway does, and prints why on a line without the token', async () => {
    // GIVEN
    const authorize = createSamLocalAuthorizer(await settingOf());
    const token = await (await testIssuer()).sign({ sub: 'alice', scopes: ['chat-config/read'] });
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      // WHEN
      const decision = await authorize(
        samStartApiEvent({
          method: 'PUT',
          sessionId: 's',
          headers: { Authorization: `Bearer ${token}` },
        }) as never,
        ['chat-config/write'],
      );

      // THEN
      expect(decision).toEqual({
        response: {
          statusCode: 403,
          headers: {
            'content-type': 'application/json',
            'www-authenticate': expect.stringContaining('error="insufficient_scope"'),
          },
          body: '{"message":"Forbidden"}',
        },
      });
      expect(log).toHaveBeenCalledTimes(1);
      const line = String(log.mock.calls[0]?.[0]);
      expect(JSON.parse(line)).toMatchObject({
        statusCode: 403,
        authorizerError: expect.stringMatching(/^Forbidden/),
      });
      expect(line).not.toContain(token);
    } finally {
      log.mockRestore();
    }
  });
});
