import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { CHAT_CONFIG_METRICS, OUTCOMES, VALIDATION_FIELDS } from '../../functions/chat-config/metrics';
import { CHAT_CONFIG_ALARM_DEFAULTS, type ChatConfigAlarmThresholds } from '../../lib/alarm-thresholds';
import { headingAnchorOf, RUNBOOK } from '../../lib/chat-config-monitoring';
import { ChatConfigStack, type ChatConfigStackProps } from '../../lib/chat-config-stack';
import { createTestApp, removeTestAssemblies, templateOf } from '../helpers/cdk';

afterAll(removeTestAssemblies);

const STACK = 'ChatConfigApi';

const synth = (props: ChatConfigStackProps = {}) => {
  const stack = new ChatConfigStack(createTestApp(), STACK, props);
  return { stack, template: templateOf(stack) };
};

// One synth with the defaults serves the tests that only read it.
const defaults = synth();

const only = (template: Template, type: string): [string, Record<string, unknown>] => {
  const resources = Object.entries(template.findResources(type));
  expect(resources).toHaveLength(1);
  return resources[0] as [string, Record<string, unknown>];
};
const idOf = (template: Template, type: string) => only(template, type)[0];

/** A metric of an alarm's `Metrics`, as CloudFormation has it. */
const metricStat = (
  namespace: string,
  metricName: string,
  dimensions: Record<string, unknown>,
  stat: string,
) => ({
  MetricStat: {
    Metric: {
      Namespace: namespace,
      MetricName: metricName,
      Dimensions: Match.arrayWith(Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value }))),
    },
    Period: 60,
    Stat: stat,
  },
});

/** What every alarm does: notify the topic when it goes off and when it is OK again; no data is no breach. */
const notifies = (template: Template, datapoints: [number, number] = [3, 5]) => {
  const topic = { Ref: idOf(template, 'AWS::SNS::Topic') };
  return {
    ActionsEnabled: true,
    AlarmActions: [topic],
    OKActions: [topic],
    ComparisonOperator: 'GreaterThanThreshold',
    DatapointsToAlarm: datapoints[0],
    EvaluationPeriods: datapoints[1],
    TreatMissingData: 'notBreaching',
    AlarmDescription: Match.stringLikeRegexp('Runbook: docs/runbook.md#'),
  };
};

