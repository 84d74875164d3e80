import { isDeepStrictEqual } from 'node:util';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import type { ChatConfigAlarmThresholds } from './alarm-thresholds';
import type { ChatConfigApiProps } from './chat-config-api';
import { CHAT_CONFIG_AUTH_DEFAULTS, type ChatConfigAuthProps } from './chat-config-auth';
import { type ChatConfigStackMonitoringProps, TABLE_NAME_PATTERN } from './chat-config-stack';
import { SettingError } from './prop-checks';

/** Prefix of every context key the app reads (in cdk.json, or `-c chat-config:<key>=<value>`). */
export const CONTEXT_PREFIX = 'chat-config:';

/** The context key choosing a stage (`-c stage=prod`), whose settings in `chat-config:stages` apply over the others. */
export const STAGE_KEY = 'stage';

/** The context key holding each stage's settings: `{ "<stage>": { "<key>": <value>, … } }`, keys without the prefix. */
export const STAGES_KEY = `${CONTEXT_PREFIX}stages`;

/** What the operator sets in context: the stack's name and the constructs' props. */
export interface ChatConfigSettings {
  /** The stage chosen with `-c stage=…`, if any. */
  readonly stage?: string;
  readonly stackName: string;
  /** Name of an existing sessions table to import, if any. */
  readonly existingTableName?: string;
  readonly api: Omit<ChatConfigApiProps, 'table'>;
  readonly monitoring: ChatConfigStackMonitoringProps;
  /** What the stage changed, one sentence each, for the synth to tell. */
  readonly stageChanges: readonly string[];
}

const DEFAULT_STACK_NAME = 'ChatConfigApi';

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

const thresholdKeys = () =>
  Object.fromEntries(
    Object.entries(THRESHOLDS).map(([threshold, expected]) => [
      thresholdKeyOf(threshold as Threshold),
      { read: number, expected },
    ]),
  ) as Record<`alarm${Capitalize<Threshold>}`, { read: Reader<number>; expected: string }>;

/** Every key the app reads, with what its value must be. */
const KEYS = {
  stackName: { read: text, expected: 'a CloudFormation stack name' },
  tableName: { read: text, expected: 'the name of an existing table, or "" to create one' },
  stageName: { read: text, expected: 'a stage name' },
  throttleRateLimit: { read: number, expected: 'a number of requests per second' },
  throttleBurstLimit: { read: number, expected: 'a number of requests' },
  corsAllowedOrigins: { read: list, expected: 'a list of origins' },
  logRetentionDays: { read: number, expected: 'a number of days' },
  accessLogging: { read: boolean, expected: 'true or false' },
  requireIfMatch: { read: boolean, expected: 'true or false' },
  ownerAttribute: { read: text, expected: 'the name of the attribute holding the owner of a session' },
  jwtIssuer: { read: text, expected: 'the https URL of a token issuer, or "" for a user pool' },
  jwtAudience: { read: list, expected: 'a list of audiences' },
  oauthCallbackUrls: { read: list, expected: 'a list of URLs' },
  authDomainPrefix: { read: text, expected: 'a domain prefix, or "" for the default' },
  tracing: { read: boolean, expected: 'true or false' },
  alarmTopicArn: { read: text, expected: 'the ARN of an SNS topic, or "" to create one' },
  alarmEmails: { read: list, expected: 'a list of email addresses' },
  ...thresholdKeys(),
} as const;

type Key = keyof typeof KEYS;
type Values = { [K in Key]?: NonNullable<ReturnType<(typeof KEYS)[K]['read']>> };

/**
 * Who may call: an issuer named in context, with its audiences, or else the user pool with its own settings. An empty
 * value (cdk.json's default) is as absent as a missing key, so that each mode reads only the keys that are its own.
 */
