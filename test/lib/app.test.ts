import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from '@jest/globals';
import type { App } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CHAT_CONFIG_ALARM_DEFAULTS } from '../../lib/alarm-thresholds';
import { defineChatConfigApp } from '../../lib/app';
import { CHAT_CONFIG_API_DEFAULTS } from '../../lib/chat-config-api';
import { CHAT_CONFIG_AUTH_DEFAULTS } from '../../lib/chat-config-auth-defaults';
import { ChatConfigStack } from '../../lib/chat-config-stack';
import { cdkJsonContext, createTestApp, removeTestAssemblies, templateOf } from '../helpers/cdk';

afterAll(removeTestAssemblies);

interface ValidationReport {
  pluginReports: {
    pluginName: string;
    violations: { ruleName: string }[];
    suppressedViolations: {
      ruleName: string;
      reason: string;
      violatingConstructs: { constructPath: string }[];
    }[];
  }[];
}

/** Synthesizes the app as `cdk synth` would (cdk.json's context plus `overrides`) and reads cdk-nag's report. */
const synthApp = (overrides: Record<string, unknown> = {}) => {
  const app = createTestApp({ context: { ...cdkJsonContext(), ...overrides } });
  const stack = defineChatConfigApp(app);
  const assembly = app.synth();
  const report: ValidationReport = JSON.parse(
    readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'),
  );
  return {
    stack,
    template: templateOf(stack),
    nag: report.pluginReports.find((r) => r.pluginName === 'AwsSolutions'),
  };
};

/** The Default column of docs/operations.md's table of `chat-config:` keys: `"x"` and `[…]` as JSON, else as text. */
const documentedDefaults = (): Record<string, unknown> =>
  Object.fromEntries(
    [
      ...readFileSync('docs/operations.md', 'utf8').matchAll(/^\| `(chat-config:\w+)` +\| `([^|]*)` +\|/gm),
    ].map(([, key, value = '']) => {
      try {
        return [key, JSON.parse(value)];
      } catch {
        return [key, value];
      }
    }),
  );

const define = (context: Record<string, unknown>): (() => unknown) => {
  const app: App = createTestApp({ context: { ...cdkJsonContext(), ...context } });
  return () => defineChatConfigApp(app);
};

