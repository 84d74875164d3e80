import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CorsHttpMethod,
  HttpApi,
  type HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  type ThrottleSettings,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, Billing, type ITable, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { SERVICE_NAME } from '../functions/chat-config/metrics';
import { CHAT_CONFIG_METHODS, CHAT_CONFIG_PATH, REQUIRED_SCOPE } from '../functions/chat-config/routes';
import {
  DEFAULT_OWNER_ATTRIBUTE,
  ownerAttributeProblem,
  STORE_OPERATIONS,
} from '../functions/sessions/session-table';
import { ChatConfigAuth, type ChatConfigAuthProps } from './chat-config-auth';
import { propChecks } from './prop-checks';

/** The DynamoDB actions the function's code calls, and nothing else. */
export const CHAT_CONFIG_TABLE_ACTIONS = STORE_OPERATIONS.map((operation) => `dynamodb:${operation}`);

/** Limits every `ChatConfigApi` starts with unless its props say otherwise. */
export const CHAT_CONFIG_API_DEFAULTS = {
  stageName: '$default',
  throttle: { rateLimit: 50, burstLimit: 100 },
  logRetention: RetentionDays.ONE_MONTH,
  accessLogging: true,
  requireIfMatch: false,
  ownerAttribute: DEFAULT_OWNER_ATTRIBUTE,
  memorySize: 1024,
  timeout: Duration.seconds(5),
  tracing: true,
} as const;

/**
 * How the function's code is bundled: one minified ES module with the AWS SDK inside. `npm run bench` builds its
 * comparison bundles with these same settings.
 */
export const CHAT_CONFIG_BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: 'node24',
  // The packages' ES builds: smaller than their CommonJS builds, and quicker to load.
  mainFields: ['module', 'main'],
  minify: true,
  sourceMap: true,
  // File and line numbers in stack traces, without shipping every dependency's source in the map.
  sourcesContent: false,
  // What runs in Lambda is what ran in the tests: the SDK versions of package-lock.json, not the runtime's.
  bundleAwsSDK: true,
  externalModules: [],
  // The X-Ray SDK (Powertools Tracer's) is CommonJS and requires Node's built-ins, which an ES module can only do
  // through a require of its own.
  banner:
    "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
};

