import { appendFileSync } from 'node:fs';

/**
 * Records a figure a test measured (counts, rates), one line; the summary reporter prints every recorded line at the
 * end of the run, just before its closing `tests:` line, whichever worker ran the test.
 */
export const printFigure = (line: string): void => {
  const file = process.env.TEST_FIGURES_FILE;
  if (!file) throw new Error('TEST_FIGURES_FILE is not set: run the tests through jest (global setup)');
  appendFileSync(file, `${line.replaceAll('\n', ' ')}\n`);
};
