import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { SAM_LOCAL_AUTHORIZER_SETTING } from '../../functions/chat-config/sam-local';
import { CHAT_CONFIG_TABLE_ACTIONS, ChatConfigApi, type ChatConfigApiProps } from '../../lib/chat-config-api';
import { CHAT_CONFIG_CORS } from '../../lib/cors-policy';
import { IDEMPOTENCY_TABLE_ACTIONS } from '../../lib/idempotency-table';
import { createTestApp, removeTestAssemblies, templateOf } from '../helpers/cdk';

afterAll(removeTestAssemblies);

const synth = (
  props: ChatConfigApiProps = {},
  withTable?: (stack: Stack) => ChatConfigApiProps['table'],
): { template: Template; construct: ChatConfigApi; stack: Stack } => {
  const stack = new Stack(createTestApp(), 'Test');
  const construct = new ChatConfigApi(stack, 'ChatConfig', {
    ...props,
    ...(withTable ? { table: withTable(stack) } : {}),
  });
  return { template: templateOf(stack), construct, stack };
};

const functionLogGroupOf = (template: Template): string =>
  Object.values(template.findResources('AWS::Lambda::Function'))[0]?.Properties.LoggingConfig.LogGroup.Ref;

// One synth with the defaults serves the tests that only read it.
const defaults = synth();

const logicalIdOf = (template: Template, type: string, props?: object): string => {
  const ids = Object.keys(template.findResources(type, props));
  expect(ids).toHaveLength(1);
  return ids[0] as string;
};

/** The logical id of the one table keyed by `key`: `sessionId` for the sessions, `id` for the idempotency records. */
const tableIdOf = (template: Template, key: string): string =>
  logicalIdOf(template, 'AWS::DynamoDB::GlobalTable', {
    Properties: { KeySchema: [{ AttributeName: key, KeyType: 'HASH' }] },
  });

describe('ChatConfigApi routes', () => {
  it('routes GET, POST, PUT and PATCH /api/chat-sessions/{sessionId}/config, and nothing else, to the function', () => {
    // GIVEN the default construct
    const { template } = defaults;

    // THEN
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (route) => route.Properties.RouteKey,
    );
    expect(routes.sort()).toEqual([
      'GET /api/chat-sessions/{sessionId}/config',
      'PATCH /api/chat-sessions/{sessionId}/config',
      'POST /api/chat-sessions/{sessionId}/config',
      'PUT /api/chat-sessions/{sessionId}/config',
    ]);
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: {
        'Fn::GetAtt': [logicalIdOf(template, 'AWS::Lambda::Function'), 'Arn'],
      },
    });
  });

  it('is an HTTP API (API Gateway v2), not a REST API', () => {
    defaults.template.resourceCountIs('AWS::ApiGateway::RestApi', 0);
    defaults.template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
  });
});

