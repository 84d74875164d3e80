import { describe, expect, it } from '@jest/globals';
import Ajv from 'ajv';
import { emfDocuments, type MetricPoint } from '../../../functions/chat-config/emf';

/** The structure the EMF specification gives (its JSON schema, as CloudWatch Logs validates a document). */
const EMF_SCHEMA = {
  type: 'object',
  required: ['_aws'],
  properties: {
    _aws: {
      type: 'object',
      required: ['Timestamp', 'CloudWatchMetrics'],
      properties: {
        Timestamp: { type: 'integer', minimum: 0 },
        CloudWatchMetrics: {
          type: 'array',
          items: {
            type: 'object',
            required: ['Namespace', 'Dimensions', 'Metrics'],
            properties: {
              Namespace: { type: 'string', minLength: 1, maxLength: 1024 },
              Dimensions: {
                type: 'array',
                items: { type: 'array', minItems: 1, maxItems: 30, items: { type: 'string', minLength: 1 } },
              },
              Metrics: {
                type: 'array',
                maxItems: 100,
                items: {
                  type: 'object',
                  required: ['Name'],
                  properties: { Name: { type: 'string', minLength: 1 }, Unit: { type: 'string' } },
                },
              },
            },
          },
        },
      },
    },
  },
};
const validEmf = new Ajv({ strict: true }).compile(EMF_SCHEMA);

const OPTIONS = { namespace: 'Test', service: 'chat-config', timestamp: 1_733_300_000_000 };
const count = (name: string, dimensions: Record<string, string>): MetricPoint => ({
  name,
  unit: 'Count',
  value: 1,
  dimensions,
});
const latency = (operation: string, value: number): MetricPoint => ({
  name: 'DynamoDbLatency',
  unit: 'Milliseconds',
  value,
  dimensions: { operation },
});

/** Each metric of a document with the dimension values CloudWatch reads for it, as CloudWatch resolves members. */
const resolved = (documents: Record<string, unknown>[]) =>
  documents.flatMap((document) =>
    (
      document._aws as { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] }
    ).CloudWatchMetrics.flatMap(({ Dimensions, Metrics }) =>
      Metrics.map(({ Name }) => ({
        name: Name,
        dimensions: Object.fromEntries((Dimensions[0] ?? []).map((name) => [name, document[name]])),
        value: document[Name],
      })),
    ),
  );

describe('emfDocuments', () => {
  it('puts metrics of different dimensions into one document, each under a directive of its own', () => {
    const documents = emfDocuments(OPTIONS, [
      count('ConfigUpdates', { outcome: '2xx' }),
      latency('UpdateItem', 4.5),
      count('ColdStart', { function_name: 'fn' }),
    ]);

    expect(documents).toHaveLength(1);
    expect(documents.every((document) => validEmf(document))).toBe(true);
    expect(documents[0]).toMatchObject({
      _aws: {
        Timestamp: OPTIONS.timestamp,
        CloudWatchMetrics: [
          {
            Namespace: 'Test',
            Dimensions: [['service', 'outcome']],
            Metrics: [{ Name: 'ConfigUpdates', Unit: 'Count' }],
          },
          {
            Namespace: 'Test',
            Dimensions: [['service', 'operation']],
            Metrics: [{ Name: 'DynamoDbLatency', Unit: 'Milliseconds' }],
          },
          {
            Namespace: 'Test',
            Dimensions: [['service', 'function_name']],
            Metrics: [{ Name: 'ColdStart', Unit: 'Count' }],
          },
        ],
      },
      service: 'chat-config',
    });
    expect(resolved(documents)).toEqual([
      { name: 'ConfigUpdates', dimensions: { service: 'chat-config', outcome: '2xx' }, value: 1 },
      {
        name: 'DynamoDbLatency',
        dimensions: { service: 'chat-config', operation: 'UpdateItem' },
        value: 4.5,
      },
      { name: 'ColdStart', dimensions: { service: 'chat-config', function_name: 'fn' }, value: 1 },
    ]);
  });

  it('gives a metric under the same dimensions its values as an array', () => {
    const documents = emfDocuments(OPTIONS, [latency('UpdateItem', 3), latency('UpdateItem', 7)]);

    expect(documents).toHaveLength(1);
    expect(resolved(documents)).toEqual([
      {
        name: 'DynamoDbLatency',
        dimensions: { service: 'chat-config', operation: 'UpdateItem' },
        value: [3, 7],
      },
    ]);
  });

  it('starts another document for another value of a dimension, and only then', () => {
    const documents = emfDocuments(OPTIONS, [
      count('ConfigUpdates', { outcome: '404' }),
      latency('UpdateItem', 3),
      latency('Query', 2),
      count('ValidationFailures', { field: 'stop' }),
      count('ValidationFailures', { field: 'top_p' }),
    ]);

    expect(documents).toHaveLength(2);
    expect(documents.every((document) => validEmf(document))).toBe(true);
    expect(resolved(documents)).toEqual([
      { name: 'ConfigUpdates', dimensions: { service: 'chat-config', outcome: '404' }, value: 1 },
      { name: 'DynamoDbLatency', dimensions: { service: 'chat-config', operation: 'UpdateItem' }, value: 3 },
      { name: 'ValidationFailures', dimensions: { service: 'chat-config', field: 'stop' }, value: 1 },
      { name: 'DynamoDbLatency', dimensions: { service: 'chat-config', operation: 'Query' }, value: 2 },
      { name: 'ValidationFailures', dimensions: { service: 'chat-config', field: 'top_p' }, value: 1 },
    ]);
  });

  it('puts the properties into the first document only', () => {
    const documents = emfDocuments({ ...OPTIONS, properties: { requestId: 'r-1' } }, [
      latency('UpdateItem', 3),
      latency('Query', 2),
    ]);

    expect(documents.map((document) => document.requestId)).toEqual(['r-1', undefined]);
  });

  it('keeps at most 100 values of a metric in one document, as EMF allows', () => {
    const documents = emfDocuments(
      OPTIONS,
      Array.from({ length: 150 }, (_, i) => latency('UpdateItem', i)),
    );

    expect(documents.map((document) => (document.DynamoDbLatency as number[]).length)).toEqual([100, 50]);
  });
});
