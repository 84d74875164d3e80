import { afterAll, beforeAll, expect, jest } from '@jest/globals';

/**
 * Stands for a secret in a config value: the reliability suites put it in every config value they send, where it may
 * reach DynamoDB and a response, never a log line.
 */
export const SENTINEL = 'zq-sentinel';

/** Everything written to stdout and stderr while capturing, as text and as the JSON lines Powertools writes. */
export interface CapturedLogs {
  text(): string;
  lines(): Record<string, unknown>[];
  restore(): void;
}

export const captureLogs = (): CapturedLogs => {
  const chunks: string[] = [];
  const record = (chunk: unknown) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(record);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(record);
  return {
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    restore: () => {
      stdout.mockRestore();
      stderr.mockRestore();
    },
  };
};

/**
 * For a test file that sends `SENTINEL` in config values: captures everything it logs, from its first `beforeAll` to
 * its last `afterAll`, with whole events asked for (`POWERTOOLS_LOGGER_LOG_EVENT`, which the handler must ignore).
 * Print through `testRequestLog({ quiet: false })` for every line there is.
 */
export const useSentinelLogs = () => {
  let logs: CapturedLogs | undefined;
  beforeAll(() => {
    process.env.POWERTOOLS_LOGGER_LOG_EVENT = 'true';
    logs = captureLogs();
  });
  afterAll(() => {
    logs?.restore();
    delete process.env.POWERTOOLS_LOGGER_LOG_EVENT;
  });
  return {
    /** Asserts that lines were logged and that none holds `SENTINEL`; gives their number. */
    expectNoConfigValueLogged: (): number => {
      if (logs === undefined) throw new Error('useSentinelLogs: used outside a test');
      const lines = logs.lines();
      expect(lines.length).toBeGreaterThan(0);
      expect(logs.text()).not.toContain(SENTINEL);
      return lines.length;
    },
  };
};

/** One metric of an EMF line, as CloudWatch reads it. */
export interface EmfMetric {
  readonly namespace: string;
  readonly dimensions: string[][];
  readonly name: string;
  readonly unit: string;
  /** The line's members: the dimensions' values and the metric's value. */
  readonly members: Record<string, unknown>;
}

/** The metrics of every EMF line (a JSON line with `_aws.CloudWatchMetrics`) among `lines`. */
export const emfMetricsOf = (lines: Record<string, unknown>[]): EmfMetric[] =>
  lines.flatMap((line) => {
    const directives = (line._aws as { CloudWatchMetrics?: unknown[] } | undefined)?.CloudWatchMetrics ?? [];
    return directives.flatMap((directive) => {
      const { Namespace, Dimensions, Metrics } = directive as {
        Namespace: string;
        Dimensions: string[][];
        Metrics: { Name: string; Unit: string }[];
      };
      return Metrics.map(({ Name, Unit }) => ({
        namespace: Namespace,
        dimensions: Dimensions,
        name: Name,
        unit: Unit,
        members: line,
      }));
    });
  });