describe('ChatConfigApi function', () => {
  it('runs on nodejs24.x, arm64, 1024 MB, 5 s, from the bundled index.mjs', () => {
    defaults.template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 1024,
      Timeout: 5,
      Handler: 'index.handler',
    });
  });

  it("gets the tables' names, its service name and whether If-Match and Idempotency-Key are required from its environment, and no NODE_OPTIONS", () => {
    const { template } = defaults;

    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          TABLE_NAME: { Ref: tableIdOf(template, 'sessionId') },
          IDEMPOTENCY_TABLE_NAME: { Ref: tableIdOf(template, 'id') },
          DYNAMODB_ENDPOINT: '',
          POWERTOOLS_SERVICE_NAME: 'chat-config',
          REQUIRE_IF_MATCH: 'false',
          REQUIRE_IDEMPOTENCY_KEY: 'false',
        },
      },
    });
    // Source maps are read when an error is logged, not parsed at every cold start.
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(fn?.Properties.Environment.Variables).not.toHaveProperty('NODE_OPTIONS');
  });

  it('never has AWS_SAM_LOCAL and keeps the SAM local issuer empty: setting either fails the synth', () => {
    // GIVEN the default function
    const [fn] = Object.values(defaults.template.findResources('AWS::Lambda::Function'));
    expect(fn?.Properties.Environment.Variables).not.toHaveProperty('AWS_SAM_LOCAL');
    expect(fn?.Properties.Environment.Variables[SAM_LOCAL_AUTHORIZER_SETTING]).toBe('');

    for (const [name, refusal] of [
      ['AWS_SAM_LOCAL', /must not have AWS_SAM_LOCAL: SAM CLI sets it/],
      [SAM_LOCAL_AUTHORIZER_SETTING, /SAM_LOCAL_JWT_AUTHORIZER must be empty: only env.json sets it/],
    ] as const) {
      // WHEN an operator sets it on the function
      const stack = new Stack(createTestApp(), 'Test');
      new ChatConfigApi(stack, 'ChatConfig').function.addEnvironment(name, 'true');

      // THEN
      expect(() => templateOf(stack)).toThrow(refusal);
    }
  });

  it('requires If-Match on writes when requireIfMatch is set', () => {
    synth({ requireIfMatch: true }).template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ REQUIRE_IF_MATCH: 'true' }) },
    });
  });

  it('requires an Idempotency-Key on writes when requireIdempotencyKey is set', () => {
    synth({ requireIdempotencyKey: true }).template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ REQUIRE_IDEMPOTENCY_KEY: 'true' }) },
    });
  });

  it('logs to its own log group, kept one month by default', () => {
    const { template } = defaults;
    const logGroups = template.findResources('AWS::Logs::LogGroup');

    template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogGroup: { Ref: Match.anyValue() } },
    });
    expect(logGroups[functionLogGroupOf(template)]?.Properties.RetentionInDays).toBe(30);
  });

  it('takes its memory and timeout from props', () => {
    const { template } = synth({ memorySize: 512, timeout: Duration.seconds(10) });

    template.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 512, Timeout: 10 });
  });
});

describe('ChatConfigApi table', () => {
  it('creates a TableV2 keyed by sessionId (string), on demand, with PITR and deletion protection', () => {
    defaults.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'sessionId', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'sessionId', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      Replicas: [
        Match.objectLike({
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      ],
    });
  });

  it('keeps the table when the stack is deleted or the table replaced', () => {
    defaults.template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('uses an existing table instead of creating one', () => {
    // GIVEN
    const { template, construct } = synth({}, (stack) =>
      TableV2.fromTableName(stack, 'Existing', 'team-sessions'),
    );

    // THEN only the idempotency records' table is created
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    tableIdOf(template, 'id');
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    expect(construct.table.tableName).toBe('team-sessions');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ TABLE_NAME: 'team-sessions' }) },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: ['dynamodb:Query', 'dynamodb:UpdateItem'],
            Effect: 'Allow',
            Resource: {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':dynamodb:',
                  { Ref: 'AWS::Region' },
                  ':',
                  { Ref: 'AWS::AccountId' },
                  ':table/team-sessions',
                ],
              ],
            },
          },
        ]),
      },
    });
  });
});