// The store gives DynamoDB 2.5 s and the handler answers 503 500 ms before the Lambda deadline: a shorter timeout
// would cut the store's own deadline short. API Gateway HTTP APIs stop waiting for an integration after 30 s.
const MIN_TIMEOUT_SECONDS = 3;
const MAX_TIMEOUT_SECONDS = 30;
const STAGE_NAME = /^(\$default|[A-Za-z0-9_-]{1,128})$/;
// CloudWatch's rule for a namespace; "AWS/" is AWS's own.
const METRICS_NAMESPACE = /^(?!AWS\/)[A-Za-z0-9.\-_/#: ]{1,255}$/;

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
   * Whether the function is traced with X-Ray (Lambda's active tracing and Powertools Tracer): a segment per sampled
   * invocation, with a subsegment per DynamoDB call. Traces record no response and none of our error messages (a failed
   * DynamoDB call keeps DynamoDB's own error message).
   * @default true
   */
  readonly tracing?: boolean;
  /**
   * The CloudWatch namespace of the function's own metrics (see functions/chat-config/metrics.ts).
   * @default - the stack's name, so that two deployments in one account and region never mix their metrics
   */
  readonly metricsNamespace?: string;
}

/**
 * The chat-config API: an API Gateway HTTP API whose `GET`, `POST`, `PUT` and `PATCH
 * /api/chat-sessions/{sessionId}/config` routes, each behind a JWT authorizer, invoke one Node.js 24 function, which
 * reads and updates the caller's own session items in a DynamoDB table.
 */
export class ChatConfigApi extends Construct {
  /** The HTTP API, with the config's routes. */
  readonly api: HttpApi;
  /** Its one stage, auto-deployed, throttled and access-logged. */
  readonly stage: HttpStage;
  /** The sessions table: the one created, or the one given in props. */
  readonly table: ITable;
  /** The Lambda function behind every route. */
  readonly function: NodejsFunction;
  /** Who may call: the routes' authorizer, and the user pool unless an issuer was given. */
  readonly auth: ChatConfigAuth;
  /** The namespace of the function's own metrics. */
  readonly metricsNamespace: string;

  constructor(scope: Construct, id: string, props: ChatConfigApiProps = {}) {
    super(scope, id);
    const settings = validated(this, props);

    this.table =
      props.table ??
      new TableV2(this, 'Sessions', {
        partitionKey: { name: 'sessionId', type: AttributeType.STRING },
        billing: Billing.onDemand(),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });

    // Its own log group and a role that may write there: no managed policy, no logs:CreateLogGroup on `*`.
    const functionLogs = new LogGroup(this, 'FunctionLogs', { retention: settings.logRetention });
    const role = new Role(this, 'FunctionRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'chat-config function: writes its logs, reads and updates session items',
    });
    functionLogs.grantWrite(role);

    this.metricsNamespace = settings.metricsNamespace;
    this.function = new NodejsFunction(this, 'ChatConfigFunction', {
      entry: fileURLToPath(new URL('../functions/chat-config/handler.ts', import.meta.url)),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: settings.memorySize,
      timeout: settings.timeout,
      role,
      logGroup: functionLogs,
      tracing: settings.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      environment: {
        TABLE_NAME: this.table.tableName,
        // Empty in AWS: the region's DynamoDB. Declared so that sam local's --env-vars can point it at a local one
        // (SAM overrides only the variables a template declares).
        DYNAMODB_ENDPOINT: '',
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: settings.metricsNamespace,
        POWERTOOLS_TRACE_ENABLED: String(settings.tracing),
        // The handler's subsegment keeps its timing and the error flag; never the response (config values) nor the
        // error's message (which may quote what a client sent).
        POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
        POWERTOOLS_TRACER_CAPTURE_ERROR: 'false',
        REQUIRE_IF_MATCH: String(settings.requireIfMatch),
        OWNER_ATTRIBUTE: settings.ownerAttribute,
      },
      bundling: CHAT_CONFIG_BUNDLING,
    });
    this.table.grant(this.function, ...CHAT_CONFIG_TABLE_ACTIONS);

    this.api = new HttpApi(this, 'Api', {
      apiName: `${Stack.of(this).stackName}-${id}`,
      description: 'Chat session configuration API',
      createDefaultStage: false,
      ...(settings.corsAllowedOrigins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: [...settings.corsAllowedOrigins],
              allowMethods: CHAT_CONFIG_METHODS.map((method) => method as CorsHttpMethod),
              allowHeaders: ['authorization', 'content-type', 'if-match', 'if-none-match'],
              exposeHeaders: ['etag', 'retry-after', 'www-authenticate'],
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });
    // Every route has the authorizer and the scope of its method: API Gateway refuses a request without a valid token
    // (401) or without that scope (403) before the function runs.
    this.auth = new ChatConfigAuth(this, 'Auth', props.auth);
    const integration = new HttpLambdaIntegration('ChatConfig', this.function);
    for (const method of CHAT_CONFIG_METHODS) {
      this.api.addRoutes({
        path: CHAT_CONFIG_PATH,
        methods: [method as HttpMethod],
        integration,
        authorizer: this.auth.authorizer,
        authorizationScopes: [REQUIRED_SCOPE[method] as string],
      });
    }

    this.stage = new HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: settings.stageName,
      autoDeploy: true,
      throttle: settings.throttle,
      ...(settings.accessLogging
        ? {
            accessLogSettings: {
              destination: new LogGroupLogDestination(
                new LogGroup(this, 'AccessLogs', { retention: settings.logRetention }),
              ),
              format: AccessLogFormat.custom(ACCESS_LOG_FORMAT),
            },
          }
        : {}),
    });

    // Findings of cdk-nag's AWS Solutions rules this construct accepts, each for the reason given.
    if (settings.tracing) {
      Validations.of(role).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason:
          "Active tracing's xray:PutTraceSegments and xray:PutTelemetryRecords take no resource ARN: X-Ray accepts only *.",
      });
    }
    if (!settings.accessLogging) {
      Validations.of(this).acknowledge({
        id: 'AwsSolutions::AwsSolutions-APIG1',
        reason: 'Access logging was turned off by the operator (accessLogging: false).',
      });
    }
  }

  /** The URL clients call, ending with `/`. */
  get url(): string {
    // A `$default` stage's URL is the API's root, with its `/`; a named stage's lacks the `/`.
    return this.stage.stageName === '$default' ? this.stage.url : `${this.stage.url}/`;
  }
}

