import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { type ApiGatewayEvent, type ApiGatewayResult, requestIdOf } from '../http/events';
import type { StoreCall } from '../sessions/session-table';
import { emfDocuments, type MetricPoint } from './emf';
import { CHAT_CONFIG_METRICS, METRIC_DIMENSIONS, outcomeOf, validationFieldOf } from './metrics';
import type { ChatConfigContext } from './operations';
import { violationsOf } from './problems';

export interface RequestMetricsOptions {
  /** The CloudWatch namespace (`POWERTOOLS_METRICS_NAMESPACE`). */
  readonly namespace: string;
  /** The `service` dimension (`POWERTOOLS_SERVICE_NAME`). */
  readonly serviceName: string;
  /** Whether to print nothing (`POWERTOOLS_METRICS_DISABLED`). @default false */
  readonly disabled?: boolean;
  /** Where each line goes. @default standard output, as the Lambda runtime sends it to CloudWatch Logs */
  readonly write?: (line: string) => void;
}

/** What a request came to, once its response is final. */
export interface RequestOutcome {
  readonly event: ApiGatewayEvent;
  readonly context: Pick<Context, 'awsRequestId' | 'functionName'> & Pick<ChatConfigContext, 'method'>;
  readonly statusCode: number;
  readonly error: unknown;
}

/** `Root=1-…;Parent=…;Sampled=…`: the trace id, as Powertools Logger names it in every log line. */
const traceIdOf = (header: string | undefined): string | undefined =>
  header
    ?.split(';')
    .find((part) => part.startsWith('Root='))
    ?.slice(5);

/**
 * The metrics of the request in flight, printed as one EMF document when it is answered (a further one only for a
 * second DynamoDB operation or validation field): its count by outcome, the latency of each DynamoDB call by
 * operation, each field a 422 got wrong, the cold start. The document also names the request (API Gateway's and
 * Lambda's ids, the X-Ray trace) and lists its DynamoDB calls in order with their durations, so that a slow or failed
 * request's calls are found by its id without any trace.
 */
export class RequestMetrics {
  readonly #options: RequestMetricsOptions;
  readonly #write: (line: string) => void;
  #calls: StoreCall[] = [];
  // Lambda's own cold starts: an environment started ahead of traffic (provisioned concurrency) is not one.
  #coldStart = process.env.AWS_LAMBDA_INITIALIZATION_TYPE === 'on-demand';

  constructor(options: RequestMetricsOptions) {
    this.#options = options;
    this.#write = options.write ?? ((line) => process.stdout.write(line));
  }

  /** For the store: records a DynamoDB call as it ends. */
  readonly storeCall = (call: StoreCall): void => {
    this.#calls.push(call);
  };

  /** Forgets what an earlier request left (one that never got to `publish`). */
  start(): void {
    this.#calls = [];
  }

  /** Prints the request's document(s), and forgets its calls. */
  publish({ event, context, statusCode, error }: RequestOutcome): void {
    const calls = this.#calls;
    this.#calls = [];
    const coldStart = this.#coldStart;
    this.#coldStart = false;
    if (this.#options.disabled) return;
    const points: MetricPoint[] = [
      {
        name: context.method === 'GET' ? CHAT_CONFIG_METRICS.reads : CHAT_CONFIG_METRICS.updates,
        unit: 'Count',
        value: 1,
        dimensions: { [METRIC_DIMENSIONS.outcome]: outcomeOf(statusCode) },
      },
      ...calls.map(({ operation, milliseconds }) => ({
        name: CHAT_CONFIG_METRICS.storeLatency,
        unit: 'Milliseconds' as const,
        value: milliseconds,
        dimensions: { [METRIC_DIMENSIONS.operation]: operation },
      })),
      // Each field once per request: the metric counts requests that got it wrong, not the rules they broke.
      ...[...new Set(violationsOf(error).map(({ path }) => validationFieldOf(path)))].map((field) => ({
        name: CHAT_CONFIG_METRICS.validationFailures,
        unit: 'Count' as const,
        value: 1,
        dimensions: { [METRIC_DIMENSIONS.field]: field },
      })),
      ...(coldStart
        ? [
            {
              name: CHAT_CONFIG_METRICS.coldStart,
              unit: 'Count' as const,
              value: 1,
              dimensions: { [METRIC_DIMENSIONS.functionName]: context.functionName },
            },
          ]
        : []),
    ];
    const documents = emfDocuments(
      {
        namespace: this.#options.namespace,
        service: this.#options.serviceName,
        timestamp: Date.now(),
        properties: {
          requestId: requestIdOf(event),
          function_request_id: context.awsRequestId,
          xray_trace_id: traceIdOf(process.env._X_AMZN_TRACE_ID),
          dynamoDbCalls: calls.map(({ operation, milliseconds }) => ({ operation, milliseconds })),
        },
      },
      points,
    );
    for (const document of documents) this.#write(`${JSON.stringify(document)}\n`);
  }
}

/**
 * Publishes each request's metrics once its response is final (after the problem details of a failure): a `GET`
 * counts as a read, any other method as an update. Register it before `problemDetails`, so that it runs after it.
 */
export const requestMetrics = (
  metrics: RequestMetrics,
): MiddlewareObj<ApiGatewayEvent, ApiGatewayResult, Error, ChatConfigContext> => {
  // Middy runs the error hooks when an after-hook registered before this one throws: the request is counted once.
  const counted = new WeakSet<object>();
  const publish = (request: {
    event: ApiGatewayEvent;
    context: ChatConfigContext;
    response: ApiGatewayResult | null | undefined;
    error: unknown;
  }) => {
    if (counted.has(request)) return;
    counted.add(request);
    const { event, context, response, error } = request;
    // problemDetails gives every failure a response; were it to fail itself, Middy would skip this hook (and the
    // invocation would count as a Lambda error instead).
    metrics.publish({ event, context, statusCode: response?.statusCode ?? 500, error });
  };
  return { before: () => metrics.start(), after: publish, onError: publish };
};
