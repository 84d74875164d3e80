import { afterAll, describe, expect, it } from '@jest/globals';
import { Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { REQUIRED_SCOPE } from '../../functions/chat-config/routes';
import { SCOPE_DESCRIPTIONS } from '../../functions/chat-config/scope-descriptions';
import { ChatConfigApi, type ChatConfigApiProps } from '../../lib/chat-config-api';
import { createTestApp, removeTestAssemblies, templateOf } from '../helpers/cdk';

afterAll(removeTestAssemblies);

const synth = (
  props: ChatConfigApiProps = {},
): { template: Template; stack: Stack; construct: ChatConfigApi } => {
  const stack = new Stack(createTestApp(), 'Test');
  const construct = new ChatConfigApi(stack, 'ChatConfig', props);
  return { template: templateOf(stack), stack, construct };
};

const idOf = (template: Template, type: string): string => {
  const ids = Object.keys(template.findResources(type));
  expect(ids).toHaveLength(1);
  return ids[0] as string;
};

const routesOf = (template: Template) =>
  Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route) => route.Properties);

const defaults = synth();

describe('ChatConfigApi authorization, on every route', () => {
  it.each([
    ['the default user pool', defaults.template],
    [
      'an issuer the operator runs',
      synth({ auth: { jwtIssuer: 'https://login.example.com/', jwtAudience: ['chat-config-api'] } }).template,
    ],
  ])('has the JWT authorizer and the scope of its method, with %s', (_, template) => {
    const authorizerId = idOf(template, 'AWS::ApiGatewayV2::Authorizer');
    const routes = routesOf(template);

    expect(routes).toHaveLength(4);
    for (const route of routes) {
      const method = String(route.RouteKey).split(' ')[0] as string;
      expect(route).toMatchObject({
        AuthorizationType: 'JWT',
        AuthorizerId: { Ref: authorizerId },
        AuthorizationScopes: [REQUIRED_SCOPE[method]],
      });
    }
    expect(Object.fromEntries(routes.map((route) => [route.RouteKey, route.AuthorizationScopes]))).toEqual({
      'GET /api/chat-sessions/{sessionId}/config': ['chat-config/read'],
      'POST /api/chat-sessions/{sessionId}/config': ['chat-config/write'],
      'PUT /api/chat-sessions/{sessionId}/config': ['chat-config/write'],
      'PATCH /api/chat-sessions/{sessionId}/config': ['chat-config/write'],
    });
  });

  it('takes the token from the Authorization header and trusts only the user pool and its app client', () => {
    const { template } = defaults;

    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: {
          'Fn::Join': [
            '',
            [
              'https://cognito-idp.',
              { Ref: 'AWS::Region' },
              '.amazonaws.com/',
              { Ref: idOf(template, 'AWS::Cognito::UserPool') },
            ],
          ],
        },
        Audience: [{ Ref: idOf(template, 'AWS::Cognito::UserPoolClient') }],
      },
    });
  });

  it('passes the owner attribute to the function', () => {
    defaults.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ OWNER_ATTRIBUTE: 'ownerId' }) },
    });
    synth({ ownerAttribute: 'userId' }).template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ OWNER_ATTRIBUTE: 'userId' }) },
    });
  });
});

describe('the default user pool', () => {
  it('takes only users an administrator invites, with strong passwords and optional TOTP, and is kept on stack deletion', () => {
    const { template } = defaults;

    template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        DeletionProtection: 'ACTIVE',
        UsernameAttributes: ['email'],
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        MfaConfiguration: 'OPTIONAL',
        Policies: {
          PasswordPolicy: {
            MinimumLength: 12,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
            TemporaryPasswordValidityDays: 3,
          },
        },
      }),
    });
  });

  it('has the resource server chat-config with the scopes read and write', () => {
    defaults.template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'chat-config',
      Scopes: [
        { ScopeName: 'read', ScopeDescription: SCOPE_DESCRIPTIONS.read },
        { ScopeName: 'write', ScopeDescription: SCOPE_DESCRIPTIONS.write },
      ],
    });
  });

  it('has a public app client for the authorization code flow that may ask for both scopes', () => {
    const { template } = defaults;
    const resourceServer = idOf(template, 'AWS::Cognito::UserPoolResourceServer');

    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: [
        'openid',
        'email',
        { 'Fn::Join': ['', [{ Ref: resourceServer }, '/read']] },
        { 'Fn::Join': ['', [{ Ref: resourceServer }, '/write']] },
      ],
      CallbackURLs: ['http://localhost:8080/callback'],
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      AccessTokenValidity: 60,
    });
  });

  it('has a login domain named after the stack and the account, or the prefix given', () => {
    defaults.template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: { 'Fn::Join': ['-', ['test', { Ref: 'AWS::AccountId' }]] },
    });
    synth({ auth: { authDomainPrefix: 'acme-chat' } }).template.hasResourceProperties(
      'AWS::Cognito::UserPoolDomain',
      { Domain: 'acme-chat' },
    );
  });

  it('is not created when an issuer is given', () => {
    const { template, construct } = synth({
      auth: { jwtIssuer: 'https://login.example.com/', jwtAudience: ['chat-config-api'] },
    });

    for (const type of ['UserPool', 'UserPoolClient', 'UserPoolDomain', 'UserPoolResourceServer']) {
      template.resourceCountIs(`AWS::Cognito::${type}`, 0);
    }
    expect(construct.auth.userPool).toBeUndefined();
    expect(construct.auth.issuer).toBe('https://login.example.com/');
  });
});

describe('ChatConfigApi auth props validation', () => {
  it.each<[string, ChatConfigApiProps, RegExp]>([
    [
      'an http issuer',
      { auth: { jwtIssuer: 'http://login.example.com/', jwtAudience: ['a'] } },
      /jwtIssuer must be an https URL/,
    ],
    [
      'an issuer with a query',
      { auth: { jwtIssuer: 'https://login.example.com/?x=1', jwtAudience: ['a'] } },
      /jwtIssuer must be an https URL/,
    ],
    [
      'an issuer without audience',
      { auth: { jwtIssuer: 'https://login.example.com/' } },
      /jwtAudience must name at least one audience/,
    ],
    [
      'an audience without issuer',
      { auth: { jwtAudience: ['a'] } },
      /jwtAudience is only for tokens of a jwtIssuer/,
    ],
    [
      'user pool settings with an issuer',
      { auth: { jwtIssuer: 'https://login.example.com/', jwtAudience: ['a'], authDomainPrefix: 'x' } },
      /configure the user pool, which is not created with jwtIssuer/,
    ],
    [
      'an http callback URL off localhost',
      { auth: { oauthCallbackUrls: ['http://app.example.com/cb'] } },
      /oauthCallbackUrls must be https URLs, or http on localhost/,
    ],
    ['no callback URL', { auth: { oauthCallbackUrls: [] } }, /oauthCallbackUrls must name at least one URL/],
    [
      'a domain prefix with "aws"',
      { auth: { authDomainPrefix: 'my-aws-login' } },
      /authDomainPrefix must be 1 to 63/,
    ],
    [
      'a domain prefix in capitals',
      { auth: { authDomainPrefix: 'Login' } },
      /authDomainPrefix must be 1 to 63/,
    ],
    [
      'an owner attribute this API writes',
      { ownerAttribute: 'configVersion' },
      /ownerAttribute: the owner attribute cannot be "configVersion"/,
    ],
  ])('rejects %s at synth, naming the setting', (_, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });
});