// One JSON line per request. Bodies never appear in HTTP API access logs; these fields carry no config value and no
// token.
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integration.status',
  integrationLatency: '$context.integration.latency',
  integrationError: '$context.integration.error',
  // Who called (the token's sub), and why the authorizer refused a token: no claim value but the user id.
  caller: '$context.authorizer.claims.sub',
  authorizerError: '$context.authorizer.error',
  error: '$context.error.message',
};

// Numbers in the JSON, so that Logs Insights compares them as numbers (`status >= 500`): these two always have a
// value, unlike the integration's, which are "-" when no integration ran.
const NUMERIC_ACCESS_LOG_FIELDS = ['status', 'responseLatency'] as const;
const ACCESS_LOG_FORMAT = NUMERIC_ACCESS_LOG_FIELDS.reduce(
  (format, field) => format.replace(`"${ACCESS_LOG_FIELDS[field]}"`, ACCESS_LOG_FIELDS[field]),
  JSON.stringify(ACCESS_LOG_FIELDS),
);

const validated = (scope: Construct, props: ChatConfigApiProps) => {
  const { fail, known } = propChecks(scope);
  const settings = {
    stageName: props.stageName ?? CHAT_CONFIG_API_DEFAULTS.stageName,
    // Either limit may be set alone; the other keeps its default.
    throttle: {
      rateLimit: props.throttle?.rateLimit ?? CHAT_CONFIG_API_DEFAULTS.throttle.rateLimit,
      burstLimit: props.throttle?.burstLimit ?? CHAT_CONFIG_API_DEFAULTS.throttle.burstLimit,
    },
    corsAllowedOrigins: props.corsAllowedOrigins ?? [],
    logRetention: props.logRetention ?? CHAT_CONFIG_API_DEFAULTS.logRetention,
    accessLogging: props.accessLogging ?? CHAT_CONFIG_API_DEFAULTS.accessLogging,
    requireIfMatch: props.requireIfMatch ?? CHAT_CONFIG_API_DEFAULTS.requireIfMatch,
    memorySize: props.memorySize ?? CHAT_CONFIG_API_DEFAULTS.memorySize,
    timeout: props.timeout ?? CHAT_CONFIG_API_DEFAULTS.timeout,
    ownerAttribute: props.ownerAttribute ?? CHAT_CONFIG_API_DEFAULTS.ownerAttribute,
    tracing: props.tracing ?? CHAT_CONFIG_API_DEFAULTS.tracing,
    metricsNamespace: props.metricsNamespace ?? Stack.of(scope).stackName,
  };

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
  const origins = known(settings.corsAllowedOrigins) ? settings.corsAllowedOrigins.filter(known) : [];
  for (const origin of origins) {
    if (origin === '*' ? settings.corsAllowedOrigins.length > 1 : !isOrigin(origin)) {
      fail(
        `corsAllowedOrigins must hold origins such as "https://app.example.com" (http or https, a lower-case host without wildcards, no path), or only "*"; "${origin}" is not allowed`,
      );
    }
  }
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

const isOrigin = (value: string): boolean => {
  const url = URL.parse(value);
  return (
    url !== null && /^https?:$/.test(url.protocol) && !url.hostname.includes('*') && url.origin === value
  );
};