describe('ChatConfigMonitoring alarms', () => {
  it('makes the seven alarms of the runbook, and no other', () => {
    const names = Object.values(defaults.template.findResources('AWS::CloudWatch::Alarm')).map(
      (resource) => resource.Properties.AlarmName,
    );

    expect(names.sort()).toEqual(
      [
        'Api-Fault-Rate-Critical',
        'Api-Latency-P99-Critical',
        'Function-Fault-Count-Critical',
        'Function-Latency-Maximum-Critical',
        'Function-Throttled-Count-Critical',
        'Store-DynamoDb-System-Errors-Critical',
        'Store-DynamoDb-Throttled-Requests-Critical',
      ].map((name) => `${STACK}-${name}`),
    );
  });

  it("links each alarm to its own section of the runbook, and the runbook's every section to an alarm", () => {
    // GIVEN the runbook's sections, by the anchor a reader's link reaches
    const sections = [...readFileSync(RUNBOOK, 'utf8').matchAll(/^## (.+)$/gm)].map(([, heading]) =>
      headingAnchorOf(String(heading)),
    );

    // WHEN
    const links = Object.values(defaults.template.findResources('AWS::CloudWatch::Alarm')).map(
      (resource) => /Runbook: docs\/runbook\.md#([\w-]+)$/.exec(resource.Properties.AlarmDescription)?.[1],
    );

    // THEN
    expect(links.sort()).toEqual([...sections].sort());
    expect(new Set(links).size).toBe(links.length);
  });

  it.each([
    ['API p99 latency', 'api-p99-latency'],
    ['DynamoDB throttled requests', 'dynamodb-throttled-requests'],
    ['Duration near the timeout', 'duration-near-the-timeout'],
    ["The function's 5xx: what to do", 'the-functions-5xx-what-to-do'],
  ])('anchors the heading "%s" as #%s, as GitHub does', (heading, anchor) => {
    expect(headingAnchorOf(heading)).toBe(anchor);
  });

  const api = (template: Template) => ({ ApiId: { Ref: idOf(template, 'AWS::ApiGatewayV2::Api') } });
  const fn = (template: Template) => ({ FunctionName: { Ref: idOf(template, 'AWS::Lambda::Function') } });
  it.each<
    [
      string,
      string,
      string,
      string,
      (template: Template) => Record<string, unknown>,
      string,
      number,
      [number, number],
    ]
  >([
    [
      "API Gateway's 5xx rate: the Average of 5xx above 1 %, on the API's stage",
      'Api-Fault-Rate-Critical',
      'AWS/ApiGateway',
      '5xx',
      (template) => ({ ...api(template), Stage: '$default' }),
      'Average',
      0.01,
      [3, 5],
    ],
    [
      "API Gateway's p99 latency above 1000 ms, on the API's stage",
      'Api-Latency-P99-Critical',
      'AWS/ApiGateway',
      'Latency',
      (template) => ({ ...api(template), Stage: '$default' }),
      'p99',
      1000,
      [3, 5],
    ],
    [
      'the first failed invocation of the function',
      'Function-Fault-Count-Critical',
      'AWS/Lambda',
      'Errors',
      fn,
      'Sum',
      0,
      [1, 1],
    ],
    [
      "Lambda's throttles of the function",
      'Function-Throttled-Count-Critical',
      'AWS/Lambda',
      'Throttles',
      fn,
      'Sum',
      0,
      [3, 5],
    ],
    [
      "the longest invocation passing 80 % of the function's timeout (4 s of 5 s)",
      'Function-Latency-Maximum-Critical',
      'AWS/Lambda',
      'Duration',
      fn,
      'Maximum',
      4000,
      [3, 5],
    ],
  ])('alarms on %s', (_, name, namespace, metricName, dimensions, statistic, threshold, datapoints) => {
    const { template } = defaults;

    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...notifies(template, datapoints),
      AlarmName: `${STACK}-${name}`,
      Threshold: threshold,
      Metrics: [Match.objectLike(metricStat(namespace, metricName, dimensions(template), statistic))],
    });
  });

  it.each([
    ['Throttled-Requests', 'ThrottledRequests'],
    ['System-Errors', 'SystemErrors'],
  ])(
    "alarms on DynamoDB's %s of the function's operations, summed, a minute without data counting 0",
    (name, metricName) => {
      const { template } = defaults;
      // The sessions table: the idempotency records' own are no part of these alarms.
      const [sessions] = Object.keys(
        template.findResources('AWS::DynamoDB::GlobalTable', {
          Properties: { KeySchema: [{ AttributeName: 'sessionId', KeyType: 'HASH' }] },
        }),
      );
      const table = { Ref: sessions };

      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...notifies(template),
        AlarmName: `${STACK}-Store-DynamoDb-${name}-Critical`,
        Threshold: 0,
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: 'FILL(query, 0) + FILL(updateitem, 0)', ReturnData: true }),
          Match.objectLike({
            Id: 'query',
            ...metricStat('AWS/DynamoDB', metricName, { Operation: 'Query', TableName: table }, 'Sum'),
          }),
          Match.objectLike({
            Id: 'updateitem',
            ...metricStat('AWS/DynamoDB', metricName, { Operation: 'UpdateItem', TableName: table }, 'Sum'),
          }),
        ]),
      });
    },
  );

  it('takes every threshold from its props', () => {
    const thresholds: ChatConfigAlarmThresholds = {
      api5xxRatePercent: 5,
      apiLatencyP99Ms: 2500,
      lambdaErrors: 2,
      lambdaThrottles: 3,
      durationPercentOfTimeout: 50,
      dynamoDbThrottledRequests: 10,
      dynamoDbSystemErrors: 4,
    };
    const { template } = synth({ monitoring: { thresholds } });

    expect(
      Object.fromEntries(
        Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((resource) => [
          resource.Properties.AlarmName.slice(STACK.length + 1),
          resource.Properties.Threshold,
        ]),
      ),
    ).toEqual({
      'Api-Fault-Rate-Critical': 0.05,
      'Api-Latency-P99-Critical': 2500,
      'Function-Fault-Count-Critical': 2,
      'Function-Throttled-Count-Critical': 3,
      'Function-Latency-Maximum-Critical': 2500,
      'Store-DynamoDb-Throttled-Requests-Critical': 10,
      'Store-DynamoDb-System-Errors-Critical': 4,
    });
  });

  it('documents the defaults it starts with', () => {
    expect(CHAT_CONFIG_ALARM_DEFAULTS).toEqual({
      api5xxRatePercent: 1,
      apiLatencyP99Ms: 1000,
      lambdaErrors: 0,
      lambdaThrottles: 0,
      durationPercentOfTimeout: 80,
      dynamoDbThrottledRequests: 0,
      dynamoDbSystemErrors: 0,
    });
  });

  it.each<[Partial<ChatConfigAlarmThresholds>, RegExp]>([
    [
      { api5xxRatePercent: 0 },
      /thresholds.api5xxRatePercent must be a percentage above 0 and below 100, not 0/,
    ],
    [{ api5xxRatePercent: 100 }, /api5xxRatePercent must be/],
    [{ apiLatencyP99Ms: -1 }, /apiLatencyP99Ms must be/],
    [{ durationPercentOfTimeout: 120 }, /durationPercentOfTimeout must be/],
    [{ lambdaErrors: 0.5 }, /lambdaErrors must be a whole number/],
    [{ dynamoDbSystemErrors: -1 }, /dynamoDbSystemErrors must be a whole number/],
    [{ dynamoDbThrottledRequests: Number.NaN }, /dynamoDbThrottledRequests must be/],
  ])('refuses the thresholds %j at synth', (thresholds, message) => {
    expect(() => synth({ monitoring: { thresholds } })).toThrow(message);
  });
});