describe('the CDK app', () => {
  it('names the stack ChatConfigApi, so that cdk.out/ChatConfigApi.template.json is stable', () => {
    expect(synthApp().stack.stackName).toBe('ChatConfigApi');
  });

  it("outputs the API URL, the tables' names and the function name", () => {
    // GIVEN
    const { template, stack } = synthApp();
    const tableKeyedBy = (key: string) =>
      Object.keys(
        template.findResources('AWS::DynamoDB::GlobalTable', {
          Properties: { KeySchema: [{ AttributeName: key, KeyType: 'HASH' }] },
        }),
      )[0];

    // THEN
    template.hasOutput('ApiUrl', {
      Value: stack.resolve(stack.chatConfig.url),
      Description: 'Base URL of the API: GET/POST/PUT/PATCH <ApiUrl>api/chat-sessions/{sessionId}/config',
    });
    template.hasOutput('TableName', { Value: { Ref: tableKeyedBy('sessionId') } });
    template.hasOutput('IdempotencyTableName', { Value: { Ref: tableKeyedBy('id') } });
    template.hasOutput('FunctionName', {
      Value: { Ref: Object.keys(template.findResources('AWS::Lambda::Function'))[0] },
    });
  });

  it("documents the constructs' own defaults in docs/operations.md, which cdk.json does not restate", () => {
    // GIVEN cdk.json, and the defaults docs/operations.md documents for each key
    const context = cdkJsonContext();
    const documented = documentedDefaults();

    // THEN cdk.json restates no default (it holds the stages), and the docs give the constructs' own
    expect(Object.keys(context).filter((key) => key.startsWith('chat-config:'))).toEqual([
      'chat-config:stages',
    ]);
    expect(documented).toMatchObject({
      'chat-config:stackName': 'ChatConfigApi',
      'chat-config:tableName': '',
      'chat-config:stageName': CHAT_CONFIG_API_DEFAULTS.stageName,
      'chat-config:throttleRateLimit': CHAT_CONFIG_API_DEFAULTS.throttle.rateLimit,
      'chat-config:throttleBurstLimit': CHAT_CONFIG_API_DEFAULTS.throttle.burstLimit,
      'chat-config:corsAllowedOrigins': [],
      'chat-config:logRetentionDays': CHAT_CONFIG_API_DEFAULTS.logRetention,
      'chat-config:accessLogging': CHAT_CONFIG_API_DEFAULTS.accessLogging,
      'chat-config:requireIfMatch': CHAT_CONFIG_API_DEFAULTS.requireIfMatch,
      'chat-config:requireIdempotencyKey': CHAT_CONFIG_API_DEFAULTS.requireIdempotencyKey,
      'chat-config:ownerAttribute': CHAT_CONFIG_API_DEFAULTS.ownerAttribute,
      'chat-config:jwtIssuer': '',
      'chat-config:jwtAudience': [],
      'chat-config:oauthCallbackUrls': CHAT_CONFIG_AUTH_DEFAULTS.oauthCallbackUrls,
      'chat-config:authDomainPrefix': '',
      'chat-config:tracing': CHAT_CONFIG_API_DEFAULTS.tracing,
      'chat-config:traceDynamoDbCalls': CHAT_CONFIG_API_DEFAULTS.traceDynamoDbCalls,
      'chat-config:alarmTopicArn': '',
      'chat-config:alarmEmails': [],
      'chat-config:alarmApi5xxRatePercent': CHAT_CONFIG_ALARM_DEFAULTS.api5xxRatePercent,
      'chat-config:alarmApiLatencyP99Ms': CHAT_CONFIG_ALARM_DEFAULTS.apiLatencyP99Ms,
      'chat-config:alarmLambdaErrors': CHAT_CONFIG_ALARM_DEFAULTS.lambdaErrors,
      'chat-config:alarmLambdaThrottles': CHAT_CONFIG_ALARM_DEFAULTS.lambdaThrottles,
      'chat-config:alarmDurationPercentOfTimeout': CHAT_CONFIG_ALARM_DEFAULTS.durationPercentOfTimeout,
      'chat-config:alarmDynamoDbThrottledRequests': CHAT_CONFIG_ALARM_DEFAULTS.dynamoDbThrottledRequests,
      'chat-config:alarmDynamoDbSystemErrors': CHAT_CONFIG_ALARM_DEFAULTS.dynamoDbSystemErrors,
    });
  });

  it('outputs the token issuer, the user pool, its app client and its login URL', () => {
    const { template, stack } = synthApp();
    const { auth } = stack.chatConfig;

    template.hasOutput('TokenIssuer', { Value: stack.resolve(auth.issuer) });
    template.hasOutput('UserPoolId', { Value: stack.resolve(auth.userPool?.userPoolId) });
    template.hasOutput('AppClientId', { Value: stack.resolve(auth.userPoolClient?.userPoolClientId) });
    template.hasOutput('LoginUrl', { Value: stack.resolve(auth.userPoolDomain?.baseUrl()) });
  });

  it('outputs only the issuer when tokens come from an issuer the operator runs', () => {
    const { template } = synthApp({
      'chat-config:jwtIssuer': 'https://login.example.com/',
      'chat-config:jwtAudience': 'chat-config-api',
    });

    template.hasOutput('TokenIssuer', { Value: 'https://login.example.com/' });
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual([
      'AlarmTopicArn',
      'ApiUrl',
      'DashboardName',
      'FunctionName',
      'IdempotencyTableName',
      'TableName',
      'TokenIssuer',
    ]);
  });
});

describe('bin/app.ts, as cdk synth and cdk deploy run it', () => {
  /** Runs the app with `context` as the CDK CLI passes it, into a temporary folder: its exit code and output. */
  const runApp = async (context: Record<string, unknown>) => {
    const outdir = mkdtempSync(join(tmpdir(), 'chat-config-app-'));
    try {
      await promisify(execFile)('tsx', ['bin/app.ts'], {
        env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(context) },
      });
      return { code: 0, stderr: '' };
    } catch (error) {
      const { code, stderr } = error as { code: number; stderr: string };
      return { code, stderr };
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  };

  it('prints a wrong context setting as its sentence alone, without a stack trace, and fails', async () => {
    expect(await runApp({ 'chat-config:throttleRateLimit': 'abc' })).toEqual({
      code: 1,
      stderr:
        'Error: Context key "chat-config:throttleRateLimit" must be a number of requests per second, not "abc"\n',
    });
  });

  it("prints a construct's refusal of a setting the same way", async () => {
    expect(await runApp({ 'chat-config:throttleRateLimit': 0 })).toEqual({
      code: 1,
      stderr:
        'Error: ChatConfigApi/ChatConfig: throttle.rateLimit must be a number of requests per second above 0 and at most 10000, not 0\n',
    });
  });
});

