import { Duration } from 'aws-cdk-lib';
import type { ThrottleSettings } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import { DEFAULT_OWNER_ATTRIBUTE, ownerAttributeProblem } from '../functions/sessions/session-table';
import type { ChatConfigAuthProps } from './chat-config-auth';
import { allowedOriginsProblem } from './cors-policy';
import { propChecks } from './prop-checks';

/** Limits every `ChatConfigApi` starts with unless its props say otherwise. */
export const CHAT_CONFIG_API_DEFAULTS = {
  stageName: '$default',
  throttle: { rateLimit: 50, burstLimit: 100 },
  logRetention: RetentionDays.ONE_MONTH,
  accessLogging: true,
  requireIfMatch: false,
  requireIdempotencyKey: false,
  ownerAttribute: DEFAULT_OWNER_ATTRIBUTE,
  memorySize: 1024,
  timeout: Duration.seconds(5),
  tracing: true,
  traceDynamoDbCalls: false,
} as const;

export interface ChatConfigApiProps {
  /**
   * An existing sessions table (partition key `sessionId`, a string) to use instead of creating one, e.g. from
   * `TableV2.fromTableName`. The function is granted only `dynamodb:Query` and `dynamodb:UpdateItem` on it; a table encrypted with a
   * customer managed KMS key also needs `kms:Decrypt` and `kms:GenerateDataKey` on that key, which this construct
   * does not grant.
   * @default - a new `TableV2`: partition key `sessionId`, on demand, point-in-time recovery, deletion protection,
   * retained when the stack is deleted
   */
  readonly table?: ITable;
  /**
   * Name of the API's stage; anything but `$default` becomes the first segment of every path.
   * @default - `$default`: the routes are served at the root of the API's URL
   */
  readonly stageName?: string;
  /**
   * Steady-state requests per second and burst of the stage, over all clients together.
   * @default - 50 requests per second, bursts of 100
   */
  readonly throttle?: ThrottleSettings;
  /**
   * Origins (`https://app.example.com`) browsers may call the API from, or `['*']` for any.
   * @default - no CORS configuration: browsers refuse cross-origin calls; server-side clients are unaffected
   */
  readonly corsAllowedOrigins?: readonly string[];
  /**
   * How long the function's logs and the API's access logs are kept.
   * @default - one month (`RetentionDays.ONE_MONTH`)
   */
  readonly logRetention?: RetentionDays;
  /**
   * Whether the stage writes one JSON access log line per request (no bodies, no headers but the user agent).
   * @default - `true`: access logs in their own log group
   */
  readonly accessLogging?: boolean;
  /**
   * Whether every write must carry `If-Match` with the ETag of the config it replaces: a write without one (or with
   * `If-Match: *`) is refused with 428, so that no client can overwrite a change it has not seen.
   * @default - `false`: `If-Match` is optional; clients written for the original endpoint keep working
   */
  readonly requireIfMatch?: boolean;
  /**
   * Whether every write must carry an `Idempotency-Key` header, so that each can be retried safely: a write without one
   * is refused with 400. With or without this, a write that carries one is answered once and replayed to its retries.
   * @default - `false`: the header is optional; clients written for the original endpoint keep working
   */
  readonly requireIdempotencyKey?: boolean;
  /**
   * Who may call the API. Every route requires a JWT access token with the scope of its method
   * (`chat-config/read` for GET, `chat-config/write` for the writes), and the function serves only the sessions of the
   * user the token names.
   * @default - a Cognito user pool with a resource server, an app client and a login domain (see `ChatConfigAuthProps`)
   */
  readonly auth?: ChatConfigAuthProps;
  /**
   * The attribute of a session item that holds its owner's user id (the `sub` of their tokens), for tables that call it
   * otherwise. A session without it belongs to nobody.
   * @default 'ownerId'
   */
  readonly ownerAttribute?: string;
  /**
   * Memory of the function in MB, which also sets its share of CPU (one vCPU at 1769 MB). Cold starts are CPU-bound:
   * loading the bundle is markedly slower at 256 or 512 MB's share (docs/architecture.md, Decisions).
   * @default - 1024 MB
   */
  readonly memorySize?: number;
  /**
   * Timeout of the function, 3 to 30 seconds.
   * @default - 5 seconds: the store's 2.5 s deadline plus the handler's 500 ms margin, with room for a slow first
   * request
   */
  readonly timeout?: Duration;
  /**
   * Whether Lambda traces the function with X-Ray (active tracing): a segment per sampled invocation, its
   * initialization and invocation timed, joined to API Gateway's trace. The function itself sends nothing; each
   * request's DynamoDB calls are timed in its metrics line, which names the trace.
   * @default true
   */
  readonly tracing?: boolean;
  /**
   * Whether the function also runs the X-Ray SDK (Powertools Tracer), for a subsegment per DynamoDB call inside each
   * sampled trace. It costs every invocation CPU, sampled or not, and every cold start time (see
   * docs/architecture.md, Observability). Traces record no response and none of our error messages (a failed DynamoDB
   * call keeps DynamoDB's own error message). Needs `tracing`.
   * @default false
   */
  readonly traceDynamoDbCalls?: boolean;
  /**
   * The CloudWatch namespace of the function's own metrics (see functions/chat-config/metrics.ts).
   * @default - the stack's name, so that two deployments in one account and region never mix their metrics
   */
  readonly metricsNamespace?: string;
}