describe('ChatConfigMonitoring alarm topic', () => {
  it('creates a topic that takes only TLS, and lets in only CloudWatch alarms of this account', () => {
    const { template } = defaults;
    const topic = { Ref: idOf(template, 'AWS::SNS::Topic') };

    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topic],
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: topic,
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: {
                'aws:SourceArn': {
                  'Fn::Join': [
                    '',
                    [
                      'arn:',
                      { Ref: 'AWS::Partition' },
                      ':cloudwatch:',
                      { Ref: 'AWS::Region' },
                      ':',
                      { Ref: 'AWS::AccountId' },
                      ':alarm:*',
                    ],
                  ],
                },
              },
            },
          }),
        ],
      },
    });
    template.hasOutput('AlarmTopicArn', { Value: topic });
  });

  it('sends to the topic an operator names instead, and creates none', () => {
    const arn = 'arn:aws:sns:eu-west-1:123456789012:team-alarms';
    const { template } = synth({ monitoring: { alarmTopicArn: arn } });

    template.resourceCountIs('AWS::SNS::Topic', 0);
    for (const resource of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(resource.Properties.AlarmActions).toEqual([arn]);
      expect(resource.Properties.OKActions).toEqual([arn]);
    }
  });

  it('subscribes the email addresses it is given', () => {
    const { template } = synth({ monitoring: { alarmEmails: ['oncall@example.com', 'team@example.com'] } });

    const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription')).map((resource) => [
      resource.Properties.Protocol,
      resource.Properties.Endpoint,
    ]);
    expect(subscriptions.sort()).toEqual([
      ['email', 'oncall@example.com'],
      ['email', 'team@example.com'],
    ]);
  });

  it.each(['team-alarms', 'arn:aws:sqs:eu-west-1:123456789012:queue', 'arn:aws:sns:eu-west-1:1234:t'])(
    'refuses "%s" as the alarm topic ARN at synth',
    (alarmTopicArn) => {
      expect(() => synth({ monitoring: { alarmTopicArn } })).toThrow(
        /alarmTopicArn must be the ARN of an SNS topic/,
      );
    },
  );
});

