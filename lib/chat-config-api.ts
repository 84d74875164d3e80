import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CorsHttpMethod,
  HttpApi,
  type HttpMethod,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, Billing, type ITable, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type CfnFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { SERVICE_NAME } from '../functions/chat-config/metrics';
import { CHAT_CONFIG_METHODS, CHAT_CONFIG_PATH, REQUIRED_SCOPE } from '../functions/chat-config/routes';
import { SAM_LOCAL_AUTHORIZER_SETTING } from '../functions/chat-config/sam-local';
import { STORE_OPERATIONS } from '../functions/sessions/session-table';
import { ACCESS_LOG_FORMAT } from './access-log-format';
import {
  CHAT_CONFIG_API_DEFAULTS,
  type ChatConfigApiProps,
  validatedApiSettings,
} from './chat-config-api-props';
import { ChatConfigAuth } from './chat-config-auth';
import { CHAT_CONFIG_BUNDLING } from './chat-config-bundling';
import { chatConfigCorsPolicy } from './cors-policy';
import { IdempotencyTable } from './idempotency-table';

/** The DynamoDB actions the function's code calls, and nothing else. */
export const CHAT_CONFIG_TABLE_ACTIONS = STORE_OPERATIONS.map((operation) => `dynamodb:${operation}`);

export { CHAT_CONFIG_API_DEFAULTS, type ChatConfigApiProps } from './chat-config-api-props';

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
  /** Where the first response to each write sent with an `Idempotency-Key` is kept for its retries. */
  readonly idempotencyTable: IdempotencyTable;
  /** The Lambda function behind every route. */
  readonly function: NodejsFunction;
  /** Who may call: the routes' authorizer, and the user pool unless an issuer was given. */
  readonly auth: ChatConfigAuth;
  /** The namespace of the function's own metrics. */
  readonly metricsNamespace: string;

  constructor(scope: Construct, id: string, props: ChatConfigApiProps = {}) {
    super(scope, id);
    const settings = validatedApiSettings(this, {
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
      requireIdempotencyKey: props.requireIdempotencyKey ?? CHAT_CONFIG_API_DEFAULTS.requireIdempotencyKey,
      memorySize: props.memorySize ?? CHAT_CONFIG_API_DEFAULTS.memorySize,
      timeout: props.timeout ?? CHAT_CONFIG_API_DEFAULTS.timeout,
      ownerAttribute: props.ownerAttribute ?? CHAT_CONFIG_API_DEFAULTS.ownerAttribute,
      tracing: props.tracing ?? CHAT_CONFIG_API_DEFAULTS.tracing,
      traceDynamoDbCalls: props.traceDynamoDbCalls ?? CHAT_CONFIG_API_DEFAULTS.traceDynamoDbCalls,
      metricsNamespace: props.metricsNamespace ?? Stack.of(this).stackName,
    });

    this.table =
      props.table ??
      new TableV2(this, 'Sessions', {
        partitionKey: { name: 'sessionId', type: AttributeType.STRING },
        billing: Billing.onDemand(),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    this.idempotencyTable = new IdempotencyTable(this, 'IdempotencyRecords');

    // Its own log group and a role that may write there: no managed policy, no logs:CreateLogGroup on `*`.
    const functionLogs = new LogGroup(this, 'FunctionLogs', { retention: settings.logRetention });
    const role = new Role(this, 'FunctionRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description:
        'chat-config function: writes its logs, reads and updates session items and its idempotency records',
    });
    functionLogs.grantWrite(role);

    this.metricsNamespace = settings.metricsNamespace;
    this.function = new NodejsFunction(this, 'ChatConfigFunction', {
      // Only the traced entry's bundle holds the X-Ray SDK.
      entry: fileURLToPath(
        new URL(
          `../functions/chat-config/${settings.traceDynamoDbCalls ? 'traced-handler' : 'handler'}.ts`,
          import.meta.url,
        ),
      ),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: settings.memorySize,
      timeout: settings.timeout,
      role,
      logGroup: functionLogs,
      tracing: settings.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      environment: {
        TABLE_NAME: this.table.tableName,
        IDEMPOTENCY_TABLE_NAME: this.idempotencyTable.tableName,
        // Empty in AWS: the region's DynamoDB. Declared so that sam local's --env-vars can point it at a local one
        // (SAM overrides only the variables a template declares).
        DYNAMODB_ENDPOINT: '',
        // Empty in AWS, and never read there: under SAM local, whose start-api runs no JWT authorizer, env.json sets
        // the issuer the function then checks tokens against itself.
        [SAM_LOCAL_AUTHORIZER_SETTING]: '',
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: settings.metricsNamespace,
        ...(settings.traceDynamoDbCalls
          ? {
              POWERTOOLS_TRACE_ENABLED: 'true',
              // The handler's subsegment keeps its timing and the error flag; never the response (config values) nor
              // the error's message (which may quote what a client sent).
              POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
              POWERTOOLS_TRACER_CAPTURE_ERROR: 'false',
            }
          : {}),
        REQUIRE_IF_MATCH: String(settings.requireIfMatch),
        REQUIRE_IDEMPOTENCY_KEY: String(settings.requireIdempotencyKey),
        OWNER_ATTRIBUTE: settings.ownerAttribute,
      },
      bundling: CHAT_CONFIG_BUNDLING,
    });
    // The stand-in for the routes' authorizer runs under SAM local only: the deployed function never has its switch,
    // nor an issuer to trust besides the authorizer's.
    this.node.addValidation({
      validate: () => {
        const fn = this.function.node.defaultChild as CfnFunction;
        const variables: Record<string, unknown> = Stack.of(this).resolve(fn.environment)?.variables ?? {};
        return [
          ...('AWS_SAM_LOCAL' in variables
            ? [
                'The function must not have AWS_SAM_LOCAL: SAM CLI sets it in its containers, and Lambda never does',
              ]
            : []),
          ...(variables[SAM_LOCAL_AUTHORIZER_SETTING] !== ''
            ? [
                `The function's ${SAM_LOCAL_AUTHORIZER_SETTING} must be empty: only env.json sets it, for SAM local`,
              ]
            : []),
        ];
      },
    });
    this.table.grant(this.function, ...CHAT_CONFIG_TABLE_ACTIONS);
    this.idempotencyTable.grantRecords(this.function);

    const cors = chatConfigCorsPolicy(settings.corsAllowedOrigins);
    this.api = new HttpApi(this, 'Api', {
      apiName: `${Stack.of(this).stackName}-${id}`,
      description: 'Chat session configuration API',
      createDefaultStage: false,
      ...(cors === undefined
        ? {}
        : {
            // API Gateway answers preflights itself, before the routes' authorizer, and adds these to every answer.
            corsPreflight: {
              allowOrigins: [...cors.allowOrigins],
              allowMethods: cors.allowMethods.map((method) => method as CorsHttpMethod),
              allowHeaders: [...cors.allowHeaders],
              exposeHeaders: [...cors.exposeHeaders],
              maxAge: Duration.seconds(cors.maxAgeSeconds),
            },
          }),
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
