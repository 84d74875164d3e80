import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import type { ApiGatewayEvent, ApiGatewayResult } from '../http/events';
import type { StoreCall } from '../sessions/session-table';
import { CHAT_CONFIG_METRICS, METRIC_DIMENSIONS, outcomeOf, validationFieldOf } from './metrics';
import type { ChatConfigContext } from './operations';
import { violationsOf } from './problems';

// A metric whose dimensions differ from the request's is printed on a line of its own, by a single-metric instance
// (which prints and forgets each metric as it is added) built once here: `metrics.singleMetric()` builds a new
// instance, a Console included, at each call, which a request would pay for every line.

/**
 * Counts each request by what it came to, once its response is final (after the problem details of a failure): a
 * `GET` as a read, any other method as an update; and, for a 422, each field the body got wrong. Register it before
 * `problemDetails`, so that it runs after it. Powertools' `logMetrics` flushes the counts.
 */
export const requestMetrics = (
  metrics: Metrics,
): MiddlewareObj<ApiGatewayEvent, ApiGatewayResult, Error, ChatConfigContext> => {
  const perField = metrics.singleMetric();
  // Middy runs the error hooks when an after-hook registered before this one throws: the request is counted once.
  const counted = new WeakSet<object>();
  const record = (request: {
    context: ChatConfigContext;
    response: ApiGatewayResult | null | undefined;
    error: unknown;
  }) => {
    if (counted.has(request)) return;
    counted.add(request);
    const { context, response, error } = request;
    const name = context.method === 'GET' ? CHAT_CONFIG_METRICS.reads : CHAT_CONFIG_METRICS.updates;
    // problemDetails gives every failure a response; were it to fail itself, Middy would skip this hook (and the
    // invocation would count as a Lambda error instead).
    metrics.addDimension(METRIC_DIMENSIONS.outcome, outcomeOf(response?.statusCode ?? 500));
    metrics.addMetric(name, MetricUnit.Count, 1);
    // Each field once per request: the metric counts requests that got it wrong, not the rules they broke.
    for (const field of new Set(violationsOf(error).map(({ path }) => validationFieldOf(path)))) {
      perField
        .addDimension(METRIC_DIMENSIONS.field, field)
        .addMetric(CHAT_CONFIG_METRICS.validationFailures, MetricUnit.Count, 1);
    }
  };
  return { after: record, onError: record };
};

/** Records each DynamoDB call's latency as it ends, by operation (its own EMF line: its dimensions differ). */
export const storeLatencyMetric = (metrics: Metrics) => {
  const perCall = metrics.singleMetric();
  return ({ operation, milliseconds }: StoreCall): void => {
    perCall
      .addDimension(METRIC_DIMENSIONS.operation, operation)
      .addMetric(CHAT_CONFIG_METRICS.storeLatency, MetricUnit.Milliseconds, milliseconds);
  };
};