describe('ChatConfigApi idempotency table', () => {
  it('creates a TableV2 keyed by id (string), expiring records by their expiration attribute, on demand, with PITR and deletion protection', () => {
    defaults.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
      Replicas: [
        Match.objectLike({
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      ],
    });
  });

  it('keeps the records when the stack is deleted or the table replaced, as the sessions', () => {
    const { template } = defaults;

    expect(template.findResources('AWS::DynamoDB::GlobalTable')[tableIdOf(template, 'id')]).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it("grants exactly the DynamoDB actions Powertools' DynamoDB persistence layer sends", () => {
    // GIVEN every command the persistence layer constructs, as the IAM action it needs
    const source = readFileSync(
      'node_modules/@aws-lambda-powertools/idempotency/lib/esm/persistence/DynamoDBPersistenceLayer.js',
      'utf8',
    );
    const sent = [...source.matchAll(/new (\w+)Command\(/g)].map(([, name = '']) => `dynamodb:${name}`);

    // THEN
    expect(sent.length).toBeGreaterThan(0);
    expect([...new Set(sent)].sort()).toEqual([...IDEMPOTENCY_TABLE_ACTIONS].sort());
  });
});

describe('ChatConfigApi permissions', () => {
  it("lets the function do exactly dynamodb:Query and UpdateItem on the sessions, the persistence layer's actions on its records, write its own logs and send its traces, nothing else", () => {
    // GIVEN
    const { template } = defaults;
    const roleId = logicalIdOf(template, 'AWS::IAM::Role');

    // THEN one policy, on the function's role, with exactly these four statements
    expect(Object.keys(template.findResources('AWS::IAM::Policy'))).toHaveLength(1);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: [
          {
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [functionLogGroupOf(template), 'Arn'] },
          },
          {
            // X-Ray takes no resource ARN for these.
            Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
            Effect: 'Allow',
            Resource: '*',
          },
          {
            Action: ['dynamodb:Query', 'dynamodb:UpdateItem'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [tableIdOf(template, 'sessionId'), 'Arn'] },
          },
          {
            Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [tableIdOf(template, 'id'), 'Arn'] },
          },
        ],
      },
    });
  });

  it('grants exactly the DynamoDB actions the function code sends (DynamoDB Local does not check IAM)', () => {
    // GIVEN every command the function's code constructs, as the IAM action it needs
    const DOCUMENT_COMMANDS: Record<string, string> = {
      Get: 'GetItem',
      Query: 'Query',
      Scan: 'Scan',
      Put: 'PutItem',
      Update: 'UpdateItem',
      Delete: 'DeleteItem',
      BatchGet: 'BatchGetItem',
      BatchWrite: 'BatchWriteItem',
      TransactGet: 'TransactGetItems',
      TransactWrite: 'TransactWriteItems',
    };
    const sent = readdirSync('functions', { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) => [...readFileSync(join('functions', file), 'utf8').matchAll(/new (\w+)Command\(/g)])
      .map(([, name = '']) => `dynamodb:${DOCUMENT_COMMANDS[name] ?? name}`);

    // THEN
    expect(sent.length).toBeGreaterThan(0);
    expect([...new Set(sent)].sort()).toEqual([...CHAT_CONFIG_TABLE_ACTIONS].sort());
  });

  it('gives the role no managed policy (no logs:CreateLogGroup on every resource)', () => {
    defaults.template.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: Match.absent(),
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'lambda.amazonaws.com' },
          },
        ],
      },
    });
  });

  it('lets only API Gateway invoke the function, from this API', () => {
    const { template } = defaults;
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission'));

    expect(permissions.length).toBeGreaterThan(0);
    for (const permission of permissions) {
      expect(permission.Properties).toMatchObject({
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        SourceArn: {
          'Fn::Join': [
            '',
            expect.arrayContaining([{ Ref: logicalIdOf(template, 'AWS::ApiGatewayV2::Api') }]),
          ],
        },
      });
    }
  });
});

