import { Aws, Duration, Stack } from 'aws-cdk-lib';
import {
  ComparisonOperator,
  type Dashboard,
  MathExpression,
  Metric,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { BillingMode, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import {
  type CustomMetricGroup,
  DefaultDashboardFactory,
  MonitoringFacade,
  SnsAlarmActionStrategy,
} from 'cdk-monitoring-constructs';
import { Construct } from 'constructs';
import {
  CHAT_CONFIG_METRICS,
  METRIC_DIMENSIONS,
  OUTCOMES,
  SERVICE_NAME,
  VALIDATION_FIELDS,
} from '../functions/chat-config/metrics';
import { STORE_OPERATIONS } from '../functions/sessions/session-table';
import type { ChatConfigApi } from './chat-config-api';
import { propChecks } from './prop-checks';

/** The runbook, from the project's root: one section per alarm, which each alarm's description links. */
export const RUNBOOK = 'docs/runbook.md';

/** The anchor a Markdown renderer gives a heading, as GitHub makes it: `API p99 latency` → `api-p99-latency`. */
export const headingAnchorOf = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

/** When each alarm goes off: above these values, as the runbook explains them. */
export interface ChatConfigAlarmThresholds {
  /** Share of requests API Gateway answered with a 5xx (the function's 500s and 503s included), in percent. */
  readonly api5xxRatePercent: number;
  /** API Gateway's p99 latency, request in to response out, in milliseconds. */
  readonly apiLatencyP99Ms: number;
  /** Failed invocations a minute (a crash, a timeout, a failed cold start): the function answers every request. */
  readonly lambdaErrors: number;
  /** Invocations Lambda refused a minute for lack of concurrency. */
  readonly lambdaThrottles: number;
  /** The longest invocation of a minute, in percent of the function's timeout. */
  readonly durationPercentOfTimeout: number;
  /** Requests DynamoDB throttled a minute, of the function's operations (`Query`, `UpdateItem`). */
  readonly dynamoDbThrottledRequests: number;
  /** Requests DynamoDB failed with a 500 a minute, of the function's operations. */
  readonly dynamoDbSystemErrors: number;
}

/** The thresholds every `ChatConfigMonitoring` starts with unless its props say otherwise. */
export const CHAT_CONFIG_ALARM_DEFAULTS: ChatConfigAlarmThresholds = {
  api5xxRatePercent: 1,
  apiLatencyP99Ms: 1_000,
  lambdaErrors: 0,
  lambdaThrottles: 0,
  durationPercentOfTimeout: 80,
  dynamoDbThrottledRequests: 0,
  dynamoDbSystemErrors: 0,
};

/**
 * Every metric is read by the minute. An alarm goes off when 3 of the last 5 minutes breach (a sustained problem, not
 * one slow request), but for failed invocations, which alarm on the first: the function never fails one on purpose.
 * Minutes without data (no traffic) do not breach.
 */
export const ALARM_EVALUATION = {
  period: Duration.minutes(1),
  datapointsToAlarm: 3,
  evaluationPeriods: 5,
} as const;

export interface ChatConfigMonitoringProps {
  /** What to watch: the API, its function and its table. */
  readonly chatConfig: ChatConfigApi;
  /**
   * Where alarms (and their return to OK) are sent.
   * @default - a new SNS topic, which takes only TLS and only CloudWatch alarms of this account as publishers
   */
  readonly alarmTopic?: ITopic;
  /**
   * Email addresses to subscribe to the alarm topic (each confirms by the link SNS sends).
   * @default - none: subscribe whatever the team uses (chat, pager) to the topic
   */
  readonly alarmEmails?: readonly string[];
  /**
   * When each alarm goes off.
   * @default - `CHAT_CONFIG_ALARM_DEFAULTS`
   */
  readonly thresholds?: Partial<ChatConfigAlarmThresholds>;
}

/**
 * The alarms and the dashboard of a `ChatConfigApi`, through cdk-monitoring-constructs: API Gateway's 5xx rate and
 * p99 latency; the function's errors, throttles and duration near its timeout; DynamoDB's throttled requests and
 * system errors; each with its threshold, sending to one SNS topic. The dashboard (named after the stack) draws the
 * same signals, with the function's own metrics: requests by outcome, validation failures by field, DynamoDB's
 * latency as the function sees it, cold starts.
 */
export class ChatConfigMonitoring extends Construct {
  /** Where the alarms send. */
  readonly alarmTopic: ITopic;
  /** The thresholds in force. */
  readonly thresholds: ChatConfigAlarmThresholds;
  /** cdk-monitoring-constructs' facade, to which a stack can add its own monitoring (it draws on the same dashboard). */
  readonly facade: MonitoringFacade;
  /** The dashboard, named after the stack. */
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ChatConfigMonitoringProps) {
    super(scope, id);
    const { chatConfig } = props;
    this.thresholds = validated(this, { ...CHAT_CONFIG_ALARM_DEFAULTS, ...props.thresholds });
    const thresholds = this.thresholds;
    const stackName = Stack.of(this).stackName;

    this.alarmTopic = props.alarmTopic ?? this.createAlarmTopic(stackName);
    for (const email of props.alarmEmails ?? [])
      this.alarmTopic.addSubscription(new EmailSubscription(email));

    const dashboards = new DefaultDashboardFactory(this, 'Dashboards', {
      dashboardNamePrefix: stackName,
      createDashboard: true,
      createSummaryDashboard: false,
      createAlarmDashboard: false,
    });
    if (dashboards.dashboard === undefined) throw new Error('cdk-monitoring-constructs made no dashboard');
    this.dashboard = dashboards.dashboard;
    this.facade = new MonitoringFacade(this, 'Facade', {
      metricFactoryDefaults: { period: ALARM_EVALUATION.period },
      alarmFactoryDefaults: {
        alarmNamePrefix: stackName,
        actionsEnabled: true,
        action: new SnsAlarmActionStrategy({ onAlarmTopic: this.alarmTopic, onOkTopic: this.alarmTopic }),
        datapointsToAlarm: ALARM_EVALUATION.datapointsToAlarm,
        evaluationPeriods: ALARM_EVALUATION.evaluationPeriods,
      },
      dashboardFactory: dashboards,
    });

    const runbook = (section: string, what: string) =>
      `${what} Runbook: ${RUNBOOK}#${headingAnchorOf(section)}`;
    const sustainedFor = `in ${ALARM_EVALUATION.datapointsToAlarm} of the last ${ALARM_EVALUATION.evaluationPeriods} minutes`;
    const fn = chatConfig.function;
    this.facade
      .monitorApiGatewayV2HttpApi({
        api: chatConfig.api,
        apiStage: chatConfig.stage.stageName,
        alarmFriendlyName: 'Api',
        humanReadableName: 'HTTP API',
        add5xxRateAlarm: {
          Critical: {
            // The Average of API Gateway's 5xx metric is the share of requests answered 5xx (0 to 1).
            maxErrorRate: thresholds.api5xxRatePercent / 100,
            alarmDescriptionOverride: runbook(
              'API 5xx rate',
              `More than ${thresholds.api5xxRatePercent} % of requests were answered 5xx ${sustainedFor}.`,
            ),
          },
        },
        addLatencyP99Alarm: {
          Critical: {
            maxLatency: Duration.millis(thresholds.apiLatencyP99Ms),
            alarmDescriptionOverride: runbook(
              'API p99 latency',
              `The p99 latency was above ${thresholds.apiLatencyP99Ms} ms ${sustainedFor}.`,
            ),
          },
        },
      })
      .monitorLambdaFunction({
        lambdaFunction: fn,
        alarmFriendlyName: 'Function',
        humanReadableName: 'Function',
        isIterator: false,
        addFaultCountAlarm: {
          Critical: {
            maxErrorCount: thresholds.lambdaErrors,
            datapointsToAlarm: 1,
            evaluationPeriods: 1,
            alarmDescriptionOverride: runbook(
              'Lambda errors',
              `More than ${thresholds.lambdaErrors} invocations failed in a minute (a crash, a timeout or a failed cold start).`,
            ),
          },
        },
        addThrottlesCountAlarm: {
          Critical: {
            maxErrorCount: thresholds.lambdaThrottles,
            alarmDescriptionOverride: runbook(
              'Lambda throttles',
              `Lambda refused more than ${thresholds.lambdaThrottles} invocations a minute ${sustainedFor}.`,
            ),
          },
        },
        addMaxLatencyAlarm: {
          Critical: {
            maxLatencyPercentageOfTimeout: thresholds.durationPercentOfTimeout,
            alarmDescriptionOverride: runbook(
              'Duration near the timeout',
              `An invocation took more than ${thresholds.durationPercentOfTimeout} % of the function's timeout ${sustainedFor}.`,
            ),
          },
        },
      })
      .monitorDynamoTable({
        table: chatConfig.table,
        // An imported table's billing mode cannot be read; both kinds of table this construct makes are on demand.
        billingMode: BillingMode.PAY_PER_REQUEST,
        alarmFriendlyName: 'Table',
        humanReadableName: 'Sessions table',
      })
      .monitorCustom({
        alarmFriendlyName: 'Store',
        humanReadableName: "DynamoDB, for the function's operations",
        metricGroups: [
          this.storeAlarmGroup({
            table: chatConfig.table,
            title: 'Throttled requests',
            metricName: 'ThrottledRequests',
            alarmFriendlyName: 'DynamoDb-Throttled-Requests',
            threshold: thresholds.dynamoDbThrottledRequests,
            description: runbook(
              'DynamoDB throttled requests',
              `DynamoDB throttled more than ${thresholds.dynamoDbThrottledRequests} of the function's requests a minute ${sustainedFor}.`,
            ),
          }),
          this.storeAlarmGroup({
            table: chatConfig.table,
            title: 'System errors',
            metricName: 'SystemErrors',
            alarmFriendlyName: 'DynamoDb-System-Errors',
            threshold: thresholds.dynamoDbSystemErrors,
            description: runbook(
              'DynamoDB system errors',
              `DynamoDB failed more than ${thresholds.dynamoDbSystemErrors} of the function's requests a minute with a 500 ${sustainedFor}.`,
            ),
          }),
        ],
      })
      .monitorCustom({
        alarmFriendlyName: 'Requests',
        humanReadableName: "The function's own metrics",
        metricGroups: this.requestMetricGroups(chatConfig),
      });
  }

  private createAlarmTopic(stackName: string): Topic {
    const topic = new Topic(this, 'AlarmTopic', {
      displayName: `${stackName} alarms`,
      enforceSSL: true,
    });
    // The TLS-only policy replaces SNS's default one: CloudWatch must be let in by name, for this account's alarms only.
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: {
            'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*`,
          },
        },
      }),
    );
    return topic;
  }

  /** One DynamoDB metric summed over the function's operations (a minute without data counts 0), with its alarm. */
  private storeAlarmGroup({
    table,
    title,
    metricName,
    alarmFriendlyName,
    threshold,
    description,
  }: {
    table: ITable;
    title: string;
    metricName: string;
    alarmFriendlyName: string;
    threshold: number;
    description: string;
  }): CustomMetricGroup {
    const usingMetrics = Object.fromEntries(
      STORE_OPERATIONS.map((operation) => [
        operation.toLowerCase(),
        new Metric({
          namespace: 'AWS/DynamoDB',
          metricName,
          dimensionsMap: { TableName: table.tableName, Operation: operation },
          statistic: Stats.SUM,
          period: ALARM_EVALUATION.period,
        }),
      ]),
    );
    return {
      title,
      metrics: [
        {
          alarmFriendlyName,
          metric: new MathExpression({
            expression: Object.keys(usingMetrics)
              .map((id) => `FILL(${id}, 0)`)
              .join(' + '),
            usingMetrics,
            period: ALARM_EVALUATION.period,
            label: `${metricName} (${STORE_OPERATIONS.join(', ')})`,
          }),
          addAlarm: {
            Critical: {
              threshold,
              comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
              treatMissingDataOverride: TreatMissingData.NOT_BREACHING,
              alarmDescriptionOverride: description,
            },
          },
        },
      ],
    };
  }

  /** The function's EMF metrics (functions/chat-config/metrics.ts), graphed. */
  private requestMetricGroups(chatConfig: ChatConfigApi): CustomMetricGroup[] {
    const namespace = chatConfig.metricsNamespace;
    const metric = (
      metricName: string,
      dimensions: Record<string, string>,
      statistic: string,
      label: string,
    ) =>
      new Metric({
        namespace,
        metricName,
        dimensionsMap: { [METRIC_DIMENSIONS.service]: SERVICE_NAME, ...dimensions },
        statistic,
        period: ALARM_EVALUATION.period,
        label,
      });
    const byOutcome = (metricName: string): Metric[] =>
      OUTCOMES.map((outcome) =>
        metric(metricName, { [METRIC_DIMENSIONS.outcome]: outcome }, Stats.SUM, outcome),
      );
    return [
      { title: 'Updates by outcome', metrics: byOutcome(CHAT_CONFIG_METRICS.updates) },
      { title: 'Reads by outcome', metrics: byOutcome(CHAT_CONFIG_METRICS.reads) },
      {
        title: 'Validation failures by field',
        metrics: VALIDATION_FIELDS.map((field) =>
          metric(
            CHAT_CONFIG_METRICS.validationFailures,
            { [METRIC_DIMENSIONS.field]: field },
            Stats.SUM,
            field,
          ),
        ),
      },
      {
        title: 'DynamoDB latency, as the function sees it (ms, retries included)',
        metrics: STORE_OPERATIONS.flatMap((operation) =>
          [Stats.p(50), Stats.p(99)].map((statistic) =>
            metric(
              CHAT_CONFIG_METRICS.storeLatency,
              { [METRIC_DIMENSIONS.operation]: operation },
              statistic,
              `${operation} ${statistic}`,
            ),
          ),
        ),
      },
      {
        title: 'Cold starts',
        metrics: [
          metric(
            CHAT_CONFIG_METRICS.coldStart,
            { [METRIC_DIMENSIONS.functionName]: chatConfig.function.functionName },
            Stats.SUM,
            'cold starts',
          ),
        ],
      },
    ];
  }
}

const validated = (scope: Construct, thresholds: ChatConfigAlarmThresholds): ChatConfigAlarmThresholds => {
  const { fail, known } = propChecks(scope);
  const check = (name: keyof ChatConfigAlarmThresholds, ok: (value: number) => boolean, what: string) => {
    const value = thresholds[name];
    if (known(value) && !(typeof value === 'number' && Number.isFinite(value) && ok(value))) {
      fail(`thresholds.${name} must be ${what}, not ${value}`);
    }
  };
  check('api5xxRatePercent', (v) => v > 0 && v < 100, 'a percentage above 0 and below 100');
  check('apiLatencyP99Ms', (v) => v > 0 && v <= 30_000, 'a number of milliseconds above 0, at most 30000');
  check('durationPercentOfTimeout', (v) => v > 0 && v < 100, 'a percentage above 0 and below 100');
  for (const name of [
    'lambdaErrors',
    'lambdaThrottles',
    'dynamoDbThrottledRequests',
    'dynamoDbSystemErrors',
  ] as const) {
    check(name, (v) => Number.isInteger(v) && v >= 0, 'a whole number of 0 or more (alarms when above it)');
  }
  return thresholds;
};
