import { Duration } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { propChecks } from './prop-checks';

/** When each alarm goes off: above these values, as the runbook explains them. */
export interface ChatConfigAlarmThresholds {
  /** Share of requests API Gateway answered with a 5xx (the function's 500s and 503s included), in percent. */
  readonly api5xxRatePercent: number;
  /** API Gateway's p99 latency, request in to response out, in milliseconds. */
  readonly apiLatencyP99Ms: number;
  /** Failed invocations a minute (a crash, a timeout, a failed cold start): the function answers every request. */
  readonly lambdaErrors: number;
  /** Invocations Lambda refused a minute for lack of concurrency. */
  readonly lambdaThrottles: number;
  /** The longest invocation of a minute, in percent of the function's timeout. */
  readonly durationPercentOfTimeout: number;
  /** Requests DynamoDB throttled a minute, of the function's operations (`Query`, `UpdateItem`). */
  readonly dynamoDbThrottledRequests: number;
  /** Requests DynamoDB failed with a 500 a minute, of the function's operations. */
  readonly dynamoDbSystemErrors: number;
}

/** The thresholds every `ChatConfigMonitoring` starts with unless its props say otherwise. */
export const CHAT_CONFIG_ALARM_DEFAULTS: ChatConfigAlarmThresholds = {
  api5xxRatePercent: 1,
  apiLatencyP99Ms: 1_000,
  lambdaErrors: 0,
  lambdaThrottles: 0,
  durationPercentOfTimeout: 80,
  dynamoDbThrottledRequests: 0,
  dynamoDbSystemErrors: 0,
};

/**
 * Every metric is read by the minute. An alarm goes off when 3 of the last 5 minutes breach (a sustained problem, not
 * one slow request), but for failed invocations, which alarm on the first: the function never fails one on purpose.
 * Minutes without data (no traffic) do not breach.
 */
export const ALARM_EVALUATION = {
  period: Duration.minutes(1),
  datapointsToAlarm: 3,
  evaluationPeriods: 5,
} as const;

/** The thresholds, once each is checked: a bad one fails the synth, naming the construct and the threshold. */
export const validatedThresholds = (
  scope: IConstruct,
  thresholds: ChatConfigAlarmThresholds,
): ChatConfigAlarmThresholds => {
  const { fail, known } = propChecks(scope);
  const check = (name: keyof ChatConfigAlarmThresholds, ok: (value: number) => boolean, what: string) => {
    const value = thresholds[name];
    if (known(value) && !(typeof value === 'number' && Number.isFinite(value) && ok(value))) {
      fail(`thresholds.${name} must be ${what}, not ${value}`);
    }
  };
  check('api5xxRatePercent', (v) => v > 0 && v < 100, 'a percentage above 0 and below 100');
  check('apiLatencyP99Ms', (v) => v > 0 && v <= 30_000, 'a number of milliseconds above 0, at most 30000');
  check('durationPercentOfTimeout', (v) => v > 0 && v < 100, 'a percentage above 0 and below 100');
  for (const name of [
    'lambdaErrors',
    'lambdaThrottles',
    'dynamoDbThrottledRequests',
    'dynamoDbSystemErrors',
  ] as const) {
    check(name, (v) => Number.isInteger(v) && v >= 0, 'a whole number of 0 or more (alarms when above it)');
  }
  return thresholds;
};
