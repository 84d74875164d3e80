import { Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { SettingError } from './setting-error';

/**
 * How the constructs refuse a bad prop: at synth, naming the construct, so that the operator knows which setting to
 * fix before anything deploys. Values that are tokens (resolved only at deploy) are not checked.
 */
export const propChecks = (scope: IConstruct) => ({
  fail: (message: string): never => {
    throw new SettingError(`${scope.node.path}: ${message}`);
  },
  /** Whether the value is known at synth, and so can be checked. */
  known: (value: unknown): boolean => !Token.isUnresolved(value),
});
