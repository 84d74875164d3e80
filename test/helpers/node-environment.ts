import { TestEnvironment } from 'jest-environment-node';

/**
 * Jest's node environment runs each test file in its own realm, so errors thrown by Node itself (a refused
 * connection, a socket timeout) are not `instanceof Error` there. The AWS SDK checks exactly that and, failing it,
 * wraps the error and drops its `code`: under plain jest, ECONNREFUSED would not look retryable although it is in
 * Lambda. Sharing the host's `Error` keeps the SDK's view of errors as it is in production.
 */
export default class HostErrorEnvironment extends TestEnvironment {
  constructor(...args: ConstructorParameters<typeof TestEnvironment>) {
    super(...args);
    this.global.Error = Error;
  }
}
