/**
 * CloudWatch embedded metric format (EMF): metrics as JSON log lines, which CloudWatch Logs turns into metrics with no
 * API call. One document holds several metric directives, each with dimensions of its own, but a member of the
 * document holds one value: points that need another value of a dimension (or of a metric under other dimensions) go
 * into a further document. A request's points usually fit one.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */

export type MetricUnit = 'Count' | 'Milliseconds';

/** One value of a metric, under its dimensions (besides `service`, which every metric has). */
export interface MetricPoint {
  readonly name: string;
  readonly unit: MetricUnit;
  readonly value: number;
  readonly dimensions: Readonly<Record<string, string>>;
}

export interface EmfDocumentsOptions {
  readonly namespace: string;
  /** The `service` dimension of every metric. */
  readonly service: string;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  /** Members of the first document that are no metric and no dimension: what finds the request in the logs. */
  readonly properties?: Readonly<Record<string, unknown>>;
}

// EMF's own limits: 100 metrics per directive and 100 values per metric; a request records far fewer.
const MAX_VALUES = 100;

interface Directive {
  readonly Namespace: string;
  readonly Dimensions: string[][];
  readonly Metrics: { Name: string; Unit: MetricUnit }[];
}

interface Document {
  readonly members: Record<string, unknown>;
  readonly directives: Map<string, Directive>;
  /** Each metric's dimensions, as a key: a metric's values in one document share them. */
  readonly metricDimensions: Map<string, string>;
}

const dimensionsKey = (dimensions: Readonly<Record<string, string>>) => JSON.stringify(dimensions);

/** Whether `point` fits `document`: its dimensions' values and its metric's dimensions agree with what it holds. */
const fits = (document: Document, point: MetricPoint): boolean => {
  const held = document.metricDimensions.get(point.name);
  if (held !== undefined) {
    const values = document.members[point.name];
    return (
      held === dimensionsKey(point.dimensions) && !(Array.isArray(values) && values.length >= MAX_VALUES)
    );
  }
  if (point.name in document.members) return false;
  return Object.entries(point.dimensions).every(
    ([name, value]) => document.members[name] === undefined || document.members[name] === value,
  );
};

const add = (document: Document, namespace: string, point: MetricPoint) => {
  const held = document.members[point.name];
  if (held !== undefined) {
    document.members[point.name] = Array.isArray(held) ? [...held, point.value] : [held, point.value];
    return;
  }
  Object.assign(document.members, point.dimensions, { [point.name]: point.value });
  document.metricDimensions.set(point.name, dimensionsKey(point.dimensions));
  const names = ['service', ...Object.keys(point.dimensions)];
  const key = names.join('\n');
  const directive = document.directives.get(key) ?? {
    Namespace: namespace,
    Dimensions: [names],
    Metrics: [],
  };
  directive.Metrics.push({ Name: point.name, Unit: point.unit });
  document.directives.set(key, directive);
};

/** The EMF documents that carry `points`, as few as their dimensions allow; the properties go into the first. */
export const emfDocuments = (
  { namespace, service, timestamp, properties = {} }: EmfDocumentsOptions,
  points: readonly MetricPoint[],
): Record<string, unknown>[] => {
  const documents: Document[] = [];
  for (const point of points) {
    let document = documents.find((candidate) => fits(candidate, point));
    if (document === undefined) {
      document = { members: { service }, directives: new Map(), metricDimensions: new Map() };
      documents.push(document);
    }
    add(document, namespace, point);
  }
  return documents.map(({ members, directives }, index) => ({
    _aws: { Timestamp: timestamp, CloudWatchMetrics: [...directives.values()] },
    ...(index === 0 ? properties : {}),
    ...members,
  }));
};
