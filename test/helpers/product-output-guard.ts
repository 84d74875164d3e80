import { afterAll, expect } from '@jest/globals';
import { functionRecordOf } from '../../local/console-log';

/**
 * Keeps the function's own output off the test run's console: a JSON log line or EMF line written to stdout or
 * stderr by a test file that does not capture it (see `captureLogs`) is held back here, and fails the file. Tests
 * that assert on logs capture them; the others must build the function quiet.
 */
const strayLines: string[] = [];

const guard = (stream: NodeJS.WriteStream) => {
  const write = stream.write;
  stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    if (lines.length > 0 && lines.every((line) => functionRecordOf(line) !== undefined)) {
      strayLines.push(...lines);
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }
    return write.call(this, chunk as string, ...(rest as []));
  } as NodeJS.WriteStream['write'];
  return () => {
    stream.write = write;
  };
};

const restoreStdout = guard(process.stdout);
const restoreStderr = guard(process.stderr);

afterAll(() => {
  restoreStdout();
  restoreStderr();
  expect({ productLinesOnTheConsole: strayLines.map((line) => line.slice(0, 200)) }).toEqual({
    productLinesOnTheConsole: [],
  });
});