describe('the CDK app under cdk-nag (AWS Solutions rules)', () => {
  it('has no finding left: every route has an authorizer (no APIG4); only the user pool’s optional MFA and plan, and X-Ray’s resource *, are acknowledged, with reasons', () => {
    // WHEN
    const { nag } = synthApp();

    // THEN
    expect(nag?.violations).toEqual([]);
    const suppressed = nag?.suppressedViolations ?? [];
    expect(
      suppressed.map((s) => [s.ruleName, s.violatingConstructs.map((c) => c.constructPath)]).sort(),
    ).toEqual([
      ['AwsSolutions-COG2', ['ChatConfigApi/ChatConfig/Auth/Users/Resource']],
      ['AwsSolutions-COG8', ['ChatConfigApi/ChatConfig/Auth/Users/Resource']],
      ['AwsSolutions-IAM5[Resource::*]', ['ChatConfigApi/ChatConfig/FunctionRole/DefaultPolicy/Resource']],
    ]);
    for (const { reason } of suppressed) expect(reason.length).toBeGreaterThan(40);
  });

  it('has no finding and nothing acknowledged with an issuer the operator runs and tracing off', () => {
    const { nag } = synthApp({
      'chat-config:jwtIssuer': 'https://login.example.com/',
      'chat-config:jwtAudience': '["chat-config-api"]',
      'chat-config:tracing': false,
    });

    // (cdk-nag writes no report of its own when it has nothing to say.)
    expect(nag?.violations ?? []).toEqual([]);
    expect(nag?.suppressedViolations ?? []).toEqual([]);
  });

  it('fails the synth on a finding nobody acknowledged', () => {
    // GIVEN the app, plus a role with an AWS managed policy (AwsSolutions-IAM4)
    const app = createTestApp({ context: cdkJsonContext() });
    const stack = defineChatConfigApp(app);
    new Role(stack, 'Extra', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
    });

    // THEN
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM4/);
  });

  it('acknowledges APIG1 (no access logs) only when the operator turned access logging off', () => {
    // WHEN
    const { nag, template } = synthApp({ 'chat-config:accessLogging': false });

    // THEN
    expect(nag?.violations).toEqual([]);
    expect(nag?.suppressedViolations.find((s) => s.ruleName === 'AwsSolutions-APIG1')?.reason).toMatch(
      /turned off by the operator/,
    );
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { AccessLogSettings: Match.absent() });
  });
});

describe('ChatConfigStack', () => {
  it.each([
    ['a name DynamoDB refuses', 'a b'],
    ['an empty name', ''],
  ])('rejects %s as the existing table, naming the prop', (_case, existingTableName) => {
    const app = createTestApp();

    expect(() => new ChatConfigStack(app, 'Stack', { existingTableName })).toThrow(
      /^Stack: existingTableName must be a DynamoDB table name/,
    );
  });

  it('names the API after the stack, so that each environment has its own name', () => {
    const { template } = synthApp({ 'chat-config:stackName': 'ChatConfigApi-staging' });

    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { Name: 'ChatConfigApi-staging-ChatConfig' });
  });
});

