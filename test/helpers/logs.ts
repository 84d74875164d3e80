import { jest } from '@jest/globals';

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