const authOf = (values: Values): ChatConfigAuthProps => {
  const jwtIssuer = values.jwtIssuer?.trim() || undefined;
  const jwtAudience = values.jwtAudience ?? [];
  const authDomainPrefix = values.authDomainPrefix?.trim() || undefined;
  const { oauthCallbackUrls } = values;
  if (jwtIssuer !== undefined) {
    // cdk.json holds the user pool's defaults: only a value changed from them is a setting the issuer cannot take.
    const poolKeys = [
      ...(oauthCallbackUrls === undefined ||
      isDeepStrictEqual(oauthCallbackUrls, [...CHAT_CONFIG_AUTH_DEFAULTS.oauthCallbackUrls])
        ? []
        : ['oauthCallbackUrls']),
      ...(authDomainPrefix ? ['authDomainPrefix'] : []),
    ];
    if (poolKeys.length > 0) {
      throw new SettingError(
        `Context ${poolKeys.map((key) => `"${CONTEXT_PREFIX}${key}"`).join(' and ')} configure the user pool, which "${CONTEXT_PREFIX}jwtIssuer" replaces: set them back to their defaults`,
      );
    }
    return { jwtIssuer, jwtAudience };
  }
  if (jwtAudience.length > 0) {
    throw new SettingError(
      `Context key "${CONTEXT_PREFIX}jwtAudience" is only for tokens of "${CONTEXT_PREFIX}jwtIssuer"`,
    );
  }
  return {
    ...(oauthCallbackUrls === undefined ? {} : { oauthCallbackUrls }),
    ...(authDomainPrefix ? { authDomainPrefix } : {}),
  };
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads one setting into `values`, or throws naming where it was set (`label`) and what it must be. */
const readInto = (values: Values, label: string, key: string, value: unknown): void => {
  if (!(key in KEYS)) {
    throw new SettingError(
      `Unknown context key "${label}". Known keys: ${Object.keys(KEYS)
        .map((k) => CONTEXT_PREFIX + k)
        .join(', ')}`,
    );
  }
  const { read, expected } = KEYS[key as Key];
  let parsed: unknown;
  try {
    parsed = read(value);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined) {
    throw new SettingError(`Context key "${label}" must be ${expected}, not ${JSON.stringify(value)}`);
  }
  Object.assign(values, { [key]: parsed });
};

/**
 * Each stage's settings, every one of them checked (so that a typo in one stage fails the synth of any): a stage is a
 * name and an object of settings, keyed as in context but without the prefix.
 */
const stagesOf = (raw: unknown): Map<string, Values> => {
  const stages = new Map<string, Values>();
  if (raw === undefined) return stages;
  if (!isObject(raw)) {
    throw new SettingError(
      `Context key "${STAGES_KEY}" must be an object of stages, not ${JSON.stringify(raw)}`,
    );
  }
  for (const [stage, settings] of Object.entries(raw)) {
    if (!isObject(settings)) {
      throw new SettingError(`Context key "${STAGES_KEY}.${stage}" must be an object of settings`);
    }
    const values: Values = {};
    for (const [key, value] of Object.entries(settings)) {
      readInto(values, `${STAGES_KEY}.${stage}.${key}`, key, value);
    }
    stages.set(stage, values);
  }
  return stages;
};

/**
 * Reads the app's settings from context: the `chat-config:` keys, and over them the settings of the stage chosen with
 * `-c stage=<name>`, if any. An unknown key (a typo), an unknown stage or a value of the wrong kind fails the synth,
 * naming it; the ranges are checked by the constructs themselves.
 */
export const readSettings = (node: Node): ChatConfigSettings => {
  const values: Values = {};
  const raw = node.getAllContext();
  for (const [fullKey, value] of Object.entries(raw)) {
    if (!fullKey.startsWith(CONTEXT_PREFIX) || fullKey === STAGES_KEY) continue;
    readInto(values, fullKey, fullKey.slice(CONTEXT_PREFIX.length), value);
  }
  const stages = stagesOf(raw[STAGES_KEY]);
  const stageSetting = raw[STAGE_KEY];
  if (stageSetting !== undefined && typeof stageSetting !== 'string') {
    throw new SettingError(
      `Context key "${STAGE_KEY}" must be the name of a stage, not ${JSON.stringify(stageSetting)}`,
    );
  }
  const stage = stageSetting?.trim() || undefined;
  const stageChanges: string[] = [];
  if (stage !== undefined) {
    const stageValues = stages.get(stage);
    if (stageValues === undefined) {
      throw new SettingError(
        `Unknown stage "${stage}": "${STAGES_KEY}" has ${[...stages.keys()].map((name) => `"${name}"`).join(', ') || 'none'}`,
      );
    }
    for (const [key, value] of Object.entries(stageValues)) {
      const before = values[key as Key];
      if (JSON.stringify(before) !== JSON.stringify(value)) {
        stageChanges.push(
          `Stage "${stage}" sets ${CONTEXT_PREFIX}${key} to ${JSON.stringify(value)}${before === undefined ? '' : ` (over ${JSON.stringify(before)})`}`,
        );
      }
    }
    Object.assign(values, stageValues);
  }

  const stackName = values.stackName ?? DEFAULT_STACK_NAME;
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName)) {
    throw new SettingError(
      `Context key "${CONTEXT_PREFIX}stackName" must start with a letter and hold only letters, digits and -, not "${stackName}"`,
    );
  }
  const existingTableName = values.tableName?.trim() || undefined;
  if (existingTableName !== undefined && !TABLE_NAME_PATTERN.test(existingTableName)) {
    throw new SettingError(
      `Context key "${CONTEXT_PREFIX}tableName" must be a DynamoDB table name (3 to 255 of A-Z a-z 0-9 _ . -), not "${existingTableName}"`,
    );
  }
  const throttle =
    values.throttleRateLimit === undefined && values.throttleBurstLimit === undefined
      ? undefined
      : {
          rateLimit: values.throttleRateLimit,
          burstLimit: values.throttleBurstLimit,
        };
  const alarmTopicArn = values.alarmTopicArn?.trim() || undefined;
  const thresholds = Object.fromEntries(
    (Object.keys(THRESHOLDS) as Threshold[]).flatMap((threshold) => {
      const value = values[thresholdKeyOf(threshold)];
      return value === undefined ? [] : [[threshold, value]];
    }),
  ) as Partial<ChatConfigAlarmThresholds>;
  return {
    ...(stage === undefined ? {} : { stage }),
    stackName,
    ...(existingTableName ? { existingTableName } : {}),
    api: {
      ...(values.stageName === undefined ? {} : { stageName: values.stageName }),
      ...(throttle === undefined ? {} : { throttle }),
      ...(values.corsAllowedOrigins === undefined ? {} : { corsAllowedOrigins: values.corsAllowedOrigins }),
      ...(values.logRetentionDays === undefined
        ? {}
        : { logRetention: values.logRetentionDays as RetentionDays }),
      ...(values.accessLogging === undefined ? {} : { accessLogging: values.accessLogging }),
      ...(values.requireIfMatch === undefined ? {} : { requireIfMatch: values.requireIfMatch }),
      ...(values.ownerAttribute === undefined ? {} : { ownerAttribute: values.ownerAttribute }),
      ...(values.tracing === undefined ? {} : { tracing: values.tracing }),
      auth: authOf(values),
    },
    stageChanges,
    monitoring: {
      ...(alarmTopicArn === undefined ? {} : { alarmTopicArn }),
      ...(values.alarmEmails === undefined ? {} : { alarmEmails: values.alarmEmails }),
      thresholds,
    },
  };
};