describe('ChatConfigApi stage', () => {
  it('throttles the $default stage at 50 requests per second, bursts of 100, by default', () => {
    defaults.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
  });

  it('takes the stage name and each throttling limit from props', () => {
    const { template } = synth({ stageName: 'v1', throttle: { rateLimit: 5 } });

    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: 'v1',
      DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 100 },
    });
  });

  it('writes one JSON access log line per request, with the request id, the caller, the route, the status and the latency, and no body or token', () => {
    // GIVEN
    const { template } = defaults;
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0];
    const settings = stage?.Properties.AccessLogSettings;

    // THEN each field is the variable API Gateway fills in, as a string, or as a number where one always comes
    const format = settings.Format as string;
    const variables = JSON.parse(format.replace(/(?<!")(\$context\.[\w.]+)/g, '{"number":"$1"}'));
    expect(variables).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: { number: '$context.status' },
      responseLatency: { number: '$context.responseLatency' },
      integrationLatency: '$context.integration.latency',
      caller: '$context.authorizer.claims.sub',
      authorizerError: '$context.authorizer.error',
    });
    // What API Gateway writes is one JSON line
    const line = JSON.parse(
      format.replace(/"\$context\.[\w.]+"/g, '"-"').replace(/\$context\.[\w.]+/g, '200'),
    );
    expect(line).toMatchObject({ status: 200, responseLatency: 200, requestId: '-' });
    expect(format).not.toMatch(/body|authorization|header/i);
    const logGroupId = settings.DestinationArn['Fn::GetAtt'][0];
    expect(template.findResources('AWS::Logs::LogGroup')[logGroupId]?.Properties.RetentionInDays).toBe(30);
  });

  it('writes no access logs when accessLogging is false', () => {
    const { template } = synth({ accessLogging: false });

    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      AccessLogSettings: Match.absent(),
    });
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
  });

  it('keeps both log groups as long as logRetention says', () => {
    const { template } = synth({ logRetention: RetentionDays.ONE_YEAR });

    const retentions = Object.values(template.findResources('AWS::Logs::LogGroup')).map(
      (group) => group.Properties.RetentionInDays,
    );
    expect(retentions).toEqual([365, 365]);
  });

  it('has the $default stage URL at the root of the API, and a named stage under its name', () => {
    const { construct: root, stack: rootStack } = synth();
    const { construct: named, stack: namedStack } = synth({ stageName: 'v1' });

    const urlOf = (stack: Stack, url: string) =>
      stack
        .resolve(url)
        ['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : '<token>'))
        .join('');

    expect(urlOf(rootStack, root.url)).toBe('https://<token>.execute-api.<token>.<token>/');
    expect(urlOf(namedStack, named.url)).toBe('https://<token>.execute-api.<token>.<token>/v1/');
  });
});

describe('ChatConfigApi CORS', () => {
  it('has no CORS configuration by default: browsers on other origins are refused', () => {
    defaults.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.absent(),
    });
  });

  it("allows the given origins the API's methods with tokens, JSON bodies, conditions and idempotency keys, and lets them read ETag, Retry-After, WWW-Authenticate and Idempotent-Replayed", () => {
    const { template } = synth({
      corsAllowedOrigins: ['https://app.example.com', 'http://localhost:5173'],
    });

    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: ['https://app.example.com', 'http://localhost:5173'],
        AllowMethods: ['GET', 'POST', 'PUT', 'PATCH'],
        AllowHeaders: ['authorization', 'content-type', 'if-match', 'if-none-match', 'idempotency-key'],
        ExposeHeaders: ['etag', 'retry-after', 'www-authenticate', 'idempotent-replayed'],
        MaxAge: 3600,
      },
    });
  });

  it('writes the very policy the local API applies, without credentials (tokens travel in a header, not cookies)', () => {
    const { template } = synth({ corsAllowedOrigins: ['https://app.example.com'] });

    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.exact({
        AllowOrigins: ['https://app.example.com'],
        AllowMethods: [...CHAT_CONFIG_CORS.allowMethods],
        AllowHeaders: [...CHAT_CONFIG_CORS.allowHeaders],
        ExposeHeaders: [...CHAT_CONFIG_CORS.exposeHeaders],
        MaxAge: CHAT_CONFIG_CORS.maxAgeSeconds,
      }),
    });
  });

  it('leaves preflights to API Gateway: no OPTIONS or catch-all route, which would put them behind the authorizer', () => {
    const { template } = synth({ corsAllowedOrigins: ['https://app.example.com'] });

    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (route) => route.Properties.RouteKey as string,
    );
    expect(routes).toHaveLength(CHAT_CONFIG_CORS.allowMethods.length);
    expect(routes.filter((key) => /^(OPTIONS|ANY) |^\$default$/.test(key))).toEqual([]);
  });
});

