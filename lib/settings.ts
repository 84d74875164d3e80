import type { Node } from 'constructs';
import { TABLE_NAME_PATTERN } from '../functions/sessions/session-table';
import type { ChatConfigApiProps } from './chat-config-api';
import type { ChatConfigAuthProps } from './chat-config-auth';
import type { ChatConfigStackMonitoringProps } from './chat-config-stack';
import { CONTEXT_KEYS, type Setting, type SettingsPart } from './context-keys';
import { SettingError } from './setting-error';

/** Prefix of every context key the app reads (in cdk.json, or `-c chat-config:<key>=<value>`). */
export const CONTEXT_PREFIX = 'chat-config:';

/** The stack's name unless context names another: the one of cdk.out/ChatConfigApi.template.json. */
export const DEFAULT_STACK_NAME = 'ChatConfigApi';

/** The context key choosing a stage (`-c stage=prod`), whose settings in `chat-config:stages` apply over the others. */
export const STAGE_KEY = 'stage';

/** The context key holding each stage's settings: `{ "<stage>": { "<key>": <value>, … } }`, keys without the prefix. */
export const STAGES_KEY = `${CONTEXT_PREFIX}stages`;

/** What the operator sets in context: the stack's name and the constructs' props. What it leaves out, they default. */
export interface ChatConfigSettings {
  /** The stage chosen with `-c stage=…`, if any. */
  readonly stage?: string;
  /** The stack's name, if context names it. */
  readonly stackName?: string;
  /** Name of an existing sessions table to import, if any. */
  readonly existingTableName?: string;
  readonly api: Omit<ChatConfigApiProps, 'table'>;
  readonly monitoring: ChatConfigStackMonitoringProps;
  /** What the stage changed, one sentence each, for the synth to tell. */
  readonly stageChanges: readonly string[];
}

/** The settings read so far, by key (without the prefix). */
type Values = Record<string, Setting>;

/**
 * Who may call: an issuer named in context, with its audiences, or else the user pool with its own settings. Each mode
 * takes only the keys that are its own.
 */
const checkAuth = (auth: ChatConfigAuthProps = {}): void => {
  if (auth.jwtIssuer !== undefined) {
    const poolKeys = (['oauthCallbackUrls', 'authDomainPrefix'] as const).filter(
      (poolKey) => auth[poolKey] !== undefined,
    );
    if (poolKeys.length > 0) {
      throw new SettingError(
        `Context ${poolKeys.map((poolKey) => `"${CONTEXT_PREFIX}${poolKey}"`).join(' and ')} configure the user pool, which "${CONTEXT_PREFIX}jwtIssuer" replaces: remove them`,
      );
    }
  } else if (auth.jwtAudience !== undefined) {
    throw new SettingError(
      `Context key "${CONTEXT_PREFIX}jwtAudience" is only for tokens of "${CONTEXT_PREFIX}jwtIssuer"`,
    );
  }
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `part` over `settings`, object into object: the two throttle keys make one `throttle`, the auth keys one `auth`. */
const merged = (
  settings: Record<string, unknown>,
  part: Record<string, unknown>,
): Record<string, unknown> => {
  const result = { ...settings };
  for (const [name, value] of Object.entries(part)) {
    const before = result[name];
    result[name] = isObject(before) && isObject(value) ? merged(before, value) : value;
  }
  return result;
};

/** Reads one setting into `values`, or throws naming where it was set (`label`) and what it must be. */
const readInto = (values: Values, label: string, name: string, value: unknown): void => {
  const contextKey = Object.hasOwn(CONTEXT_KEYS, name) ? CONTEXT_KEYS[name] : undefined;
  if (contextKey === undefined) {
    throw new SettingError(
      `Unknown context key "${label}". Known keys: ${Object.keys(CONTEXT_KEYS)
        .map((k) => CONTEXT_PREFIX + k)
        .join(', ')}`,
    );
  }
  let setting: Setting | undefined;
  try {
    setting = contextKey.read(value);
  } catch {
    setting = undefined;
  }
  if (setting === undefined) {
    throw new SettingError(
      `Context key "${label}" must be ${contextKey.expected}, not ${JSON.stringify(value)}`,
    );
  }
  values[name] = setting;
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
export const readSettings = (node: Node): ChatConfigSettings => readSettingsFrom(node.getAllContext());

/**
 * The same, from the context as a record (cdk.json's `context`, for one): for readers without a construct tree, which
 * then need not load aws-cdk-lib (this module imports none of it).
 */
export const readSettingsFrom = (raw: Record<string, unknown>): ChatConfigSettings => {
  const values: Values = {};
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
    for (const [name, { value }] of Object.entries(stageValues)) {
      const before = values[name]?.value;
      if (JSON.stringify(before) !== JSON.stringify(value)) {
        stageChanges.push(
          `Stage "${stage}" sets ${CONTEXT_PREFIX}${name} to ${JSON.stringify(value)}${before === undefined ? '' : ` (over ${JSON.stringify(before)})`}`,
        );
      }
    }
    Object.assign(values, stageValues);
  }

  const {
    api = {},
    monitoring = {},
    ...stack
  } = Object.values(values).reduce<Record<string, unknown>>(
    (settings, { part }) => merged(settings, part),
    {},
  ) as SettingsPart;
  if (stack.stackName !== undefined && !/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stack.stackName)) {
    throw new SettingError(
      `Context key "${CONTEXT_PREFIX}stackName" must start with a letter and hold only letters, digits and -, not "${stack.stackName}"`,
    );
  }
  const { existingTableName } = stack;
  if (existingTableName !== undefined && !TABLE_NAME_PATTERN.test(existingTableName)) {
    throw new SettingError(
      `Context key "${CONTEXT_PREFIX}tableName" must be a DynamoDB table name (3 to 255 of A-Z a-z 0-9 _ . -), not "${existingTableName}"`,
    );
  }
  checkAuth(api.auth);
  return { ...(stage === undefined ? {} : { stage }), ...stack, api, monitoring, stageChanges };
};
