import { Duration, Stack } from 'aws-cdk-lib';
import type { Dashboard } from 'aws-cdk-lib/aws-cloudwatch';
import { BillingMode } from 'aws-cdk-lib/aws-dynamodb';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { DefaultDashboardFactory, MonitoringFacade, SnsAlarmActionStrategy } from 'cdk-monitoring-constructs';
import { Construct } from 'constructs';
import {
  ALARM_EVALUATION,
  CHAT_CONFIG_ALARM_DEFAULTS,
  type ChatConfigAlarmThresholds,
  validatedThresholds,
} from './alarm-thresholds';
import { AlarmTopic } from './alarm-topic';
import type { ChatConfigApi } from './chat-config-api';
import { ChatConfigMetricFactory } from './chat-config-metric-factory';

/** The runbook, from the project's root: one section per alarm, which each alarm's description links. */
export const RUNBOOK = 'docs/runbook.md';

/** The anchor a Markdown renderer gives a heading, as GitHub makes it: `API p99 latency` → `api-p99-latency`. */
export const headingAnchorOf = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

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
    this.thresholds = validatedThresholds(this, { ...CHAT_CONFIG_ALARM_DEFAULTS, ...props.thresholds });
    const thresholds = this.thresholds;
    const stackName = Stack.of(this).stackName;

    this.alarmTopic = props.alarmTopic ?? new AlarmTopic(this, 'AlarmTopic');
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
    const metrics = new ChatConfigMetricFactory(chatConfig);
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
          metrics.storeAlarmGroup({
            title: 'Throttled requests',
            metricName: 'ThrottledRequests',
            alarmFriendlyName: 'DynamoDb-Throttled-Requests',
            threshold: thresholds.dynamoDbThrottledRequests,
            description: runbook(
              'DynamoDB throttled requests',
              `DynamoDB throttled more than ${thresholds.dynamoDbThrottledRequests} of the function's requests a minute ${sustainedFor}.`,
            ),
          }),
          metrics.storeAlarmGroup({
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
        metricGroups: metrics.requestMetricGroups(),
      });
  }
}