// The store gives DynamoDB 2.5 s and the handler answers 503 500 ms before the Lambda deadline: a shorter timeout
// would cut the store's own deadline short. API Gateway HTTP APIs stop waiting for an integration after 30 s.
const MIN_TIMEOUT_SECONDS = 3;
const MAX_TIMEOUT_SECONDS = 30;
const STAGE_NAME = /^(\$default|[A-Za-z0-9_-]{1,128})$/;
// CloudWatch's rule for a namespace; "AWS/" is AWS's own.
const METRICS_NAMESPACE = /^(?!AWS\/)[A-Za-z0-9.\-_/#: ]{1,255}$/;

/** The props of a `ChatConfigApi` (but its table and auth) with their defaults applied: what the function runs with. */
export type ChatConfigApiSettings = Required<Omit<ChatConfigApiProps, 'table' | 'auth' | 'throttle'>> & {
  readonly throttle: Required<ThrottleSettings>;
};

/** The settings, once each is checked: a bad one fails the synth, naming the construct and the prop. */
export const validatedApiSettings = (
  scope: IConstruct,
  settings: ChatConfigApiSettings,
): ChatConfigApiSettings => {
  const { fail, known } = propChecks(scope);
  if (known(settings.stageName) && !STAGE_NAME.test(settings.stageName)) {
    fail(`stageName must be "$default" or 1 to 128 of A-Z a-z 0-9 _ -, not "${settings.stageName}"`);
  }
  const { rateLimit, burstLimit } = settings.throttle;
  if (known(rateLimit) && !(rateLimit > 0 && rateLimit <= 10_000)) {
    fail(
      `throttle.rateLimit must be a number of requests per second above 0 and at most 10000, not ${rateLimit}`,
    );
  }
  if (known(burstLimit) && !(Number.isInteger(burstLimit) && burstLimit >= 1 && burstLimit <= 5_000)) {
    fail(`throttle.burstLimit must be a whole number of requests from 1 to 5000, not ${burstLimit}`);
  }
  const originsAreWrong = known(settings.corsAllowedOrigins)
    ? allowedOriginsProblem(settings.corsAllowedOrigins, known)
    : undefined;
  if (originsAreWrong !== undefined) fail(`corsAllowedOrigins ${originsAreWrong}`);
  if (known(settings.logRetention) && !Object.values(RetentionDays).includes(settings.logRetention)) {
    fail(`logRetention must be one of the RetentionDays values, not ${settings.logRetention}`);
  }
  if (
    known(settings.memorySize) &&
    !(Number.isInteger(settings.memorySize) && settings.memorySize >= 128 && settings.memorySize <= 10_240)
  ) {
    fail(`memorySize must be a whole number of MB from 128 to 10240, not ${settings.memorySize}`);
  }
  const ownerAttributeIsWrong = known(settings.ownerAttribute)
    ? ownerAttributeProblem(settings.ownerAttribute)
    : undefined;
  if (ownerAttributeIsWrong !== undefined) fail(`ownerAttribute: ${ownerAttributeIsWrong}`);
  if (known(settings.metricsNamespace) && !METRICS_NAMESPACE.test(settings.metricsNamespace)) {
    fail(
      `metricsNamespace must be 1 to 255 of A-Z a-z 0-9 . - _ / # : and space, not starting with "AWS/", not "${settings.metricsNamespace}"`,
    );
  }
  if (settings.traceDynamoDbCalls === true && settings.tracing === false) {
    fail('traceDynamoDbCalls needs tracing: subsegments go into the traces Lambda sends');
  }
  const timeoutSeconds = settings.timeout.toSeconds();
  if (
    known(timeoutSeconds) &&
    !(timeoutSeconds >= MIN_TIMEOUT_SECONDS && timeoutSeconds <= MAX_TIMEOUT_SECONDS)
  ) {
    fail(
      `timeout must be from ${MIN_TIMEOUT_SECONDS} to ${MAX_TIMEOUT_SECONDS} seconds (the store's deadline needs 3 s; API Gateway waits 30 s at most), not ${timeoutSeconds} s`,
    );
  }
  return settings;
};
