import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ChatConfigAlarmThresholds } from './alarm-thresholds';
import type { ChatConfigApiProps } from './chat-config-api';
import type { ChatConfigStackMonitoringProps } from './chat-config-stack';

/**
 * What one context key sets: a part of the app's settings, which the parts of every key set make up together. (A type,
 * not an interface, so that the settings can merge it as a plain record.)
 */
export type SettingsPart = {
  readonly stackName?: string;
  readonly existingTableName?: string;
  readonly api?: Omit<ChatConfigApiProps, 'table'>;
  readonly monitoring?: ChatConfigStackMonitoringProps;
};

type Reader<T> = (value: unknown) => T | undefined;

const text: Reader<string> = (value) => (typeof value === 'string' ? value : undefined);
const number: Reader<number> = (value) => {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};
const boolean: Reader<boolean> = (value) =>
  typeof value === 'boolean' ? value : value === 'true' ? true : value === 'false' ? false : undefined;
// `-c` gives strings: a JSON array, or values separated by commas.
const list: Reader<string[]> = (value) => {
  let list = value;
  if (typeof value === 'string') {
    list = value.trim().startsWith('[')
      ? JSON.parse(value)
      : value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  }
  return Array.isArray(list) && list.every((o) => typeof o === 'string') ? list : undefined;
};

/** A context key's value: as read (which a stage's change is told with), and the part of the settings it sets. */
export interface Setting {
  readonly value: unknown;
  readonly part: SettingsPart;
}

/** A context key: what its value must be, and how it is read into its part of the settings. */
export interface ContextKey {
  readonly expected: string;
  /** The setting, or `undefined` when the value is not of the kind expected. */
  readonly read: (value: unknown) => Setting | undefined;
}

const key = <T>(read: Reader<T>, expected: string, into: (value: T) => SettingsPart): ContextKey => ({
  expected,
  read: (raw) => {
    const value = read(raw);
    return value === undefined ? undefined : { value, part: into(value) };
  },
});

/** An empty text is as absent as a missing key, so that `-c chat-config:<key>=` leaves the prop to its default. */
const unlessEmpty =
  (into: (value: string) => SettingsPart) =>
  (value: string): SettingsPart =>
    value.trim() === '' ? {} : into(value.trim());

type Threshold = keyof ChatConfigAlarmThresholds;

/** What each alarm threshold counts. */
const THRESHOLDS: Record<Threshold, string> = {
  api5xxRatePercent: 'a percentage',
  apiLatencyP99Ms: 'a number of milliseconds',
  lambdaErrors: 'a number of invocations',
  lambdaThrottles: 'a number of invocations',
  durationPercentOfTimeout: 'a percentage',
  dynamoDbThrottledRequests: 'a number of requests',
  dynamoDbSystemErrors: 'a number of requests',
};

/** The context key of a threshold: `alarm` and its name (`apiLatencyP99Ms` → `alarmApiLatencyP99Ms`). */
const thresholdKeyOf = <T extends Threshold>(threshold: T) =>
  `alarm${threshold.charAt(0).toUpperCase()}${threshold.slice(1)}` as `alarm${Capitalize<T>}`;

const thresholdKeys = (): Record<string, ContextKey> =>
  Object.fromEntries(
    (Object.keys(THRESHOLDS) as Threshold[]).map((threshold) => [
      thresholdKeyOf(threshold),
      key(number, THRESHOLDS[threshold], (value) => ({ monitoring: { thresholds: { [threshold]: value } } })),
    ]),
  );

/**
 * Every key the app reads, without the `chat-config:` prefix: what its value must be, and the prop it sets. A key left
 * out sets nothing, so that the prop keeps the construct's default.
 */
export const CONTEXT_KEYS: Record<string, ContextKey> = {
  stackName: key(text, 'a CloudFormation stack name', (stackName) => ({ stackName })),
  tableName: key(
    text,
    'the name of an existing table, or "" to create one',
    unlessEmpty((existingTableName) => ({ existingTableName })),
  ),
  stageName: key(text, 'a stage name', (stageName) => ({ api: { stageName } })),
  throttleRateLimit: key(number, 'a number of requests per second', (rateLimit) => ({
    api: { throttle: { rateLimit } },
  })),
  throttleBurstLimit: key(number, 'a number of requests', (burstLimit) => ({
    api: { throttle: { burstLimit } },
  })),
  corsAllowedOrigins: key(list, 'a list of origins', (corsAllowedOrigins) => ({
    api: { corsAllowedOrigins },
  })),
  logRetentionDays: key(number, 'a number of days', (days) => ({
    api: { logRetention: days as RetentionDays },
  })),
  accessLogging: key(boolean, 'true or false', (accessLogging) => ({ api: { accessLogging } })),
  requireIfMatch: key(boolean, 'true or false', (requireIfMatch) => ({ api: { requireIfMatch } })),
  requireIdempotencyKey: key(boolean, 'true or false', (requireIdempotencyKey) => ({
    api: { requireIdempotencyKey },
  })),
  ownerAttribute: key(text, 'the name of the attribute holding the owner of a session', (ownerAttribute) => ({
    api: { ownerAttribute },
  })),
  jwtIssuer: key(
    text,
    'the https URL of a token issuer, or "" for a user pool',
    unlessEmpty((jwtIssuer) => ({ api: { auth: { jwtIssuer } } })),
  ),
  // No audience is as absent as the key: the issuer's construct then asks for one.
  jwtAudience: key(list, 'a list of audiences', (jwtAudience) =>
    jwtAudience.length === 0 ? {} : { api: { auth: { jwtAudience } } },
  ),
  oauthCallbackUrls: key(list, 'a list of URLs', (oauthCallbackUrls) => ({
    api: { auth: { oauthCallbackUrls } },
  })),
  authDomainPrefix: key(
    text,
    'a domain prefix, or "" for the default',
    unlessEmpty((authDomainPrefix) => ({ api: { auth: { authDomainPrefix } } })),
  ),
  tracing: key(boolean, 'true or false', (tracing) => ({ api: { tracing } })),
  traceDynamoDbCalls: key(boolean, 'true or false', (traceDynamoDbCalls) => ({
    api: { traceDynamoDbCalls },
  })),
  alarmTopicArn: key(
    text,
    'the ARN of an SNS topic, or "" to create one',
    unlessEmpty((alarmTopicArn) => ({ monitoring: { alarmTopicArn } })),
  ),
  alarmEmails: key(list, 'a list of email addresses', (alarmEmails) => ({ monitoring: { alarmEmails } })),
  ...thresholdKeys(),
};
