/**
 * What the user pool starts with unless the props say otherwise. A module of its own, without the CDK, so that
 * `npm run login` finds the callback URL a deploy gave the app client without loading aws-cdk-lib.
 */
export const CHAT_CONFIG_AUTH_DEFAULTS = {
  oauthCallbackUrls: ['http://localhost:8080/callback'],
} as const;
