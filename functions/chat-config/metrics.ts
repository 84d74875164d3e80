import { CHAT_CONFIG_FIELD_NAMES } from '../sessions/config-schema';

/** The function's `service` in its logs, metrics and traces (`POWERTOOLS_SERVICE_NAME`). */
export const SERVICE_NAME = 'chat-config';

/**
 * The metrics the function emits (CloudWatch embedded metric format: JSON lines in its log, no API call), shared by
 * the function and the CDK construct that draws them on the dashboard, so that both always agree on names and
 * dimensions. Every metric also has the `service` dimension (`POWERTOOLS_SERVICE_NAME`).
 */
export const CHAT_CONFIG_METRICS = {
  /** A `POST`, `PUT` or `PATCH` (any method but `GET`) answered, by `outcome` (Count). */
  updates: 'ConfigUpdates',
  /** A `GET` answered, by `outcome` (Count). */
  reads: 'ConfigReads',
  /** A 422 that named a field, by `field`: once per field a request got wrong (Count). */
  validationFailures: 'ValidationFailures',
  /** One call to DynamoDB, retries included, by `operation` (Milliseconds). */
  storeLatency: 'DynamoDbLatency',
  /** A cold start, by `function_name` (Count; Powertools' own). */
  coldStart: 'ColdStart',
} as const;

/** The dimensions of those metrics. */
export const METRIC_DIMENSIONS = {
  service: 'service',
  outcome: 'outcome',
  field: 'field',
  operation: 'operation',
  /** Powertools' own, on `ColdStart`. */
  functionName: 'function_name',
} as const;

/**
 * What a request came to, as the `outcome` dimension: the statuses an operator acts on by their own, and the other
 * client and server errors each as one class (a 400, 401, 405, 409, 413, 415, 428 or 431 is `4xx`; a 500 is `5xx`).
 */
export const OUTCOMES = ['2xx', '304', '404', '412', '422', '4xx', '503', '5xx'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const outcomeOf = (statusCode: number): Outcome => {
  if (statusCode >= 200 && statusCode < 300) return '2xx';
  if (statusCode === 304 || statusCode === 404 || statusCode === 412 || statusCode === 422) {
    return String(statusCode) as Outcome;
  }
  if (statusCode === 503) return '503';
  return statusCode >= 400 && statusCode < 500 ? '4xx' : '5xx';
};

/** A field a violation can be counted under: a config field, or `unknown` for any other (whatever its name). */
export const VALIDATION_FIELDS = [...CHAT_CONFIG_FIELD_NAMES, 'unknown'] as const;
export type ValidationField = (typeof VALIDATION_FIELDS)[number];

/**
 * The config field a violation is of, from its JSON pointer: `/config/<field>/...` in a replace, `/<field>/...` in a
 * patch. A name the schema does not have counts as `unknown`: it is the client's text, and no dimension may hold that
 * (a metric per name a client sends would be as costly as unbounded).
 */
export const validationFieldOf = (path: string): ValidationField => {
  const [first = '', second] = path.split('/').slice(1);
  const name = first === 'config' && second !== undefined ? second : first;
  return (CHAT_CONFIG_FIELD_NAMES as readonly string[]).includes(name)
    ? (name as ValidationField)
    : 'unknown';
};
