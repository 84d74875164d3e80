import { readFileSync, rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { AggregatedResult, Reporter } from '@jest/reporters';

/** The prefix of the temporary folder the global setup makes for a run's figures, which this reporter removes. */
export const FIGURES_DIR_PREFIX = 'chat-config-figures-';

const figuresOfRun = (): string => {
  const file = process.env.TEST_FIGURES_FILE;
  // Only the folder the global setup made: a run without tests skips the setup, and the variable may then be anyone's.
  if (!file || !basename(dirname(file)).startsWith(FIGURES_DIR_PREFIX)) return '';
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
    // A file that fails outside its tests (a hook, the product output guard) counts no failed test: name it apart.
    const brokenFiles = results.numRuntimeErrorTestSuites;
    const line = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}${brokenFiles ? `, ${brokenFiles} test file(s) failed to run` : ''}`;
    const figures = figuresOfRun();
    // At exit, so that it comes after jest's own summary and is the run's last line.
    process.once('exit', () => process.stdout.write(`${figures}${line}\n`));
  }
}