describe('ChatConfigApi props validation', () => {
  it.each<[string, ChatConfigApiProps, RegExp]>([
    ['a stage name with a slash', { stageName: 'v1/beta' }, /stageName must be "\$default" or 1 to 128/],
    ['a rate limit of 0', { throttle: { rateLimit: 0 } }, /throttle.rateLimit must be .* above 0/],
    [
      'a fractional burst limit',
      { throttle: { burstLimit: 2.5 } },
      /throttle.burstLimit must be a whole number/,
    ],
    [
      'an origin with a path',
      { corsAllowedOrigins: ['https://app.example.com/'] },
      /"https:\/\/app.example.com\/" is not allowed/,
    ],
    [
      'an origin without a scheme',
      { corsAllowedOrigins: ['app.example.com'] },
      /"app.example.com" is not allowed/,
    ],
    ['"*" beside other origins', { corsAllowedOrigins: ['*', 'https://a.example'] }, /or only "\*"/],
    [
      'an origin with a wildcard subdomain',
      { corsAllowedOrigins: ['https://*.example.com'] },
      /without wildcards.*"https:\/\/\*.example.com" is not allowed/,
    ],
    [
      'an origin with an upper-case host',
      { corsAllowedOrigins: ['https://App.example.com'] },
      /a lower-case host.*"https:\/\/App.example.com" is not allowed/,
    ],
    [
      'a retention that CloudWatch does not offer',
      { logRetention: 31 as RetentionDays },
      /logRetention must be one of/,
    ],
    [
      '64 MB of memory',
      { memorySize: 64 },
      /memorySize must be a whole number of MB from 128 to 10240, not 64/,
    ],
    ['a 2 s timeout', { timeout: Duration.seconds(2) }, /timeout must be from 3 to 30 seconds.*not 2 s/],
    ['a 60 s timeout', { timeout: Duration.seconds(60) }, /timeout must be from 3 to 30 seconds.*not 60 s/],
  ])('rejects %s at synth, naming the prop and the fix', (_case, props, message) => {
    const stack = new Stack(createTestApp(), 'Test');

    expect(() => new ChatConfigApi(stack, 'ChatConfig', props)).toThrow(message);
    expect(() => new ChatConfigApi(stack, 'ChatConfig2', props)).toThrow(/^Test\/ChatConfig2: /);
  });

  it('leaves values known only at deploy time (tokens) to CloudFormation', () => {
    const origin = Lazy.string({ produce: () => 'https://app.example.com' });

    const { template } = synth({
      corsAllowedOrigins: [origin],
      memorySize: Lazy.number({ produce: () => 2048 }),
    });

    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://app.example.com'] }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 2048 });
  });

  it('accepts "*" alone as the allowed origins', () => {
    const { template } = synth({ corsAllowedOrigins: ['*'] });

    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: ['*'] }),
    });
  });
});

describe('ChatConfigApi tracing', () => {
  it("has Lambda trace the function by default, without the X-Ray SDK's settings in the function", () => {
    const { template } = defaults;

    template.hasResourceProperties('AWS::Lambda::Function', {
      TracingConfig: { Mode: 'Active' },
      Environment: {
        Variables: Match.not(Match.objectLike({ POWERTOOLS_TRACE_ENABLED: Match.anyValue() })),
      },
    });
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).toContain('xray:PutTraceSegments');
  });

  it('turns the X-Ray SDK on with traceDynamoDbCalls, recording neither responses nor error messages', () => {
    const { template } = synth({ traceDynamoDbCalls: true });

    template.hasResourceProperties('AWS::Lambda::Function', {
      TracingConfig: { Mode: 'Active' },
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_TRACE_ENABLED: 'true',
          POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
          POWERTOOLS_TRACER_CAPTURE_ERROR: 'false',
        }),
      },
    });
  });

  it('sends no trace and grants no X-Ray action when tracing is off', () => {
    const { template } = synth({ tracing: false });

    template.hasResourceProperties('AWS::Lambda::Function', { TracingConfig: Match.absent() });
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('xray:');
  });

  it('refuses traceDynamoDbCalls without tracing, naming both', () => {
    expect(() => synth({ tracing: false, traceDynamoDbCalls: true })).toThrow(
      /traceDynamoDbCalls needs tracing/,
    );
  });
});

describe('ChatConfigApi metrics namespace', () => {
  it("names the function's metrics namespace after the stack, so that two deployments never mix", () => {
    const { template, construct } = defaults;

    expect(construct.metricsNamespace).toBe('Test');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_METRICS_NAMESPACE: 'Test' }) },
    });
  });

  it.each(['AWS/Lambda', '', 'bad|name'])('refuses the namespace "%s" at synth', (metricsNamespace) => {
    expect(() => synth({ metricsNamespace })).toThrow(/metricsNamespace must be/);
  });
});
