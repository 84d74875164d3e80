/**
 * A setting the operator got wrong (a context key, a construct prop): its message says which, and what it must be.
 * The CDK app prints the message alone, as a sentence, without a stack trace. A module of its own, without the CDK, so
 * that `npm start` can read the app's settings without loading aws-cdk-lib.
 */
export class SettingError extends Error {
  override readonly name = 'SettingError';
}
