import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import type { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { defineChatConfigApp } from '../../lib/app';
import { CHAT_CONFIG_API_DEFAULTS } from '../../lib/chat-config-api';
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

const define = (context: Record<string, unknown>): (() => unknown) => {
  const app: App = createTestApp({ context: { ...cdkJsonContext(), ...context } });
  return () => defineChatConfigApp(app);
};

describe('the CDK app', () => {
  it('names the stack ChatConfigApi, so that cdk.out/ChatConfigApi.template.json is stable', () => {
    expect(synthApp().stack.stackName).toBe('ChatConfigApi');
  });

  it('outputs the API URL, the table name and the function name', () => {
    // GIVEN
    const { template, stack } = synthApp();

    // THEN
    template.hasOutput('ApiUrl', { Value: stack.resolve(stack.chatConfig.url) });
    template.hasOutput('TableName', {
      Value: { Ref: Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'))[0] },
    });
    template.hasOutput('FunctionName', {
      Value: { Ref: Object.keys(template.findResources('AWS::Lambda::Function'))[0] },
    });
  });

  it("keeps cdk.json's settings equal to the construct's defaults, so both document the same values", () => {
    const context = cdkJsonContext();

    expect(context).toMatchObject({
      'chat-config:stackName': 'ChatConfigApi',
      'chat-config:tableName': '',
      'chat-config:stageName': CHAT_CONFIG_API_DEFAULTS.stageName,
      'chat-config:throttleRateLimit': CHAT_CONFIG_API_DEFAULTS.throttle.rateLimit,
      'chat-config:throttleBurstLimit': CHAT_CONFIG_API_DEFAULTS.throttle.burstLimit,
      'chat-config:corsAllowedOrigins': [],
      'chat-config:logRetentionDays': CHAT_CONFIG_API_DEFAULTS.logRetention,
      'chat-config:accessLogging': CHAT_CONFIG_API_DEFAULTS.accessLogging,
      'chat-config:requireIfMatch': CHAT_CONFIG_API_DEFAULTS.requireIfMatch,
    });
  });
});

describe('the CDK app under cdk-nag (AWS Solutions rules)', () => {
  it('has no finding left, and acknowledges exactly APIG4 (no authorizer) on every route, with its reason', () => {
    // WHEN
    const { nag } = synthApp();

    // THEN
    expect(nag?.violations).toEqual([]);
    expect(nag?.suppressedViolations.map((s) => s.ruleName)).toEqual(['AwsSolutions-APIG4']);
    const [apig4] = nag?.suppressedViolations ?? [];
    expect(apig4?.reason).toMatch(/no authorizer yet/);
    expect(apig4?.violatingConstructs.map((c) => c.constructPath).sort()).toEqual([
      'ChatConfigApi/ChatConfig/Api/GET--api--chat-sessions--{sessionId}--config/Resource',
      'ChatConfigApi/ChatConfig/Api/PATCH--api--chat-sessions--{sessionId}--config/Resource',
      'ChatConfigApi/ChatConfig/Api/POST--api--chat-sessions--{sessionId}--config/Resource',
      'ChatConfigApi/ChatConfig/Api/PUT--api--chat-sessions--{sessionId}--config/Resource',
    ]);
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
    });

    // THEN
    expect(stack.stackName).toBe('ChatConfigApi-staging');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ REQUIRE_IF_MATCH: 'true' }) },
    });
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
      Environment: { Variables: Match.objectLike({ REQUIRE_IF_MATCH: 'true' }) },
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

  it('imports the table named by tableName instead of creating one', () => {
    // WHEN
    const { template } = synthApp({ 'chat-config:tableName': 'team-sessions' });

    // THEN
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
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
      'a value out of range (checked by the construct)',
      { 'chat-config:throttleBurstLimit': 0 },
      /throttle.burstLimit must be a whole number of requests from 1 to 5000, not 0/,
    ],
  ])('fails the synth on %s, naming the key', (_case, context, message) => {
    expect(define(context)).toThrow(message);
  });
});
