import {
  ComparisonOperator,
  MathExpression,
  Metric,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { CustomMetricGroup } from 'cdk-monitoring-constructs';
import {
  CHAT_CONFIG_METRICS,
  METRIC_DIMENSIONS,
  OUTCOMES,
  SERVICE_NAME,
  VALIDATION_FIELDS,
} from '../functions/chat-config/metrics';
import { STORE_OPERATIONS } from '../functions/sessions/session-table';
import { ALARM_EVALUATION } from './alarm-thresholds';
import type { ChatConfigApi } from './chat-config-api';

/** One DynamoDB metric to sum over the function's operations, and the alarm on that sum. */
export interface StoreAlarmGroupProps {
  /** The graph's title. */
  readonly title: string;
  /** DynamoDB's metric, per table and operation (`ThrottledRequests`, `SystemErrors`). */
  readonly metricName: string;
  /** The alarm's name, after the monitoring's prefix. */
  readonly alarmFriendlyName: string;
  /** The alarm goes off above it. */
  readonly threshold: number;
  /** The alarm's description, with its runbook link. */
  readonly description: string;
}

/**
 * The metrics cdk-monitoring-constructs does not know, as its custom metric groups: the function's own EMF metrics
 * (functions/chat-config/metrics.ts), and DynamoDB's per-operation metrics of the operations the function calls.
 */
export class ChatConfigMetricFactory {
  /** Metrics of `chatConfig`: its namespace, function and table. */
  constructor(private readonly chatConfig: ChatConfigApi) {}

  /** One DynamoDB metric summed over the function's operations (a minute without data counts 0), with its alarm. */
  storeAlarmGroup({
    title,
    metricName,
    alarmFriendlyName,
    threshold,
    description,
  }: StoreAlarmGroupProps): CustomMetricGroup {
    const usingMetrics = Object.fromEntries(
      STORE_OPERATIONS.map((operation) => [
        operation.toLowerCase(),
        new Metric({
          namespace: 'AWS/DynamoDB',
          metricName,
          dimensionsMap: { TableName: this.chatConfig.table.tableName, Operation: operation },
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

  /** The function's EMF metrics, graphed. */
  requestMetricGroups(): CustomMetricGroup[] {
    const metric = (
      metricName: string,
      dimensions: Record<string, string>,
      statistic: string,
      label: string,
    ) =>
      new Metric({
        namespace: this.chatConfig.metricsNamespace,
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
            { [METRIC_DIMENSIONS.functionName]: this.chatConfig.function.functionName },
            Stats.SUM,
            'cold starts',
          ),
        ],
      },
    ];
  }
}
