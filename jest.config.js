/**
 * Jest runs the TypeScript sources as native ES modules (Middy is ESM-only), compiled by SWC.
 * One DynamoDB Local is started for the whole run by the global setup; each test file makes its own table.
 * @type {import('jest').Config}
 */
export default {
  testEnvironment: '<rootDir>/test/helpers/node-environment.ts',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2024' },
        module: { type: 'es6' },
      },
    ],
  },
  // The function's log and EMF lines never reach the run's console: a test file that lets one through fails.
  setupFilesAfterEnv: ['<rootDir>/test/helpers/product-output-guard.ts'],
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  reporters: ['default', '<rootDir>/test/helpers/summary-reporter.ts'],
  testTimeout: 30_000,
  errorOnDeprecated: true,
};