describe('the CDK app settings (cdk.json context, or -c on the command line)', () => {
  it('applies every setting from context', () => {
    // WHEN
    const { stack, template } = synthApp({
      'chat-config:stackName': 'ChatConfigApi-staging',
      'chat-config:stageName': 'v1',
      'chat-config:throttleRateLimit': 20,
      'chat-config:throttleBurstLimit': 40,
      'chat-config:corsAllowedOrigins': ['https://app.example.com'],
      'chat-config:logRetentionDays': 90,
      'chat-config:requireIfMatch': true,
      'chat-config:requireIdempotencyKey': true,
      'chat-config:ownerAttribute': 'userId',
      'chat-config:oauthCallbackUrls': ['https://app.example.com/callback'],
      'chat-config:authDomainPrefix': 'example-chat-login',
    });

    // THEN
    expect(stack.stackName).toBe('ChatConfigApi-staging');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          REQUIRE_IF_MATCH: 'true',
          REQUIRE_IDEMPOTENCY_KEY: 'true',
          OWNER_ATTRIBUTE: 'userId',
        }),
      },
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: ['https://app.example.com/callback'],
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'example-chat-login' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: 'v1',
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://app.example.com'] }),
    });
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  it('reads the strings that -c gives: numbers, booleans, comma-separated or JSON lists', () => {
    // WHEN
    const { template } = synthApp({
      'chat-config:throttleRateLimit': '7.5',
      'chat-config:accessLogging': 'false',
      'chat-config:requireIfMatch': 'true',
      'chat-config:requireIdempotencyKey': 'true',
      'chat-config:corsAllowedOrigins': 'https://a.example.com, https://b.example.com',
    });
    const { template: fromJsonList } = synthApp({
      'chat-config:corsAllowedOrigins': '["https://c.example.com"]',
    });

    // THEN
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 7.5, ThrottlingBurstLimit: 100 },
      AccessLogSettings: Match.absent(),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ REQUIRE_IF_MATCH: 'true', REQUIRE_IDEMPOTENCY_KEY: 'true' }),
      },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: ['https://a.example.com', 'https://b.example.com'],
      }),
    });
    fromJsonList.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://c.example.com'] }),
    });
  });

  it('trusts the issuer and audiences given instead of creating a user pool', () => {
    // WHEN (-c gives the audiences as one comma-separated string)
    const { template } = synthApp({
      'chat-config:jwtIssuer': 'https://login.example.com/',
      'chat-config:jwtAudience': 'chat-config-api, chat-config-admin',
    });

    // THEN
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 0);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: {
        Issuer: 'https://login.example.com/',
        Audience: ['chat-config-api', 'chat-config-admin'],
      },
    });
  });

  it('turns tracing off, and sends the alarms where and when context says', () => {
    // WHEN (as -c gives them: strings)
    const { template } = synthApp({
      'chat-config:tracing': 'false',
      'chat-config:alarmTopicArn': 'arn:aws:sns:eu-west-1:123456789012:team-alarms',
      'chat-config:alarmEmails': 'oncall@example.com',
      'chat-config:alarmApi5xxRatePercent': '2.5',
      'chat-config:alarmApiLatencyP99Ms': '1500',
      'chat-config:alarmLambdaErrors': '1',
      'chat-config:alarmLambdaThrottles': '2',
      'chat-config:alarmDurationPercentOfTimeout': '90',
      'chat-config:alarmDynamoDbThrottledRequests': '5',
      'chat-config:alarmDynamoDbSystemErrors': '3',
    });

    // THEN
    template.hasResourceProperties('AWS::Lambda::Function', { TracingConfig: Match.absent() });
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      TopicArn: 'arn:aws:sns:eu-west-1:123456789012:team-alarms',
    });
    const thresholds = Object.fromEntries(
      Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((alarm) => [
        alarm.Properties.AlarmName.replace('ChatConfigApi-', ''),
        [alarm.Properties.Threshold, alarm.Properties.AlarmActions],
      ]),
    );
    const topic = ['arn:aws:sns:eu-west-1:123456789012:team-alarms'];
    expect(thresholds).toEqual({
      'Api-Fault-Rate-Critical': [0.025, topic],
      'Api-Latency-P99-Critical': [1500, topic],
      'Function-Fault-Count-Critical': [1, topic],
      'Function-Throttled-Count-Critical': [2, topic],
      'Function-Latency-Maximum-Critical': [4500, topic],
      'Store-DynamoDb-Throttled-Requests-Critical': [5, topic],
      'Store-DynamoDb-System-Errors-Critical': [3, topic],
    });
  });

  it('imports the table named by tableName instead of creating one', () => {
    // WHEN
    const { template } = synthApp({ 'chat-config:tableName': 'team-sessions' });

    // THEN the stack creates only the idempotency records' table
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    });
    template.hasOutput('TableName', { Value: 'team-sessions' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ TABLE_NAME: 'team-sessions' }) },
    });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'an unknown key (a typo)',
      { 'chat-config:throttleRate': 5 },
      /Unknown context key "chat-config:throttleRate". Known keys: chat-config:stackName, /,
    ],
    [
      'a number that is not one',
      { 'chat-config:throttleRateLimit': 'fast' },
      /"chat-config:throttleRateLimit" must be a number of requests per second, not "fast"/,
    ],
    [
      'a boolean that is not one',
      { 'chat-config:accessLogging': 'yes' },
      /"chat-config:accessLogging" must be true or false, not "yes"/,
    ],
    [
      'a list that is not one',
      { 'chat-config:corsAllowedOrigins': '["https://a.example.com"' },
      /"chat-config:corsAllowedOrigins" must be a list of origins/,
    ],
    [
      'a stack name CloudFormation refuses',
      { 'chat-config:stackName': 'chat_config' },
      /"chat-config:stackName" must start with a letter and hold only letters, digits and -/,
    ],
    [
      'a table name DynamoDB refuses',
      { 'chat-config:tableName': 'a b' },
      /"chat-config:tableName" must be a DynamoDB table name/,
    ],
    [
      'an issuer without an audience',
      { 'chat-config:jwtIssuer': 'https://login.example.com/' },
      /jwtAudience must name at least one audience/,
    ],
    [
      'an audience without an issuer',
      { 'chat-config:jwtAudience': ['api'] },
      /"chat-config:jwtAudience" is only for tokens of "chat-config:jwtIssuer"/,
    ],
    [
      'user pool settings beside an issuer, which would be ignored',
      {
        'chat-config:jwtIssuer': 'https://login.example.com/',
        'chat-config:jwtAudience': ['api'],
        'chat-config:oauthCallbackUrls': ['https://app.example.com/cb'],
        'chat-config:authDomainPrefix': 'acme',
      },
      /Context "chat-config:oauthCallbackUrls" and "chat-config:authDomainPrefix" configure the user pool, which "chat-config:jwtIssuer" replaces/,
    ],
    [
      'no callback URL for the user pool',
      { 'chat-config:oauthCallbackUrls': [] },
      /oauthCallbackUrls must name at least one URL/,
    ],
    [
      'an owner attribute this API writes itself',
      { 'chat-config:ownerAttribute': 'config' },
      /ownerAttribute: the owner attribute cannot be "config"/,
    ],
    [
      'a value out of range (checked by the construct)',
      { 'chat-config:throttleBurstLimit': 0 },
      /throttle.burstLimit must be a whole number of requests from 1 to 5000, not 0/,
    ],
  ])('fails the synth on %s, naming the key', (_case, context, message) => {
    expect(define(context)).toThrow(message);
  });
});

