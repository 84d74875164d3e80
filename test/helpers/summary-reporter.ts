import { readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AggregatedResult, Reporter } from '@jest/reporters';

const figuresOfRun = (): string => {
  const file = process.env.TEST_FIGURES_FILE;
  if (!file) return '';
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  } finally {
    rmSync(dirname(file), { recursive: true, force: true });
  }
};

/**
 * Ends the run with the figures tests printed (test/helpers/figures.ts), then one plain `tests: N passed, N failed`
 * line, the closing line CI tools read in any language.
 */
export default class SummaryReporter implements Pick<Reporter, 'onRunComplete'> {
  onRunComplete(_: unknown, results: AggregatedResult): void {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`;
    const figures = figuresOfRun();
    // At exit, so that it comes after jest's own summary and is the run's last line.
    process.once('exit', () => process.stdout.write(`${figures}${line}\n`));
  }
}
