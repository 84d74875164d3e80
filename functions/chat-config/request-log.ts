import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { type ApiGatewayEvent, type ApiGatewayResult, requestIdOf } from '../http/events';
import type { ErrorLog } from '../http/problem-details';
import type { AuditLog } from '../sessions/session-config';
import type { StoreCall } from '../sessions/session-table';
import { emfDocuments, type MetricPoint } from './emf';
import { CHAT_CONFIG_METRICS, METRIC_DIMENSIONS, outcomeOf, validationFieldOf } from './metrics';
import type { ChatConfigContext } from './operations';
import { violationsOf } from './problems';

export interface RequestLogOptions {
  /** The CloudWatch namespace of the metrics (`POWERTOOLS_METRICS_NAMESPACE`). */
  readonly namespace: string;
  /** The `service` of each line and dimension of each metric (`POWERTOOLS_SERVICE_NAME`). */
  readonly serviceName: string;
  /** Whether the lines go without metrics (`POWERTOOLS_METRICS_DISABLED`). @default false */
  readonly metricsDisabled?: boolean;
  /** Whether nothing is printed at all (the tests' quiet handlers). @default false */
  readonly silent?: boolean;
  /** Where each line goes. @default standard output, which the Lambda runtime sends to CloudWatch Logs */
  readonly write?: (line: string) => void;
}

/** What a request came to, once its response is final. */
export interface RequestOutcome {
  readonly event: ApiGatewayEvent;
  readonly context: Pick<Context, 'awsRequestId' | 'functionName'> &
    Pick<ChatConfigContext, 'method' | 'callerId'>;
  readonly statusCode: number;
  readonly error: unknown;
}

type Level = 'INFO' | 'ERROR';

interface Entry {
  readonly level: Level;
  readonly message: string;
  readonly attributes: Record<string, unknown>;
}

/** `Root=1-…;Parent=…;Sampled=…`: the trace id, as Powertools Logger names it. */
const traceIdOf = (header: string | undefined): string | undefined =>
  header
    ?.split(';')
    .find((part) => part.startsWith('Root='))
    ?.slice(5);

/**
 * One line per request, printed once it is answered: what happened (the audit of a write, the problem of a refusal,
 * the error of a failure), who asked (API Gateway's and Lambda's request ids, the X-Ray trace, the caller), each
 * DynamoDB call in order with its duration, and the request's metrics in CloudWatch embedded metric format: its count
 * by outcome, each call's latency by operation, each field a 422 got wrong, the cold start. A further line holds only
 * metrics that need another value of a dimension (a second DynamoDB operation, a second field).
 *
 * It is the use cases' audit log and the problem details' error log: whatever they log of a request goes into its
 * line. Nothing a client sent is given to it, only ids, names and counts.
 */
export class RequestLog implements AuditLog, ErrorLog {
  readonly #options: RequestLogOptions;
  readonly #write: (line: string) => void;
  #calls: StoreCall[] = [];
  #entry: Entry | undefined;
  // Lambda's own cold starts: an environment started ahead of traffic (provisioned concurrency) is not one.
  #coldStart = process.env.AWS_LAMBDA_INITIALIZATION_TYPE === 'on-demand';

  constructor(options: RequestLogOptions) {
    this.#options = options;
    this.#write = options.write ?? ((line) => process.stdout.write(line));
  }

  /** For the store: records a DynamoDB call as it ends, to the hundredth of a millisecond. */
  readonly storeCall = ({ operation, milliseconds }: StoreCall): void => {
    this.#calls.push({ operation, milliseconds: Math.round(milliseconds * 100) / 100 });
  };

  info(message: string, attributes: Record<string, unknown>): void {
    // A failure logged first stays the line's message.
    if (this.#entry?.level !== 'ERROR') this.#entry = { level: 'INFO', message, attributes };
  }

  error(message: string, attributes: Record<string, unknown>): void {
    this.#entry = { level: 'ERROR', message, attributes };
  }

  /** Forgets what an earlier request left (one whose line was never printed). */
  start(): void {
    this.#calls = [];
    this.#entry = undefined;
  }

  /** Prints the request's line (and a further metrics line if it needs one), and forgets the request. */
  publish({ event, context, statusCode, error }: RequestOutcome): void {
    const calls = this.#calls;
    const entry = this.#entry ?? {
      level: 'INFO',
      message: context.method === 'GET' ? 'Chat configuration read' : 'Request answered',
      attributes: {},
    };
    const coldStart = this.#coldStart;
    this.start();
    this.#coldStart = false;
    if (this.#options.silent) return;
    const timestamp = Date.now();
    const line = {
      level: entry.level,
      message: entry.message,
      timestamp: new Date(timestamp).toISOString(),
      service: this.#options.serviceName,
      cold_start: coldStart,
      function_name: context.functionName,
      function_request_id: context.awsRequestId,
      xray_trace_id: traceIdOf(process.env._X_AMZN_TRACE_ID),
      requestId: requestIdOf(event),
      callerId: context.callerId,
      method: context.method,
      status: statusCode,
      ...entry.attributes,
      dynamoDbCalls: calls,
    };
    if (this.#options.metricsDisabled) {
      this.#write(`${JSON.stringify(line)}\n`);
      return;
    }
    const documents = emfDocuments(
      { namespace: this.#options.namespace, service: this.#options.serviceName, timestamp, properties: line },
      metricPointsOf({ context, statusCode, error, calls, coldStart }),
    );
    for (const document of documents) this.#write(`${JSON.stringify(document)}\n`);
  }
}

/** A request's metric points: its count by outcome, its calls' latencies, a 422's fields, the cold start. */
const metricPointsOf = ({
  context,
  statusCode,
  error,
  calls,
  coldStart,
}: Pick<RequestOutcome, 'context' | 'statusCode' | 'error'> & {
  calls: readonly StoreCall[];
  coldStart: boolean;
}): MetricPoint[] => [
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

/**
 * Prints each request's line once its response is final (after the problem details of a failure): a `GET` counts as
 * a read, any other method as an update. Register it before `problemDetails`, so that it runs after it.
 */
export const requestLogging = (
  log: RequestLog,
): MiddlewareObj<ApiGatewayEvent, ApiGatewayResult, Error, ChatConfigContext> => {
  // Middy runs the error hooks when an after-hook registered before this one throws: the request is printed once.
  const printed = new WeakSet<object>();
  const publish = (request: {
    event: ApiGatewayEvent;
    context: ChatConfigContext;
    response: ApiGatewayResult | null | undefined;
    error: unknown;
  }) => {
    if (printed.has(request)) return;
    printed.add(request);
    const { event, context, response, error } = request;
    // problemDetails gives every failure a response; were it to fail itself, Middy would skip this hook (and the
    // invocation would count as a Lambda error instead).
    log.publish({ event, context, statusCode: response?.statusCode ?? 500, error });
  };
  return { before: () => log.start(), after: publish, onError: publish };
};