describe('stages (-c stage=<name>)', () => {
  it("applies cdk.json's prod settings over the others with -c stage=prod", () => {
    const { stack, template } = synthApp({ stage: 'prod' });

    expect(stack.stackName).toBe('ChatConfigApi-prod');
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    // What prod does not set keeps its value from the other keys.
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
  });

  it("applies cdk.json's dev settings with -c stage=dev: its own stack, shorter logs, lower limits, looser alarms", () => {
    const { stack, template } = synthApp({ stage: 'dev' });

    expect(stack.stackName).toBe('ChatConfigApi-dev');
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'ChatConfigApi-dev-Api-Fault-Rate-Critical',
      Threshold: 0.05,
    });
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'ChatConfigApi-dev' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_METRICS_NAMESPACE: 'ChatConfigApi-dev' }) },
    });
  });

  it('says at synth which settings the stage changed, a -c included', () => {
    const { stack } = synthApp({ stage: 'prod', 'chat-config:logRetentionDays': '14' });

    const infos = Annotations.fromStack(stack)
      .findInfo('*', Match.anyValue())
      .map(({ entry }) => entry.data);
    expect(infos).toContain('Stage "prod" sets chat-config:logRetentionDays to 90 (over 14)');
    expect(infos).toContain('Stage "prod" sets chat-config:stackName to "ChatConfigApi-prod"');
  });

  it('uses no stage without -c stage', () => {
    expect(synthApp().stack.stackName).toBe('ChatConfigApi');
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['an unknown stage', { stage: 'qa' }, /Unknown stage "qa": "chat-config:stages" has "dev", "prod"/],
    [
      'an unknown key in a stage not chosen',
      { 'chat-config:stages': { dev: { logRetention: 7 } } },
      /Unknown context key "chat-config:stages.dev.logRetention"/,
    ],
    [
      'a value of the wrong kind in a stage',
      { 'chat-config:stages': { prod: { tracing: 'yes' } }, stage: 'prod' },
      /"chat-config:stages.prod.tracing" must be true or false, not "yes"/,
    ],
    [
      'stages that are not an object',
      { 'chat-config:stages': ['dev'] },
      /"chat-config:stages" must be an object of stages/,
    ],
  ])('fails the synth on %s, naming it', (_, context, message) => {
    expect(define(context)).toThrow(message);
  });
});
