import type { AggregatedResult, Reporter } from '@jest/reporters';

/** Ends the run with one plain `tests: N passed, N failed` line, the closing line CI tools read in any language. */
export default class SummaryReporter implements Pick<Reporter, 'onRunComplete'> {
  onRunComplete(_: unknown, results: AggregatedResult): void {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`;
    // At exit, so that it comes after jest's own summary and is the run's last line.
    process.once('exit', () => process.stdout.write(`${line}\n`));
  }
}
