import { afterAll, expect } from '@jest/globals';
import { divertFunctionLines } from '../../local/console-log';

/**
 * Keeps the function's own output off the test run's console: a JSON log line or EMF line written to stdout or
 * stderr by a test file that does not capture it (see `captureLogs`) is held back here, and fails the file. Tests
 * that assert on logs capture them; the others must build the function quiet.
 */
const strayLines: string[] = [];

const restore = divertFunctionLines((_, line) => {
  strayLines.push(line);
  return undefined;
});

afterAll(() => {
  restore();
  expect({ productLinesOnTheConsole: strayLines.map((line) => line.slice(0, 200)) }).toEqual({
    productLinesOnTheConsole: [],
  });
});