describe('ChatConfigMonitoring dashboard', () => {
  /** The dashboard's body, with the template's references written as `${Ref}`. */
  const body = (template: Template): string => {
    const [, dashboard] = only(template, 'AWS::CloudWatch::Dashboard');
    const properties = (dashboard as { Properties: { DashboardBody: unknown; DashboardName: string } })
      .Properties;
    const parts = (properties.DashboardBody as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    return parts.map((part) => (typeof part === 'string' ? part : `\${${JSON.stringify(part)}}`)).join('');
  };

  it('is one dashboard named after the stack', () => {
    const { template } = defaults;

    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: STACK });
    template.hasOutput('DashboardName', { Value: { Ref: idOf(template, 'AWS::CloudWatch::Dashboard') } });
  });

  it('draws the API, the function, the table and the function’s own metrics, each alarm with its threshold', () => {
    const text = body(defaults.template);
    const widgets = JSON.parse(text.replace(/\$\{[^}]*\}\}?/g, 'REF')).widgets as {
      properties: { title?: string; markdown?: string; annotations?: { horizontal?: { label: string }[] } };
    }[];
    const titles = widgets.map(({ properties }) => properties.title ?? properties.markdown ?? '');

    for (const title of [
      'HTTP API',
      'Function',
      'Sessions table',
      'Throttled requests',
      'System errors',
      'Updates by outcome',
      'Reads by outcome',
      'Validation failures by field',
      'DynamoDB latency, as the function sees it (ms, retries included)',
      'Cold starts',
    ]) {
      expect(titles.some((t) => t.includes(title))).toBe(true);
    }
    // Each alarm's threshold, drawn on its graph.
    const thresholdLines = widgets.flatMap(({ properties }) =>
      (properties.annotations?.horizontal ?? []).map(({ label }) => label),
    );
    expect(thresholdLines.sort()).toEqual(
      [
        '5xx (avg) > 0.01 for 3 datapoints within 5 minutes',
        'P99 > 1000 for 3 datapoints within 5 minutes',
        'Faults > 0 for 1 datapoints within 1 minute',
        'Throttles > 0 for 3 datapoints within 5 minutes',
        'Maximum > 4000 for 3 datapoints within 5 minutes',
        'ThrottledRequests (Query, UpdateItem) > 0 for 3 datapoints within 5 minutes',
        'SystemErrors (Query, UpdateItem) > 0 for 3 datapoints within 5 minutes',
      ].sort(),
    );
  });

  it("reads the function's EMF metrics by the names and dimensions the function emits them with", () => {
    const text = body(defaults.template);

    for (const outcome of OUTCOMES) {
      expect(text).toContain(
        `["ChatConfigApi","ConfigUpdates","outcome","${outcome}","service","chat-config"`,
      );
      expect(text).toContain(`["ChatConfigApi","ConfigReads","outcome","${outcome}","service","chat-config"`);
    }
    for (const field of VALIDATION_FIELDS) {
      expect(text).toContain(
        `["ChatConfigApi","${CHAT_CONFIG_METRICS.validationFailures}","field","${field}"`,
      );
    }
    for (const operation of ['Query', 'UpdateItem']) {
      expect(text).toContain(
        `["ChatConfigApi","DynamoDbLatency","operation","${operation}","service","chat-config"`,
      );
    }
    expect(text).toMatch(
      /\["ChatConfigApi","ColdStart","function_name","\$\{[^}]+\}\}","service","chat-config"/,
    );
  });
});
