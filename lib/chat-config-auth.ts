import { Aws, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer, HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { RESOURCE_SERVER, SCOPE_NAMES } from '../functions/chat-config/routes';
import { SCOPE_DESCRIPTIONS } from '../functions/chat-config/scope-descriptions';
import { CHAT_CONFIG_AUTH_DEFAULTS } from './chat-config-auth-defaults';
import { propChecks } from './prop-checks';

/** Who may call the API: by default users of a user pool this construct creates, or tokens of an issuer you run. */
export interface ChatConfigAuthProps {
  /**
   * The issuer (its `iss`, an https URL publishing `/.well-known/openid-configuration`) whose JWT access tokens the
   * API accepts instead of a user pool's: Auth0, Okta, Entra ID, a user pool of another stack. Its tokens must carry
   * the scopes `chat-config/read` and `chat-config/write` (`scope` or `scp`) and the user's id as `sub`.
   * @default - a Cognito user pool, created here
   */
  readonly jwtIssuer?: string;
  /**
   * With `jwtIssuer`: the audiences accepted (a token's `aud`, or `client_id` when it has no `aud`). Required then.
   */
  readonly jwtAudience?: readonly string[];
  /**
   * Where the user pool's login sends users back with an authorization code (https, or http on localhost).
   * @default - `http://localhost:8080/callback`: a developer copies the code from the browser's address bar
   */
  readonly oauthCallbackUrls?: readonly string[];
  /**
   * The prefix of the user pool's login domain, `<prefix>.auth.<region>.amazoncognito.com`: unique in the region,
   * lower-case letters, digits and hyphens, without "aws", "amazon" or "cognito".
   * @default - `<stack name, lower-case>-<account id>`
   */
  readonly authDomainPrefix?: string;
}

/** The scopes of the resource server, by name. */
const SCOPES = {
  read: new ResourceServerScope({
    scopeName: SCOPE_NAMES.read,
    scopeDescription: SCOPE_DESCRIPTIONS.read,
  }),
  write: new ResourceServerScope({
    scopeName: SCOPE_NAMES.write,
    scopeDescription: SCOPE_DESCRIPTIONS.write,
  }),
};

const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const RESERVED_IN_DOMAIN = /aws|amazon|cognito/;

/**
 * The API's authorizer: a JWT authorizer on a Cognito user pool with a resource server (`chat-config`, scopes `read`
 * and `write`), an app client for the authorization code flow with PKCE and a login domain; or, given `jwtIssuer`, a
 * JWT authorizer on that issuer and nothing else.
 */
export class ChatConfigAuth extends Construct {
  /** The authorizer every route uses. */
  readonly authorizer: IHttpRouteAuthorizer;
  /** The `iss` of the tokens the authorizer accepts. */
  readonly issuer: string;
  /** The user pool, unless an issuer was given. */
  readonly userPool?: UserPool;
  /** Its app client, whose id is the audience of its tokens. */
  readonly userPoolClient?: UserPoolClient;
  /** Its login domain (authorize and token endpoints). */
  readonly userPoolDomain?: UserPoolDomain;

  constructor(scope: Construct, id: string, props: ChatConfigAuthProps = {}) {
    super(scope, id);
    const { fail, known } = propChecks(scope);

    if (props.jwtIssuer !== undefined) {
      const { jwtIssuer } = props;
      const jwtAudience = (props.jwtAudience ?? []).filter(
        (audience) => !known(audience) || audience.trim() !== '',
      );
      if (known(jwtIssuer) && !isIssuerUrl(jwtIssuer)) {
        fail(
          `jwtIssuer must be an https URL without query or fragment (the tokens' iss), not "${jwtIssuer}"`,
        );
      }
      if (jwtAudience.length === 0) {
        fail(
          'jwtAudience must name at least one audience (the aud or client_id of the tokens) with jwtIssuer',
        );
      }
      if (props.oauthCallbackUrls !== undefined || props.authDomainPrefix !== undefined) {
        fail(
          'oauthCallbackUrls and authDomainPrefix configure the user pool, which is not created with jwtIssuer',
        );
      }
      this.issuer = jwtIssuer;
      this.authorizer = new HttpJwtAuthorizer('JwtAuthorizer', jwtIssuer, { jwtAudience: [...jwtAudience] });
      return;
    }
    if (props.jwtAudience !== undefined) fail('jwtAudience is only for tokens of a jwtIssuer');

    const callbackUrls = props.oauthCallbackUrls ?? CHAT_CONFIG_AUTH_DEFAULTS.oauthCallbackUrls;
    for (const url of callbackUrls.filter(known)) {
      if (!isCallbackUrl(url)) {
        fail(`oauthCallbackUrls must be https URLs, or http on localhost, without fragment; "${url}" is not`);
      }
    }
    if (callbackUrls.length === 0) fail('oauthCallbackUrls must name at least one URL');
    const domainPrefix = props.authDomainPrefix ?? defaultDomainPrefix(Stack.of(this).stackName);
    if (known(domainPrefix) && (!DOMAIN_PREFIX.test(domainPrefix) || RESERVED_IN_DOMAIN.test(domainPrefix))) {
      fail(
        `authDomainPrefix must be 1 to 63 lower-case letters, digits and inner hyphens, without "aws", "amazon" or "cognito", not "${domainPrefix}"`,
      );
    }

    // Users are invited by an administrator (no self sign-up), sign in with their email, and may add a TOTP factor.
    this.userPool = new UserPool(this, 'Users', {
      featurePlan: FeaturePlan.ESSENTIALS,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const resourceServer = this.userPool.addResourceServer('ChatConfigScopes', {
      identifier: RESOURCE_SERVER,
      userPoolResourceServerName: 'Chat session config API',
      scopes: Object.values(SCOPES),
    });
    // A public client (no secret: browsers and CLIs cannot keep one) using the authorization code flow with PKCE.
    this.userPoolClient = this.userPool.addClient('AppClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [
          OAuthScope.OPENID,
          OAuthScope.EMAIL,
          OAuthScope.resourceServer(resourceServer, SCOPES.read),
          OAuthScope.resourceServer(resourceServer, SCOPES.write),
        ],
        callbackUrls: [...callbackUrls],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
    this.userPoolDomain = this.userPool.addDomain('Login', { cognitoDomain: { domainPrefix } });
    // The pool's provider URL (cognito-idp.<region>.<domain>/<pool id>) is its tokens' iss, without the scheme.
    this.issuer = `https://${this.userPool.userPoolProviderUrl}`;
    this.authorizer = new HttpUserPoolAuthorizer('UserPoolAuthorizer', this.userPool, {
      userPoolClients: [this.userPoolClient],
    });

    // Findings of cdk-nag's AWS Solutions rules this construct accepts, each for the reason given.
    Validations.of(this.userPool).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-COG2',
        reason:
          "MFA is optional (TOTP, no SMS): who must use it is the product owner's decision; set mfa to REQUIRED on the pool to enforce it.",
      },
      {
        id: 'AwsSolutions::AwsSolutions-COG8',
        reason:
          'The Essentials plan is the default: the Plus plan (threat protection) is billed per monthly active user; an operator who wants it sets featurePlan PLUS.',
      },
    );
  }
}

const isIssuerUrl = (value: string): boolean => {
  const url = URL.parse(value);
  return (
    url !== null && url.protocol === 'https:' && url.search === '' && url.hash === '' && !value.includes('#')
  );
};

const isCallbackUrl = (value: string): boolean => {
  const url = URL.parse(value);
  if (url === null || url.hash !== '' || value.includes('#')) return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && url.hostname === 'localhost');
};

/** `<stack name>-<account>`, lower-case, with the words a Cognito domain may not hold taken out. */
const defaultDomainPrefix = (stackName: string): string => {
  const name = stackName
    .toLowerCase()
    .replace(/aws|amazon|cognito/g, '')
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, 40)
    .replace(/^-+|-+$/g, '');
  return Fn.join('-', [name || 'chat-config', Aws.ACCOUNT_ID]);
};
